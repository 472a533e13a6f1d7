package org.aioemu.bench;

import java.nio.file.Path;

/**
 * One benchmark job as {@code aioemu bench} received it, in fio's terms.
 *
 * @param filename   the image, or null for a temporary one of {@code size} bytes
 * @param readPercent share of reads for mixed workloads (fio's rwmixread); 100 for pure reads
 * @param runtimeNanos how long to run (time_based); the job also stops when an error occurs
 */
record JobSpec(String name, Path filename, long size, RwMode rw, int readPercent, int blockSize, int iodepth,
               long runtimeNanos, boolean direct, String engine, long seed) {

    /** fio's rw= modes that bench runs today. */
    enum RwMode {
        READ("read", false, true, false),
        WRITE("write", false, false, true),
        RANDREAD("randread", true, true, false),
        RANDWRITE("randwrite", true, false, true),
        RW("rw", false, true, true),
        RANDRW("randrw", true, true, true);

        final String fioName;
        final boolean random;
        final boolean reads;
        final boolean writes;

        RwMode(String fioName, boolean random, boolean reads, boolean writes) {
            this.fioName = fioName;
            this.random = random;
            this.reads = reads;
            this.writes = writes;
        }

        static RwMode parse(String text) {
            for (RwMode m : values()) {
                if (m.fioName.equals(text) || (m == RW && text.equals("readwrite"))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--rw=" + text + ": expected one of read, write, randread, randwrite, rw (readwrite), randrw");
        }
    }
}
