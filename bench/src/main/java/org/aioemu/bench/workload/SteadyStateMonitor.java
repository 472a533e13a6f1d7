package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The steady-state checks of one batch of jobs (those with ss_dur): one {@link SteadyState} per job, or per
 * reporting group with group_reporting (fio sums the group's jobs), ticked once a second by a daemon thread of
 * its own, as fio's helper thread does it. Made on the runner thread before the jobs start; closed after they
 * end, when each job gets its group's result. Nothing is made for a batch without ss_dur.
 */
final class SteadyStateMonitor implements AutoCloseable {
    private final Map<Object, SteadyState> trackers = new LinkedHashMap<>();
    private final Map<JobSetup.Prepared, SteadyState> byJob = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker;

    private SteadyStateMonitor(List<JobSetup.Prepared> jobs) {
        for (JobSetup.Prepared p : jobs) {
            var o = p.job().options();
            if (o.ssDurationNanos <= 0 || p.execution() == null) {
                continue;
            }
            Object key = o.groupReporting ? "group " + p.job().groupId() : p;
            SteadyState ss = trackers.computeIfAbsent(key, k -> new SteadyState(o));
            ss.add(p.parts().progress, p.execution());
            byJob.put(p, ss);
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aioemu-steadystate");
            t.setDaemon(true);
            return t;
        });
        List<SteadyState> all = new ArrayList<>(trackers.values());
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            for (SteadyState ss : all) {
                ss.tick(now);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** A monitor for {@code jobs}, or null when none of them tests for steady state. */
    static SteadyStateMonitor of(List<JobSetup.Prepared> jobs) {
        for (JobSetup.Prepared p : jobs) {
            if (p.job().options().ssDurationNanos > 0 && p.execution() != null) {
                return new SteadyStateMonitor(jobs);
            }
        }
        return null;
    }

    /** After the jobs ended: stops the ticks and gives each job its tracker's result. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS); // the last tick's writes happen-before the results
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byJob.forEach((p, ss) -> p.stats().steadyState = ss.result());
    }
}
