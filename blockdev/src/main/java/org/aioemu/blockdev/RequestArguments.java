package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The checks of a request's arguments that belong on the caller's thread, as {@code AsynchronousFileChannel} makes
 * them: a programming error is thrown at once, never turned into a future that fails later (or never). What only
 * the image can judge (a range past its end, a write to a read-only image) stays an I/O error of the request.
 * Stateless; any thread.
 */
final class RequestArguments {
    /** Results are ints (bytes or -errno), so one request moves at most this many bytes. */
    static final long MAX_TRANSFER = Integer.MAX_VALUE;
    /**
     * A thread that is never started: a segment it may access is accessible from every thread (global, automatic or
     * shared arenas); one it may not is confined to its owner, and the loop and the pool's workers could not use it.
     */
    private static final Thread ANY_OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private RequestArguments() {
    }

    /** A buffer to read into ({@code into}) or write from. */
    static void buffer(MemorySegment buffer, boolean into) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("I/O buffers must be native memory (from an Arena), not a heap segment");
        }
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("the buffer's arena is closed: its memory is gone");
        }
        if (!buffer.isAccessibleBy(ANY_OTHER_THREAD)) {
            throw new IllegalArgumentException("the buffer is from a confined arena, which only its owner thread may use;"
                    + " the I/O runs on the context's loop and pool: allocate it from Arena.ofShared(), ofAuto() or global()");
        }
        if (into && buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only segment");
        }
        if (buffer.byteSize() > MAX_TRANSFER) {
            throw new IllegalArgumentException("a transfer of " + buffer.byteSize() + " bytes exceeds the largest one request"
                    + " can move, " + MAX_TRANSFER + " bytes: split it");
        }
    }

    /** The bytes the first {@code count} of {@code iov} hold; no checks (for arguments already checked). */
    static long total(MemorySegment[] iov, int count) {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += iov[i].byteSize();
        }
        return n;
    }

    /**
     * Vectored buffers: each as {@link #buffer}, at least one, at most IOV_MAX, at most {@link #MAX_TRANSFER} in all.
     * Returns their total size.
     */
    static long buffers(MemorySegment[] iov, int count, boolean into) {
        Objects.requireNonNull(iov, "buffers");
        if (count < 1 || count > iov.length) {
            throw new IllegalArgumentException("buffer count " + count + " is not within 1 to the array's " + iov.length);
        }
        if (count > org.aioemu.aio.AioRequest.MAX_IOV_CAPACITY) {
            throw new IllegalArgumentException(count + " buffers exceed IOV_MAX, " + org.aioemu.aio.AioRequest.MAX_IOV_CAPACITY
                    + ", the most one request can take: split it");
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            buffer(iov[i], into);
            total += iov[i].byteSize();
        }
        if (total > MAX_TRANSFER) {
            throw new IllegalArgumentException("a transfer of " + total + " bytes exceeds the largest one request can move, "
                    + MAX_TRANSFER + " bytes: split it");
        }
        return total;
    }

    static void offset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    static void range(long offset, long length) {
        offset(offset);
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
    }
}
