package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;

/**
 * Runs fio jobs on aioemu's engine and returns what they measured, one {@link JobStats} per job instance.
 *
 * <p>Each job is expanded into its numjobs clones (same name, increasing job numbers). Jobs run in batches:
 * a job with stonewall waits for all jobs before it, so it starts a new batch; the jobs of a batch start
 * together (each after its own startdelay) and run concurrently, each on its own {@code AioContext} loop and
 * thread pool, like fio's one process per job. Reporting groups follow fio: stonewall and new_group each
 * start a new group (new_group without stonewall runs alongside the jobs before it, as in fio).
 *
 * <p>A job that cannot start (bad size, missing file, unavailable engine) gets its error and message in its
 * JobStats and the others still run; an I/O error stops only its own job.
 *
 * <p>Threading: {@link #run} blocks the calling thread (which must not be a job loop) until every job has
 * ended; the status listener is called on a separate timer thread.
 */
public final class WorkloadRunner {
    private WorkloadRunner() {
    }

    /**
     * What {@link #run} will run, before it runs: one empty JobStats per clone, in clone order, with the
     * clone's options and groupId (for fio's pre-run description lines).
     */
    public static List<JobStats> plan(List<JobOptions> jobs) {
        List<JobStats> out = new ArrayList<>();
        for (JobClone c : JobGroups.expand(jobs)) {
            out.add(new JobStats(c.options(), c.groupId()));
        }
        return out;
    }

    /**
     * fio's rule for wait_for: the waitee is a job defined before the waiter. As fio does, a job naming any other
     * (a later job, itself, a name no job has) is told so and starts without waiting, which also means no job
     * can wait for itself or in a cycle.
     */
    private static void checkWaitees(List<JobClone> clones, RunSettings settings) {
        java.util.Set<String> before = new java.util.HashSet<>();
        String previous = null;
        for (JobClone c : clones) {
            JobOptions o = c.options();
            if (c.cloneIndex() == 0 && previous != null) {
                before.add(previous);
            }
            previous = o.name;
            if (o.waitFor != null && !before.contains(o.waitFor)) {
                if (c.cloneIndex() == 0) {
                    settings.notices().println("aioemu: " + (o.source != null ? o.source + ": " : "") + o.name + ": waitee job " + o.waitFor
                            + " unknown (wait_for names a job defined before this one); starting without waiting");
                }
                o.waitFor = null;
            }
        }
    }

    /**
     * Runs {@code jobs} in order and returns one JobStats per clone, in clone order, with groupId set.
     * The options are not modified (each clone runs on a copy).
     */
    public static List<JobStats> run(List<JobOptions> jobs, RunSettings settings) {
        return run(jobs, settings, new RunStop());
    }

    /**
     * As {@link #run(List, RunSettings)}, ending early when {@code stop} is requested: the running jobs drain and
     * report what they did, and the batches after them (stonewall) do not run and are not reported.
     */
    public static List<JobStats> run(List<JobOptions> jobs, RunSettings settings, RunStop stop) {
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(settings, "settings");
        List<JobClone> clones = JobGroups.expand(jobs);
        checkWaitees(clones, settings);
        int n = clones.size();
        Progress[] progress = new Progress[n];
        boolean[][] used = new boolean[n][];
        int[] batch = new int[n];
        long[] planned = new long[n];
        for (int i = 0; i < n; i++) {
            JobOptions o = clones.get(i).options();
            progress[i] = new Progress('P', JobSetup.isNullEngine(o) ? 0 : Math.max(1, JobFiles.names(o, clones.get(i).cloneIndex()).size()));
            used[i] = new boolean[] {o.rw.reads(), o.rw.writes(), o.rw.trims()};
            batch[i] = clones.get(i).batch();
            planned[i] = o.runtimeNanos > 0 ? o.startdelayNanos + o.rampTimeNanos + o.runtimeNanos : 0;
        }
        StatusTicker ticker = settings.printStatus()
                ? new StatusTicker(new StatusLine(progress, used, batch, planned), settings.statusListener()) : null;
        List<JobStats> results = new ArrayList<>(n);
        try {
            java.util.concurrent.atomic.AtomicBoolean stopLater = new java.util.concurrent.atomic.AtomicBoolean();
            for (List<JobClone> b : JobGroups.batches(clones)) {
                if (stopLater.get()) {
                    break; // exitall with exit_what=all: as in fio, the later jobs never run and are not reported
                }
                results.addAll(BatchRun.run(b, settings, progress, stopLater, stop));
                if (stop.requested()) {
                    break; // a signal: the batch it stopped is reported, the later ones never run
                }
            }
        } finally {
            if (ticker != null) {
                ticker.close();
            }
        }
        return results;
    }
}
