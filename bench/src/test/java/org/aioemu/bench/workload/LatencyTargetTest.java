package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** latency_target's depth search, stepped by hand against a model device, and a job that uses it. */
class LatencyTargetTest {
    private static final long MS = 1_000_000;

    @TempDir
    java.nio.file.Path dir;

    /**
     * A device whose latency grows with depth: 100 µs per request in flight. Against a 1 ms target at the 99th
     * percentile, depths up to 10 pass and deeper ones fail; the search must settle on 10, then run one final
     * window and end the job.
     */
    @Test
    void theSearchSettlesOnTheDeepestDepthThatMeetsTheTarget() {
        LatencyTarget t = new LatencyTarget(MS, 10 * MS, 99, false, 64);
        long now = 0;
        t.start(now);
        List<Integer> depths = new ArrayList<>();
        LatencyTarget.Verdict v = LatencyTarget.Verdict.GO_ON;
        int restarts = 0;
        for (int i = 0; i < 1_000_000 && v != LatencyTarget.Verdict.END_JOB; i++) {
            int d = t.depth();
            now += 10_000; // a completion every 10 µs
            v = t.completed(d * 100_000L, now);
            if (v == LatencyTarget.Verdict.QUIESCE_AND_RESTART_STATS) {
                restarts++;
            }
            if (depths.isEmpty() || depths.getLast() != t.depth()) {
                depths.add(t.depth());
            }
        }
        assertEquals(LatencyTarget.Verdict.END_JOB, v, "the search never ended: " + depths);
        assertEquals(10, t.depth(), "depths tried: " + depths);
        assertEquals(1, restarts, "the statistics restart once, for the final window");
        assertEquals(List.of(1, 2, 4, 8, 16), depths.subList(0, 5), "doubling until a window fails");
    }

    @Test
    void atTheHundredthPercentileOneSlowRequestRampsDownAtOnceAndAtDepthOneIsFatal() {
        LatencyTarget t = new LatencyTarget(MS, 10 * MS, 100, false, 64);
        t.start(0);
        long now = 0;
        for (int w = 0; w < 3; w++) { // three passing windows: 1 -> 2 -> 4 -> 8
            now += 11 * MS;
            t.completed(MS / 2, now);
        }
        assertEquals(8, t.depth());
        assertEquals(LatencyTarget.Verdict.QUIESCE, t.completed(2 * MS, now + 1));
        assertEquals(6, t.depth(), "bisected between the last passing depth (4) and the failing one (8)");
        LatencyTarget one = new LatencyTarget(MS, 10 * MS, 100, false, 64);
        one.start(0);
        assertEquals(LatencyTarget.Verdict.FATAL, one.completed(2 * MS, 1));
    }

    @Test
    void latencyRunKeepsSearchingAndNeverEndsTheJob() {
        LatencyTarget t = new LatencyTarget(MS, MS, 50, true, 8);
        t.start(0);
        Random rnd = new Random(3);
        long now = 0;
        for (int i = 0; i < 200_000; i++) {
            now += 10_000;
            LatencyTarget.Verdict v = t.completed(rnd.nextInt(2) * 2 * MS, now);
            assertTrue(v != LatencyTarget.Verdict.END_JOB && v != LatencyTarget.Verdict.QUIESCE_AND_RESTART_STATS, v.toString());
            assertTrue(t.depth() >= 1 && t.depth() <= 8, "depth " + t.depth());
        }
    }

    @Test
    void aJobWithAnUnreachableTargetFailsWithEtimedoutAsInFio() throws Exception {
        java.nio.file.Files.write(dir.resolve("f"), new byte[1 << 20]);
        JobOptions o = Jobs.job("lt", dir);
        o.filename = "f";
        o.rw = RwMode.RANDREAD;
        o.size = 1 << 20;
        o.iodepth = 16;
        o.latencyTargetNanos = 1; // 1 ns: nothing meets it
        o.latencyWindowNanos = 10 * MS;
        JobStats s = Jobs.run(o);
        assertEquals(110, s.error);
        assertTrue(s.errorMessage.contains("exceeds specified max (0 usec)"), s.errorMessage);

        JobOptions easy = Jobs.job("easy", dir);
        easy.filename = "f";
        easy.rw = RwMode.RANDREAD;
        easy.size = 1 << 20;
        easy.iodepth = 16;
        easy.latencyTargetNanos = 10_000 * MS; // 10 s: everything meets it
        easy.latencyWindowNanos = 1; // every completion ends a window
        JobStats ok = Jobs.run(easy);
        assertEquals(0, ok.error, ok.errorMessage);
        assertEquals(16, ok.latencyDepth, "doubled to iodepth");
    }
}
