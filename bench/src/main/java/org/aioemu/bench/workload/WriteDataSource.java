package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;

/**
 * Fills a write buffer before it is handed to the engine. One instance per file of a job; called only on
 * that job's loop thread, so an implementation may keep unsynchronised state.
 *
 * <p>When the job verifies, the content must be a function of the file offset (and the instance's seed)
 * only, so that the matching {@link ReadChecker} can recompute it.
 */
@FunctionalInterface
public interface WriteDataSource {
    /** Writes {@code length} bytes into {@code buf} from its start, for a write at file {@code offset}. */
    void fill(MemorySegment buf, long offset, int length);
}
