package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Bounce buffers are page-aligned, large enough, and reused by size class; others are not kept. */
class BouncePoolTest {
    @Test
    void aBufferGivenBackIsTakenAgainForAnySizeOfItsClass() {
        BouncePool pool = new BouncePool(512);
        MemorySegment a = pool.take(5000);
        assertTrue(a.byteSize() >= 5000 && a.address() % 4096 == 0, a.toString());
        pool.give(a);
        MemorySegment b = pool.take(7000); // the same class (8 KiB)
        assertEquals(a.address(), b.address());
        assertEquals(a.byteSize(), b.byteSize());
    }

    @Test
    void slicesAndOversizedBuffersAreNotKept() {
        BouncePool pool = new BouncePool(512);
        MemorySegment a = pool.take(5000);
        pool.give(a.asSlice(0, 5000)); // not a whole buffer of a class: dropped
        assertNotEquals(a.address(), pool.take(5000).address());
        MemorySegment big = pool.take(BouncePool.LARGEST_POOLED + 1);
        pool.give(big);
        assertNotEquals(big.address(), pool.take(BouncePool.LARGEST_POOLED + 1).address());
    }
}
