package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * A driver over one child node that passes every request and question to it unchanged: QEMU's filter drivers'
 * default. A filter overrides only what it changes — {@link RawSlice} moves offsets and bounds the size,
 * {@link PaddingFilter} pads misaligned requests; later ones (fault injection, throttling) fit the same way.
 * Closing the filter closes the child.
 *
 * <p>Threading: as {@link BlockDriver}: loop only, except {@link #size()} and {@link #description()}.
 */
abstract class FilterDriver implements BlockDriver {
    protected final BlockDriver child;

    FilterDriver(BlockDriver child) {
        this.child = child;
    }

    @Override
    public String format() {
        return child.format();
    }

    @Override
    public String description() {
        return child.description();
    }

    @Override
    public String engineName() {
        return child.engineName();
    }

    @Override
    public void accountInto(BlockStats stats) {
        child.accountInto(stats);
    }

    @Override
    public long size() {
        return child.size();
    }

    @Override
    public int requestAlignment() {
        return child.requestAlignment();
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        child.read(offset, buffer, completion);
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        child.readv(offset, iov, count, completion);
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        child.write(offset, buffer, flags, completion);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        child.writev(offset, iov, count, flags, completion);
    }

    @Override
    public void flush(BlockCompletion completion) {
        child.flush(completion);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
        child.syncRange(offset, length, flags, completion);
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        child.discard(offset, length, flags, completion);
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        child.writeZeroes(offset, length, flags, completion);
    }

    @Override
    public void resize(long newSize, BlockCompletion completion) {
        child.resize(newSize, completion);
    }

    @Override
    public int inFlight() {
        return child.inFlight();
    }

    @Override
    public void blockStatus(long offset, long length, BlockStatusCompletion completion) {
        child.blockStatus(offset, length, completion);
    }

    @Override
    public boolean cancel(BlockCompletion completion) {
        return child.cancel(completion);
    }

    @Override
    public void drainBegin() {
        child.drainBegin();
    }

    @Override
    public void drainEnd() {
        child.drainEnd();
    }

    @Override
    public void adviseAccess(org.aioemu.aio.FileHandle.Access access) throws org.aioemu.engine.ErrnoException {
        child.adviseAccess(access);
    }

    @Override
    public void close() {
        child.close();
    }
}
