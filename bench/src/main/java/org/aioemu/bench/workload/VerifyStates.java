package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.aioemu.bench.data.VerifyState;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.engine.Errno;

/**
 * Where a job's verify state file lives and how it is saved and loaded: fio's {@code local-JOB-N-verify.state}, N the
 * job's number among all jobs from 0, in the current directory or fio's --aux-path. Runner thread. Stateless.
 */
final class VerifyStates {
    private VerifyStates() {
    }

    static Path path(JobOptions o, JobClone clone) {
        String name = VerifyState.fileName(o.name, clone.jobNumber() - 1);
        return o.auxPath != null ? Path.of(o.auxPath, name) : Path.of(name);
    }

    /** verify_state_load: the state the writing job saved; a missing or bad file fails the job before any I/O. */
    static VerifyState load(JobOptions o, JobClone clone) throws JobSetupException {
        Path file = path(o, clone);
        try {
            return VerifyState.read(file);
        } catch (NoSuchFileException e) {
            throw new JobSetupException(o, Errno.ENOENT, "verify_state_load: " + file + ": " + e.getReason());
        } catch (IOException e) {
            throw new JobSetupException(o, Errno.EINVAL, "verify_state_load: " + e.getMessage());
        }
    }

    /** verify_state_save, after the job ended: null, or why the file could not be written. */
    static String save(JobParts p) {
        if (p.verifyState == null) {
            return null;
        }
        Path file = path(p.options, p.clone);
        try {
            p.verifyState.state(p.options.name, p.clone.jobNumber() - 1).write(file);
            return null;
        } catch (IOException e) {
            return "verify_state_save: " + file + ": " + e;
        }
    }
}
