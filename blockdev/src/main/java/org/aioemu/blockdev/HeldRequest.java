package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * A block request a filter keeps to start later, or again, on its child: what it is ({@link #kind}), where, its
 * buffer or its own copy of the caller's iovec, and its flags. The filters that hold requests ({@link InjectFilter}
 * for delays and changed results, {@link RecoveryFilter} for retries and continuations, {@link ThrottleFilter} for
 * requests over their limits) each pool a subclass with their own fields; a record keeps its iovec array (grown to
 * the largest vector seen), so a warm filter holds requests without allocating.
 *
 * <p>Threading: loop only, owned by one filter.
 */
abstract class HeldRequest {
    static final int READ = 0;
    static final int READV = 1;
    static final int WRITE = 2;
    static final int WRITEV = 3;
    static final int FLUSH = 4;
    static final int DISCARD = 5;
    static final int WRITE_ZEROES = 6;

    int kind;
    long offset;
    /** Bytes the request reads or writes (a vector's sum), or covers (discard, write-zeroes). */
    long length;
    int flags;
    MemorySegment buffer;
    /**
     * This record's copy of a vector's buffers: the caller's array is its own again once the call returns. Room for a
     * few from the start, so that a record that served single-buffer requests need not grow for a short vector.
     */
    MemorySegment[] iov = new MemorySegment[8];
    int count;

    /** Reads and writes, single or vectored: the requests that move data into or out of buffers. */
    final boolean transfers() {
        return kind <= WRITEV;
    }

    /** Copies the first {@code n} of {@code from} and sets {@link #length} to their sum. */
    final void copyIov(MemorySegment[] from, int n) {
        if (iov.length < n) {
            iov = new MemorySegment[Math.max(n, iov.length * 2)];
        }
        System.arraycopy(from, 0, iov, 0, n);
        count = n;
        length = RequestArguments.total(from, n);
    }

    /** Starts the request as it was given on {@code child}, completing through {@code c}. */
    final void startOn(BlockDriver child, BlockCompletion c) {
        switch (kind) {
            case READ -> child.read(offset, buffer, c);
            case READV -> child.readv(offset, iov, count, c);
            case WRITE -> child.write(offset, buffer, flags, c);
            case WRITEV -> child.writev(offset, iov, count, flags, c);
            case FLUSH -> child.flush(c);
            case DISCARD -> child.discard(offset, length, flags, c);
            case WRITE_ZEROES -> child.writeZeroes(offset, length, flags, c);
            default -> throw new IllegalStateException("request kind " + kind);
        }
    }

    /** Forgets the caller's buffers, so a free record keeps no memory reachable. */
    void clear() {
        buffer = null;
        java.util.Arrays.fill(iov, 0, count, null);
        count = 0;
    }
}
