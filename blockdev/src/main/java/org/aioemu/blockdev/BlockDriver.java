package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * A block driver: an image format or a filter over one (raw here; null, lz4 images, fault injection and
 * throttling fit the same shape). Requests are byte-addressed; ranges are checked by the
 * {@link BlockBackend} above, not here.
 *
 * <p>Threading: every method is called on the owning {@code AioContext}'s loop, and every completion
 * runs there, exactly once. {@link #size()} and {@link #description()} may be read from any thread.
 */
public interface BlockDriver extends AutoCloseable {
    /** The format name, as {@code qemu-img info} prints it: {@code raw}. */
    String format();

    /** What the driver serves, for messages: usually the image path. */
    String description();

    /** The I/O engine the image's requests run on ({@code threads}, {@code io_uring}, ...), or {@code none}. */
    default String engineName() {
        return "none";
    }

    /**
     * Loop only: the backend's statistics, which a driver that completes requests records into (a filter passes
     * it down to the node that does).
     */
    default void accountInto(BlockStats stats) {
    }

    /** Virtual size in bytes; any thread (it changes only by {@link #resize}, on the loop). */
    long size();

    /** Alignment every buffer address, offset and length must keep (1 when there is none). */
    int requestAlignment();

    void read(long offset, MemorySegment buffer, BlockCompletion completion);

    /** Reads into the first {@code count} buffers of {@code iov} in turn (preadv); the array is not kept. */
    void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion);

    /** Writes {@code buffer}; {@code flags} may hold {@link RequestFlags#FUA}. */
    void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion);

    /** Writes the first {@code count} buffers of {@code iov} in turn (pwritev); the array is not kept. */
    void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion);

    void flush(BlockCompletion completion);

    /**
     * Starts or waits for writeback of a range, with sync_file_range(2)'s flags ({@code AioRequest.SYNC_RANGE_*}):
     * what fio's sync_file_range= does. Not a durability point (no metadata, no device cache flush).
     */
    void syncRange(long offset, long length, int flags, BlockCompletion completion);

    /** Deallocates a range; {@code flags} may hold {@link RequestFlags#FUA}. */
    void discard(long offset, long length, int flags, BlockCompletion completion);

    /** Zeroes a range; {@code flags}: {@link RequestFlags#FUA}, {@link RequestFlags#MAY_UNMAP}, {@link RequestFlags#NO_FALLBACK}. */
    void writeZeroes(long offset, long length, int flags, BlockCompletion completion);

    /**
     * Changes the virtual size to {@code newSize} bytes: growing reads back as zeroes, shrinking drops the tail.
     * Completes with 0 or -errno; {@link #size()} reads the new size from its completion on.
     */
    void resize(long newSize, BlockCompletion completion);

    /** Loop only: requests submitted and not yet completed (closing waits for zero). */
    int inFlight();

    /**
     * Loop only: what {@code [offset, offset + length)} starts with, data or a hole, and for how long (at most
     * {@code length}). A driver that cannot tell answers data for the whole range.
     */
    default void blockStatus(long offset, long length, BlockStatusCompletion completion) {
        completion.complete(length, false, 0, null);
    }

    /**
     * Loop only: asks for the request that will complete through {@code completion} to be cancelled. True if a
     * cancellation was started; the request still completes exactly once, with -ECANCELED if it took effect, else
     * with its real result. False if no such request is in flight here or it can no longer be cancelled.
     */
    default boolean cancel(BlockCompletion completion) {
        return false;
    }

    /**
     * Loop only: a drained section begins — the backend waits until no request is in flight ({@code drain()}, or
     * {@code close()}, whose section never ends). A driver that holds requests back (throttling) lets them all go now
     * and holds none until {@link #drainEnd()}, as QEMU lifts I/O limits inside a drained section; a filter passes
     * the call down. Sections nest.
     */
    default void drainBegin() {
    }

    /** Loop only: ends the drained section the matching {@link #drainBegin()} began. */
    default void drainEnd() {
    }

    /**
     * Any thread: how the image will be read, for the host's readahead; a driver without a host file to
     * advise ignores it.
     */
    default void adviseAccess(org.aioemu.aio.FileHandle.Access access) throws org.aioemu.engine.ErrnoException {
    }

    /** Loop or after the context stopped: releases files and memory; requests must have completed. */
    @Override
    void close();
}
