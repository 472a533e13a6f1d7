package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded multi-producer single-consumer ring (seed 003's done ring): any thread offers, one thread
 * polls. Each cell carries a turn number: a producer claims a position by a cas on the tail, fills the cell
 * and publishes it by storing the turn {@code position + 1} with release; the consumer reads the turn with
 * acquire and takes the cell only once it is published, then hands the cell back for the next lap by storing
 * {@code position + capacity}. A producer finding the cell of its position not yet handed back reports the
 * ring full ({@code offer} returns false) rather than waiting.
 *
 * <p>Order: what one producer offers is polled in its order; offers from different producers are polled in
 * the order their tail cas succeeded. A producer that has claimed a position but not yet published it holds
 * up the consumer at that position (the consumer sees "empty" there) until it publishes; offers are a few
 * instructions, so this is brief unless the producer is descheduled.
 *
 * <p>Allocation: the arrays are made once.
 */
final class MpscRing<E> extends RingIndices {
    private static final VarHandle TURNS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] cells;
    private final long[] turns;
    private final int mask;

    /** @param capacity a power of two, at least 2 */
    MpscRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 2: " + capacity);
        }
        cells = new Object[capacity];
        turns = new long[capacity];
        mask = capacity - 1;
        for (int i = 0; i < capacity; i++) {
            TURNS.setRelease(turns, i, (long) i); // cell i is free for position i
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Any thread: appends {@code e}; false if the ring is full. */
    boolean offer(E e) {
        for (;;) {
            long t = lvTailRaw();
            int i = (int) t & mask;
            long turn = (long) TURNS.getAcquire(turns, i);
            if (turn == t) {
                if (casTail(t, t + 1)) {
                    CELLS.setOpaque(cells, i, e);
                    TURNS.setRelease(turns, i, t + 1); // publishes the cell (paired with poll's acquire)
                    return true;
                }
            } else if (turn < t) {
                return false; // the consumer has not yet handed this cell back: a whole lap is waiting
            }
            // else another producer took position t: read the tail again
        }
    }

    /** The consumer: the oldest published element, or null if none is (yet) published at the head. */
    @SuppressWarnings("unchecked")
    E poll() {
        long h = lpHead();
        int i = (int) h & mask;
        // Volatile rather than acquire: the thread pool's consumer reads the ring after clearing its
        // bottom half's flag, a Dekker pair with a producer that publishes, fences, then reads that flag.
        if ((long) TURNS.getVolatile(turns, i) != h + 1) {
            return null;
        }
        E e = (E) CELLS.getOpaque(cells, i);
        CELLS.setOpaque(cells, i, null);
        TURNS.setRelease(turns, i, h + mask + 1); // hands the cell to the producers of the next lap
        soHead(h + 1);
        return e;
    }

    /** The consumer: whether an element is published at the head. */
    boolean isEmpty() {
        long h = lpHead();
        return (long) TURNS.getVolatile(turns, (int) h & mask) != h + 1; // volatile: see poll
    }

    /** Any thread: an estimate of the elements offered and not yet polled. */
    int size() {
        long h = lvHead();
        return (int) Math.max(0, lvTailRaw() - h);
    }
}
