package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * Makes the buffer filler and the verifier of one file of a job. The built-in one ({@link #builtIn()})
 * covers zero_buffers, buffer_pattern, random data and every verify= kind with offset-seeded data; the
 * integrator may plug in the data package's richer BufferFiller/Verifier through this interface.
 *
 * <p>Called on the runner thread while a job is set up; the products are then used on the job's loop only.
 */
public interface DataFactory {
    /**
     * The filler for writes to file {@code fileIndex} of the job.
     *
     * @param seed the job's data seed (derived from randseed and the job number, fixed with randrepeat)
     */
    WriteDataSource writer(JobOptions job, int fileIndex, long seed);

    /** The checker of reads from file {@code fileIndex}, or null when the job does not verify. */
    ReadChecker checker(JobOptions job, int fileIndex, long seed);

    /** aioemu's own data: see {@link BuiltInData}. */
    static DataFactory builtIn() {
        return BuiltInData.FACTORY;
    }
}
