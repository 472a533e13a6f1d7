package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.job.JobOptions.SteadyStateMode;
import org.aioemu.bench.report.JobStats;
import org.aioemu.bench.report.SteadyStateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ss, ss_dur, ss_ramp: fio's steady-state tests over a window of one-second samples. */
class SteadyStateTest {
    @TempDir
    java.nio.file.Path dir;

    private static SteadyState tracker(SteadyStateMode mode, double limit, boolean percent, int seconds) {
        JobOptions o = new JobOptions();
        o.ssMode = mode;
        o.ssLimit = limit;
        o.ssPercent = percent;
        o.ssDurationNanos = seconds * 1_000_000_000L;
        return new SteadyState(o);
    }

    @Test
    void deviationIsTestedOnlyOnceTheWindowIsFullAndAgainstItsMean() {
        SteadyState ss = tracker(SteadyStateMode.IOPS, 10, true, 4);
        assertFalse(ss.sample(1000, 0));
        assertFalse(ss.sample(1050, 0));
        assertFalse(ss.sample(950, 0)); // three samples: the window of four is not full yet
        assertFalse(ss.sample(1500, 0), "mean 1125, 1500 deviates 33 %");
        assertFalse(ss.sample(1000, 0), "1050 950 1500 1000: still 1500 in the window");
        assertFalse(ss.sample(1000, 0), "950 1500 1000 1000");
        assertFalse(ss.sample(1000, 0), "1500 1000 1000 1000: mean 1125, 1500 is 33 % off");
        assertTrue(ss.sample(1040, 0), "1000 1000 1000 1040: mean 1010, at most 3 % off");
        SteadyStateResult r = ss.result();
        assertEquals(30.0, r.maxDeviation(), 1e-9);
        assertEquals(100.0 * 30 / 1010, r.criterion(), 1e-9);
        assertArrayEquals(new long[] {1000, 1000, 1000, 1040}, r.iops(), "the window, oldest first");
    }

    @Test
    void theSlopeIsTheLeastSquaresSlopePerSecond() {
        SteadyState rising = tracker(SteadyStateMode.BW_SLOPE, 1, true, 5);
        for (long bw : new long[] {100, 110, 120, 130}) {
            assertFalse(rising.sample(0, bw));
        }
        assertFalse(rising.sample(0, 140), "10 per second on a mean of 120: 8.3 % a second");
        assertEquals(10.0, rising.result().slope(), 1e-9);
        assertArrayEquals(new long[] {100, 110, 120, 130, 140}, rising.result().bw(), "oldest first after a miss");

        SteadyState flat = tracker(SteadyStateMode.BW_SLOPE, 1, true, 5);
        for (long bw : new long[] {100, 101, 99, 100}) {
            assertFalse(flat.sample(0, bw));
        }
        assertTrue(flat.sample(0, 100));
        assertTrue(Math.abs(flat.result().slope()) < 0.5, "slope " + flat.result().slope());

        SteadyState absolute = tracker(SteadyStateMode.IOPS_SLOPE, 3, false, 3);
        absolute.sample(10, 0);
        absolute.sample(12, 0);
        assertTrue(absolute.sample(14, 0), "an absolute limit: slope 2 per second is under 3");
    }

    @Test
    void aSteadyJobEndsEarlyAndReportsItAsFioDoes() throws Exception {
        Files.write(dir.resolve("f"), new byte[1 << 20]);
        JobOptions o = Jobs.job("ss", dir);
        o.filename = "f";
        o.rw = RwMode.RANDREAD;
        o.size = 1 << 20;
        o.timeBased = true;
        o.runtimeNanos = 60_000_000_000L; // a minute, unless steady state ends it
        o.ssMode = SteadyStateMode.IOPS;
        o.ssLimit = 1000; // percent: any rate is steady
        o.ssPercent = true;
        o.ssDurationNanos = 2_000_000_000L;
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(o);
        long took = System.nanoTime() - t0;
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(took < 20_000_000_000L, "steady state should end the job long before its runtime: " + took / 1_000_000 + " ms");
        SteadyStateResult r = s.steadyState;
        assertTrue(r != null && r.attained(), String.valueOf(r));
        assertEquals(2, r.seconds());
        assertTrue(r.iopsMean() > 0 && r.bwMean() == r.iopsMean() * 4096 || r.bwMean() > 0, r.toString());
    }
}
