package org.aioemu.bench.workload;

import java.nio.file.Path;

/**
 * One file of a job, resolved: where it is, the byte region the job works on, and what must happen to it
 * before the job starts.
 *
 * @param path         the file (null for the null engine, which has no files)
 * @param name         the name as the job or trace gave it (what iologs and messages show)
 * @param offset       first byte of the job's region
 * @param region       bytes of the region
 * @param createSize   size to give the file when it must be created or extended
 * @param existingSize the file's size when resolved, or -1 when it did not exist
 */
record FileSpec(Path path, String name, long offset, long region, long createSize, long existingSize) {
    boolean exists() {
        return existingSize >= 0;
    }

    /** End of the region: the size the file must have at least. */
    long end() {
        return offset + region;
    }
}
