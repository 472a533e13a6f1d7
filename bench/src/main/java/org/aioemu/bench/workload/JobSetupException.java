package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;
import org.aioemu.engine.Errno;

/** A job that cannot start: its message is the job's error message, {@link #errno} its error. */
final class JobSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    JobSetupException(JobOptions job, String message) {
        this(job, Errno.EINVAL, message);
    }

    JobSetupException(JobOptions job, int errno, String message) {
        super(job != null && job.name != null ? job.name + ": " + message : message);
        this.errno = Math.abs(errno);
    }

    int errno() {
        return errno;
    }
}
