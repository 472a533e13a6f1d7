package org.aioemu.bench.report;

import java.time.ZoneOffset;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/** Jobs with hand-picked numbers, so every figure a report prints can be worked out on paper. */
final class Synthetic {
    /** 2026-11-23 21:37:12 UTC. */
    static final long NOW = 1_795_469_832_000L;

    private Synthetic() {
    }

    static ReportContext context() {
        return new ReportContext("aioemu-0.1.0", Map.of(), NOW, 4242, ZoneOffset.UTC);
    }

    static JobOptions options(String name, JobOptions.RwMode rw) {
        JobOptions o = new JobOptions();
        o.name = name;
        o.rw = rw;
        o.ioengine = "io_uring";
        o.iodepth = 16;
        o.given.put("name", name);
        o.given.put("rw", rw.fioName);
        o.given.put("bs", "4k");
        o.given.put("time_based", "");
        return o;
    }

    /**
     * A randread job, 1 s, 1000 reads of 4 KiB: clat 500 x 1000 ns, 400 x 1500 ns, 100 x 1900 ns
     * (mean 1290, stdev 311.44 with n - 1), slat 100 ns each (all below 2048 ns, where the histogram
     * is exact); bw samples 3900/4000/4100 KiB/s, iops
     * samples 975/1000/1025; every submission at depth 16.
     */
    static JobStats reader(String name, int groupId) {
        return reader(name, groupId, o -> { });
    }

    /** As {@link #reader(String, int)}, with options set before the job records (as a run sets them). */
    static JobStats reader(String name, int groupId, java.util.function.Consumer<JobOptions> tune) {
        JobOptions o = options(name, JobOptions.RwMode.RANDREAD);
        tune.accept(o);
        JobStats j = new JobStats(o, groupId);
        j.startEpochMillis = NOW - 1_000;
        j.runtimeNanos = 1_000_000_000L;
        fill(j.read, 500, 1000);
        fill(j.read, 400, 1500);
        fill(j.read, 100, 1900);
        j.read.bwKiB.add(3900);
        j.read.bwKiB.add(4000);
        j.read.bwKiB.add(4100);
        j.read.iops.add(975);
        j.read.iops.add(1000);
        j.read.iops.add(1025);
        j.usrCpuPercent = 1.5;
        j.sysCpuPercent = 12.25;
        j.contextSwitches = 2000;
        j.minorFaults = 14;
        j.depthLevels[4] = 1000;
        j.submitLevels[1] = 250;
        j.completeLevels[1] = 250;
        return j;
    }

    /** Like {@link #reader} plus 1000 writes of 4 KiB with clat 3 us .. 9 ms, so the latency table spans units. */
    static JobStats mixed(String name, int groupId) {
        JobStats j = reader(name, groupId);
        JobStats.Direction w = j.write;
        fill(w, 600, 3_000);
        fill(w, 300, 40_000);
        fill(w, 99, 300_000);
        fill(w, 1, 9_000_000);
        w.bwKiB.add(4000);
        w.iops.add(1000);
        return j;
    }

    static void fill(JobStats.Direction d, int count, long clatNanos) {
        for (int i = 0; i < count; i++) {
            d.record(4096, 100, clatNanos, false);
        }
    }
}
