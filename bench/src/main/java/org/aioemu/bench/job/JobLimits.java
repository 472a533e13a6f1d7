package org.aioemu.bench.job;

/**
 * Bounds on what one run may ask for, so that hostile input (a job file of 100k sections, {@code numjobs=10000},
 * {@code iodepth=100000}, {@code run /dev/zero}) ends in one clear message instead of a run out of memory.
 * Where fio has a bound aioemu takes fio's: 4096 jobs, clones included ("maximum number of jobs reached"),
 * 4096 bytes per option value. fio has none on iodepth and job-file size; aioemu's are far above any real job.
 */
public final class JobLimits {
    /** fio's FIO_MAX_JOBS: jobs in one run, numjobs clones included. */
    public static final int MAX_JOBS = 4096;
    /** Requests in flight per job: each holds a buffer of the job's largest block, allocated up front. */
    public static final int MAX_IODEPTH = 65536;
    /** The largest job file read (fio's examples are under 4 KiB; a generated one with 4096 jobs fits easily). */
    public static final long MAX_JOB_FILE_BYTES = 16L << 20;
    /** The longest line of a job file or a text iolog; fio refuses option values over 4096 bytes. */
    public static final int MAX_LINE_CHARS = 8192;

    private JobLimits() {
    }

    /** The message for more than {@link #MAX_JOBS} jobs, in fio's words. */
    public static String tooManyJobs(long jobs) {
        return "maximum number of jobs reached: " + jobs + " jobs (numjobs clones included) exceed fio's limit of "
                + MAX_JOBS;
    }
}
