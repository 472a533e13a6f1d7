package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.Errno;

/**
 * QEMU's raw format with {@code offset} and {@code size}: a window of its child, seen as a whole disk — a partition
 * of a disk image, or one image among several in a file. Every request moves by the offset; the backend above bounds
 * it by this window's size, so no request reaches outside it.
 *
 * <p>Threading: as {@link BlockDriver}: loop only, except {@link #size()} and {@link #description()}. Adds nothing
 * per request (no allocation, no state): the child completes each request.
 */
final class RawSlice extends FilterDriver {
    private final LoopDeferred deferred;
    private final long offset;
    private final long size;

    /**
     * A window of {@code size} bytes at {@code offset} in {@code child}; a negative size runs to the child's end.
     *
     * @throws IllegalArgumentException when the window does not fit in the child, or is misaligned for it
     */
    RawSlice(org.aioemu.engine.AioContext ctx, BlockDriver child, long offset, long size) {
        long childSize = child.size();
        long s = size < 0 ? childSize - offset : size;
        if (offset < 0 || s < 0 || offset > childSize - s) {
            throw new IllegalArgumentException("the raw window offset=" + offset + " size=" + s + " does not fit in "
                    + child.description() + "'s " + childSize + " bytes");
        }
        int align = child.requestAlignment();
        if (offset % align != 0 || s % align != 0) {
            throw new IllegalArgumentException("the raw window offset=" + offset + " size=" + s + " is not a multiple of "
                    + child.description() + "'s request alignment, " + align + " bytes");
        }
        super(child);
        this.deferred = new LoopDeferred(ctx);
        this.offset = offset;
        this.size = s;
    }

    @Override
    public String format() {
        return "raw";
    }

    @Override
    public String description() {
        return child.description() + " [" + offset + ", " + (offset + size) + ")";
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long at, MemorySegment buffer, BlockCompletion completion) {
        child.read(offset + at, buffer, completion);
    }

    @Override
    public void readv(long at, MemorySegment[] iov, int count, BlockCompletion completion) {
        child.readv(offset + at, iov, count, completion);
    }

    @Override
    public void write(long at, MemorySegment buffer, int flags, BlockCompletion completion) {
        child.write(offset + at, buffer, flags, completion);
    }

    @Override
    public void writev(long at, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        child.writev(offset + at, iov, count, flags, completion);
    }

    @Override
    public void syncRange(long at, long length, int flags, BlockCompletion completion) {
        child.syncRange(offset + at, length, flags, completion);
    }

    @Override
    public void discard(long at, long length, int flags, BlockCompletion completion) {
        child.discard(offset + at, length, flags, completion);
    }

    @Override
    public void writeZeroes(long at, long length, int flags, BlockCompletion completion) {
        child.writeZeroes(offset + at, length, flags, completion);
    }

    /** A window's size is fixed by its spec: EOPNOTSUPP, as QEMU refuses to resize a raw node with a size. */
    @Override
    public void resize(long newSize, BlockCompletion completion) {
        String why = "the raw window " + description() + " has a fixed size";
        deferred.later(() -> completion.complete(-Errno.EOPNOTSUPP, why)); // completions never run inside the call
    }

    @Override
    public int inFlight() {
        return child.inFlight() + deferred.pending();
    }

    /** The child's answer: it is already cut at {@code length}, which the backend keeps inside the window. */
    @Override
    public void blockStatus(long at, long length, BlockStatusCompletion completion) {
        child.blockStatus(offset + at, length, completion);
    }

    @Override
    public String toString() {
        return "raw window " + description();
    }
}
