package org.aioemu.blockdev;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Aligned bounce buffers for requests an O_DIRECT image cannot take as they are, reused by size class so that a
 * stream of misaligned requests does not allocate native memory for each. Classes are powers of two from the
 * alignment up to {@value #LARGEST_POOLED} bytes, each keeping at most {@value #KEPT_PER_CLASS} free buffers; larger
 * ones are made for the request and left to the garbage collector (an automatic arena).
 *
 * <p>Threading: loop only. The buffers themselves are shared memory: the pool's workers and the kernel fill them.
 */
final class BouncePool {
    static final int LARGEST_POOLED = 1 << 20;
    static final int KEPT_PER_CLASS = 16;

    private final long alignment;
    /** free[k]: buffers of {@code alignment << k} bytes. */
    private final ArrayDeque<MemorySegment>[] free;

    @SuppressWarnings("unchecked")
    BouncePool(long alignment) {
        this.alignment = Math.max(alignment, 4096); // page alignment satisfies every O_DIRECT memory rule
        int classes = Math.max(1, Long.numberOfTrailingZeros(LARGEST_POOLED / this.alignment) + 1);
        this.free = new ArrayDeque[classes];
        for (int i = 0; i < classes; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** A buffer of at least {@code size} bytes, page-aligned; its first {@code size} bytes are what the caller uses. */
    MemorySegment take(long size) {
        int k = sizeClass(size);
        if (k < 0) {
            return Arena.ofAuto().allocate(size, alignment);
        }
        MemorySegment s = free[k].pollFirst();
        return s != null ? s : Arena.ofAuto().allocate(alignment << k, alignment);
    }

    /** Gives a buffer from {@link #take} back. */
    void give(MemorySegment buffer) {
        int k = sizeClass(buffer.byteSize());
        if (k >= 0 && (alignment << k) == buffer.byteSize() && free[k].size() < KEPT_PER_CLASS) {
            free[k].addFirst(buffer);
        }
    }

    /** The class holding {@code size} bytes, or -1 above the largest pooled size. */
    private int sizeClass(long size) {
        if (size > LARGEST_POOLED) {
            return -1;
        }
        long units = Math.max(1, (size + alignment - 1) / alignment);
        int k = 64 - Long.numberOfLeadingZeros(units - 1); // ceil(log2(units))
        return k < free.length ? k : -1;
    }
}
