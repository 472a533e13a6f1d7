package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;

/**
 * Checks data read back against what the job's {@link WriteDataSource} wrote. One instance per file of a
 * job; called only on that job's loop thread.
 */
@FunctionalInterface
public interface ReadChecker {
    /**
     * Checks the first {@code length} bytes of {@code buf}, read from file {@code offset}. Returns null when
     * they are right, else a short description of the first mismatch (offset, expected, found).
     */
    String check(MemorySegment buf, long offset, int length);
}
