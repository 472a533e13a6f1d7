package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.engine.Errno;

/**
 * fio's exec_prerun and exec_postrun: a shell command ({@code sh -c}, as fio's system(3)) run for a job, its
 * output passed to the notices, a non-zero exit the job's error. Runner thread; it blocks until the command
 * ends (an hour at most, then it is killed and that is the error).
 */
final class ShellCommand {
    private static final long LIMIT_SECONDS = 3600;

    private ShellCommand() {
    }

    static void run(JobOptions o, String what, String command, PrintStream notices) throws JobSetupException {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new JobSetupException(o, Errno.EIO, what + " '" + command + "' ran over " + LIMIT_SECONDS + " s");
            }
            out.lines().forEach(l -> notices.println(o.name + ": " + what + ": " + l));
            if (p.exitValue() != 0) {
                throw new JobSetupException(o, Errno.EIO, what + " '" + command + "' failed with exit status " + p.exitValue());
            }
        } catch (IOException e) {
            throw new JobSetupException(o, Errno.EIO, what + " '" + command + "' could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobSetupException(o, Errno.EINTR, what + " '" + command + "' was interrupted");
        }
    }
}
