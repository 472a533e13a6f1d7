package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.blockdev.nbd.NbdClient;

/**
 * A job's NBD export, through aioemu's own {@link NbdClient} on the job's loop (fio's ioengine=nbd). Writes carry FUA
 * with sync=1 (fio's O_SYNC: each write durable when it completes); fsync and sync_file_range become NBD_CMD_FLUSH,
 * which makes at least as much durable; trims are NBD_CMD_TRIM. Loop only, except {@link #close()}.
 */
final class NbdTarget implements IoTarget {
    private final NbdClient client;
    private final boolean fua;

    NbdTarget(NbdClient client, boolean fua) {
        this.client = client;
        this.fua = fua;
    }

    @Override
    public void read(long offset, MemorySegment buf, BlockCompletion c) {
        client.read(offset, buf, c);
    }

    @Override
    public void write(long offset, MemorySegment buf, BlockCompletion c) {
        client.write(offset, buf, fua, c);
    }

    @Override
    public void flush(BlockCompletion c) {
        client.flush(c);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion c) {
        client.flush(c); // NBD has no writeback hint; a flush covers it
    }

    @Override
    public void discard(long offset, long length, BlockCompletion c) {
        client.trim(offset, length, c);
    }

    @Override
    public void close() {
        client.close();
    }
}
