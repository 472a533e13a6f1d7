package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;

/**
 * Where one file's requests go: a {@link org.aioemu.blockdev.BlockBackend} or, for ioengine=null, nowhere.
 * Loop only, like the backend's callback API: every request completes exactly once, later, on the loop
 * (never inside the call), with bytes or a negative errno.
 */
interface IoTarget {
    void read(long offset, MemorySegment buf, BlockCompletion c);

    void write(long offset, MemorySegment buf, BlockCompletion c);

    /** fdatasync. */
    void flush(BlockCompletion c);

    /** sync_file_range(2) of a range with its flags (fio's sync_file_range=). */
    void syncRange(long offset, long length, int flags, BlockCompletion c);

    void discard(long offset, long length, BlockCompletion c);

    /** Runner thread, after every request completed. */
    void close();
}
