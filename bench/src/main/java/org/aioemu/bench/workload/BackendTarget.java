package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockCompletion;

/** A job file served by a {@link BlockBackend} on the job's loop. Loop only, except {@link #close()}. */
final class BackendTarget implements IoTarget {
    private final BlockBackend backend;

    BackendTarget(BlockBackend backend) {
        this.backend = backend;
    }

    @Override
    public void read(long offset, MemorySegment buf, BlockCompletion c) {
        backend.read(offset, buf, c);
    }

    @Override
    public void write(long offset, MemorySegment buf, BlockCompletion c) {
        backend.write(offset, buf, c);
    }

    @Override
    public void flush(BlockCompletion c) {
        backend.flush(c);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion c) {
        backend.syncRange(offset, length, flags, c);
    }

    @Override
    public void discard(long offset, long length, BlockCompletion c) {
        backend.discard(offset, length, c);
    }

    @Override
    public void close() {
        backend.close();
    }
}
