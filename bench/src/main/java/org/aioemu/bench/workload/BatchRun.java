package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * Runs {@code batch}; sets {@code stopLater} when a job's exitall (exit_what=all) means no later batch runs.
     * {@code stop} ends the batch's jobs early when it is requested (a signal).
     */
    static List<JobStats> run(List<JobClone> batch, RunSettings settings, Progress[] progress, AtomicBoolean stopLater,
                              RunStop stop) {
        List<JobSetup.Prepared> jobs = new ArrayList<>(batch.size());
        Flows flows = new Flows(); // flow= holds jobs that run together to their weights
        for (JobClone c : batch) {
            jobs.add(JobSetup.prepare(c, settings, progress[c.jobNumber() - 1], flows, stop::requested));
        }
        ProcessUsage before = ProcessUsage.now();
        long t0 = System.nanoTime();
        int running = 0;
        List<JobStats> out = new ArrayList<>(jobs.size());
        SteadyStateMonitor steady = SteadyStateMonitor.of(jobs);
        List<JobExecution> executions = new ArrayList<>(jobs.size());
        for (JobSetup.Prepared p : jobs) {
            if (p.execution() != null) {
                executions.add(p.execution());
            }
        }
        stop.attach(executions);
        try {
            running = startAll(jobs, stopLater);
            for (JobSetup.Prepared p : jobs) {
                if (p.execution() != null) {
                    p.parts().ctx.runUntil(p.execution()::isDone);
                }
            }
        } finally {
            stop.detach(executions);
            if (steady != null) {
                steady.close();
            }
            long wall = Math.max(1, System.nanoTime() - t0);
            ProcessUsage used = ProcessUsage.now().minus(before);
            for (JobSetup.Prepared p : jobs) {
                out.add(finish(p, used, running, wall, settings));
            }
        }
        return out;
    }

    /**
     * Starts every job: at once, or for a job with wait_for once every clone of its waitee in this batch has
     * ended (a waitee in an earlier batch has). The runner thread waits for job ends on a semaphore each job's
     * loop releases. Returns how many jobs started.
     */
    private static int startAll(List<JobSetup.Prepared> jobs, AtomicBoolean stop) {
        Semaphore ended = new Semaphore(0);
        List<JobSetup.Prepared> waiting = new ArrayList<>();
        int started = 0;
        for (JobSetup.Prepared p : jobs) {
            if (p.execution() == null) {
                continue;
            }
            p.execution().whenDone(() -> {
                exitAll(jobs, p, stop);
                ended.release();
            });
            if (p.job().options().waitFor == null) {
                p.execution().start();
                started++;
            } else {
                waiting.add(p);
            }
        }
        while (!waiting.isEmpty()) {
            boolean any = false;
            for (var it = waiting.iterator(); it.hasNext(); ) {
                JobSetup.Prepared p = it.next();
                if (waiteeEnded(jobs, p.job().options().waitFor)) {
                    it.remove();
                    p.execution().start();
                    started++;
                    any = true;
                }
            }
            if (!any) {
                ended.acquireUninterruptibly(); // a waitee always ends: it has started, or failed to
            }
        }
        return started;
    }

    /**
     * fio's exitall and exitall_on_error, on the loop of the job {@code ended}: stops the other jobs of its
     * reporting group, or of the whole batch (exit_what=stonewall), or those and every later batch (all).
     */
    private static void exitAll(List<JobSetup.Prepared> jobs, JobSetup.Prepared ended, AtomicBoolean stop) {
        var o = ended.job().options();
        if (!o.exitall && !(o.exitallOnError && ended.stats().error != 0)) {
            return;
        }
        if (o.exitWhat.equals("all")) {
            stop.set(true);
        }
        for (JobSetup.Prepared p : jobs) {
            if (p != ended && p.execution() != null
                    && (!o.exitWhat.equals("group") || p.job().groupId() == ended.job().groupId())) {
                p.execution().requestStop();
            }
        }
    }

    private static boolean waiteeEnded(List<JobSetup.Prepared> jobs, String name) {
        for (JobSetup.Prepared p : jobs) {
            if (p.job().options().name.equals(name) && p.execution() != null && !p.execution().isDone()) {
                return false;
            }
        }
        return true;
    }

    private static JobStats finish(JobSetup.Prepared p, ProcessUsage used, int running, long wall, RunSettings settings) {
        JobStats s = p.stats();
        if (p.execution() == null) {
            return s; // never started: released by the setup
        }
        charge(s, used, running, wall);
        int stuck = p.execution().requestsLeftInFlight();
        if (stuck > 0) {
            settings.notices().println("aioemu: job '" + p.job().options().name + "' ended with " + stuck
                    + (stuck == 1 ? " request" : " requests") + " still in flight, not counted");
        }
        String failure = p.parts().close();
        String post = p.job().options().execPostrun;
        if (post != null) {
            try {
                ShellCommand.run(p.job().options(), "exec_postrun", post, settings.notices());
            } catch (JobSetupException e) {
                failure = failure != null ? failure : e.getMessage();
            }
        }
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
