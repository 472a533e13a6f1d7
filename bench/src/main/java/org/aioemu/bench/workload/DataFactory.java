package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * Makes the buffer filler and the verifier of one file of a job. The runner's is {@link #builtIn()}, fio's
 * buffer contents and verify headers from the data package; tests plug in others (one that throws, say).
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

    /** fio's data: see {@link FioData}. */
    static DataFactory builtIn() {
        return FioData.FACTORY;
    }
}
