package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * Seeds of a job's random streams. With randrepeat (fio's default) or an explicit randseed, a job's seed is
 * fixed by randseed and its job number, so the same job file gives the same offsets, sizes and directions
 * on every run, while numjobs clones differ from each other (as fio's do). Without randrepeat it comes from
 * the clock. Stateless.
 */
final class Seeds {
    /** Independent streams derived from one job seed. */
    static final int OFFSETS = 1;
    static final int DIRECTIONS = 2;
    static final int BLOCK_SIZES = 3;
    static final int DATA = 4;
    static final int SEQUENCING = 5;
    static final int FILE_SIZES = 6;
    static final int ARRIVALS = 7;
    static final int FILES = 8;
    static final int TRIMS = 9;
    /** fio's FIO_RANDSEED, the fixed seed of allrandrepeat (it overrides randseed, as in fio's td_fill_rand_seeds). */
    static final long FIO_RANDSEED = 0xb1899875L;

    private Seeds() {
    }

    /** The job's base seed. {@code jobNumber} is fio's 1-based thread number of the clone. */
    static long jobSeed(JobOptions o, int jobNumber) {
        long base = o.allrandrepeat ? FIO_RANDSEED
                : o.randrepeat || o.randseedGiven ? o.randseed : System.nanoTime() ^ Thread.currentThread().threadId();
        return mix(base, jobNumber);
    }

    /** A well-mixed 64-bit value of (seed, stream): the SplitMix64 finaliser over seed + golden * (stream + 1). */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
