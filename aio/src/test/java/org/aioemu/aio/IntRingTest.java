package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The io_uring engine's int FIFO against ArrayDeque, through growth, wrap-around, addFirst and remove. */
class IntRingTest {
    @Test
    void behavesLikeADequeThroughGrowthAndWrapAround() {
        SplittableRandom rnd = new SplittableRandom(9);
        IntRing ring = new IntRing(4);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        for (int step = 0; step < 100_000; step++) {
            int op = rnd.nextInt(10);
            int value = rnd.nextInt(1000);
            if (op < 4) {
                ring.addLast(value);
                model.addLast(value);
            } else if (op < 5) {
                ring.addFirst(value);
                model.addFirst(value);
            } else if (op < 9) {
                if (!model.isEmpty()) {
                    assertEquals(model.pollFirst(), ring.pollFirst(), "step " + step);
                }
            } else {
                assertEquals(model.removeFirstOccurrence(value), ring.remove(value), "step " + step);
            }
            assertEquals(model.size(), ring.size(), "step " + step);
            assertEquals(model.isEmpty(), ring.isEmpty());
        }
    }

    @Test
    void refusesMisuse() {
        assertThrows(IllegalArgumentException.class, () -> new IntRing(3));
        IntRing ring = new IntRing(1);
        assertThrows(IllegalStateException.class, ring::pollFirst);
        ring.addLast(5);
        assertFalse(ring.remove(6));
        assertTrue(ring.remove(5));
        assertTrue(ring.isEmpty());
    }
}
