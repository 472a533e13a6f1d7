package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.Errno;

/**
 * Runs one batch of jobs (the jobs between two stonewalls) together: sets every job up (files laid out
 * before any starts, as fio does), starts them all, waits for the last, charges the process's CPU use over
 * the batch to its jobs in equal shares, then releases everything and unlinks files where asked.
 * Runner thread.
 */
final class BatchRun {
    private BatchRun() {
    }

    static List<JobStats> run(List<JobClone> batch, RunSettings settings, Progress[] progress) {
        List<JobSetup.Prepared> jobs = new ArrayList<>(batch.size());
        for (JobClone c : batch) {
            jobs.add(JobSetup.prepare(c, settings, progress[c.jobNumber() - 1]));
        }
        ProcessUsage before = ProcessUsage.now();
        long t0 = System.nanoTime();
        int running = 0;
        List<JobStats> out = new ArrayList<>(jobs.size());
        try {
            for (JobSetup.Prepared p : jobs) {
                if (p.execution() != null) {
                    p.execution().start();
                    running++;
                }
            }
            for (JobSetup.Prepared p : jobs) {
                if (p.execution() != null) {
                    p.parts().ctx.runUntil(p.execution()::isDone);
                }
            }
        } finally {
            long wall = Math.max(1, System.nanoTime() - t0);
            ProcessUsage used = ProcessUsage.now().minus(before);
            for (JobSetup.Prepared p : jobs) {
                out.add(finish(p, used, running, wall, settings));
            }
        }
        return out;
    }

    private static JobStats finish(JobSetup.Prepared p, ProcessUsage used, int running, long wall, RunSettings settings) {
        JobStats s = p.stats();
        if (p.execution() == null) {
            return s; // never started: released by the setup
        }
        charge(s, used, running, wall);
        String failure = p.parts().close();
        if (failure != null && s.error == 0) {
            s.error = Errno.EIO;
            s.errorMessage = p.job().options().name + ": " + failure;
        }
        if (p.job().options().unlink) {
            FileLayout.unlink(List.of(p.parts().files), settings.notices());
        }
        return s;
    }

    private static void charge(JobStats s, ProcessUsage used, int jobs, long wallNanos) {
        double share = 1.0 / Math.max(1, jobs);
        double runtime = s.runtimeNanos > 0 ? s.runtimeNanos : wallNanos;
        s.usrCpuPercent = used.userNanos() * share / runtime * 100.0;
        s.sysCpuPercent = used.systemNanos() * share / runtime * 100.0;
        s.contextSwitches = Math.round(used.contextSwitches() * share);
        s.minorFaults = Math.round(used.minorFaults() * share);
        s.majorFaults = Math.round(used.majorFaults() * share);
    }
}
