package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one storm image must hold, block by block, across every backend and context opened on it: the stamp of the
 * last write that completed successfully (0: zeroes; {@link #UNKNOWN} after a failed write). A block is owned by at most one request at a time
 * ({@link #tryLock}), so the stamp is exact when that request completes and a read of it must return exactly the
 * stamped pattern.
 *
 * <p>Threading: any thread. The lock word is a CAS; the stamp is written by the lock owner before it unlocks (a
 * volatile write) and read by the next owner after its CAS (a volatile read), so each owner sees its predecessor's
 * stamp.
 */
final class StormShadow {
    static final int BLOCK = 4096;
    /** The stamp of a block a failed write may have torn: no read of it is checked until a write succeeds. */
    static final long UNKNOWN = -1;

    private final AtomicLongArray stamps;
    private final AtomicIntegerArray locks;

    StormShadow(int blocks) {
        this.stamps = new AtomicLongArray(blocks);
        this.locks = new AtomicIntegerArray(blocks);
    }

    int blocks() {
        return stamps.length();
    }

    boolean tryLock(int block) {
        return locks.compareAndSet(block, 0, 1);
    }

    void unlock(int block) {
        if (!locks.compareAndSet(block, 1, 0)) {
            throw new AssertionError("block " + block + " unlocked twice: a request completed twice");
        }
    }

    long stamp(int block) {
        return stamps.get(block);
    }

    void landed(int block, long stamp) {
        stamps.set(block, stamp);
    }

    /** The pattern of a stamp: every long differs, so a block shifted, torn or from another write shows. */
    static void fill(MemorySegment buffer, long stamp) {
        for (int i = 0; i < BLOCK / 8; i++) {
            buffer.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, expected(stamp, i));
        }
    }

    /** -1 if the buffer holds the stamp's pattern, else the first long index that differs. */
    static int mismatch(MemorySegment buffer, long stamp) {
        for (int i = 0; i < BLOCK / 8; i++) {
            if (buffer.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i) != expected(stamp, i)) {
                return i;
            }
        }
        return -1;
    }

    private static long expected(long stamp, int i) {
        return stamp == 0 ? 0 : stamp * 0x9E3779B97F4A7C15L + i;
    }
}
