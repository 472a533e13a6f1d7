package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/**
 * Per-job latencies cost little: histograms are made by the first record and kept only for the series whose
 * percentiles the job reports; every series' min, max, mean and deviation are exact, as fio's are.
 */
class LatencyHistogramTest {
    @Test
    void anIdleDirectionIsSmall() {
        JobStats.Direction d = new JobStats.Direction();
        long bytes = d.slat().histogram().getEstimatedFootprintInBytes() + d.clat().histogram().getEstimatedFootprintInBytes()
                + d.lat().histogram().getEstimatedFootprintInBytes();
        assertTrue(bytes < 64 << 10, bytes + " bytes for three empty histograms (was 800 KiB)");
    }

    @Test
    void growsToTheLargestLatencyAndKeepsThreeDigits() {
        Histogram h = JobStats.latencyHistogram();
        h.recordValue(1_000);
        h.recordValue(JobStats.MAX_LATENCY_NANOS);
        assertEquals(2, h.getTotalCount());
        assertEquals(1_000, h.getValueAtPercentile(50), 1);
        assertEquals(JobStats.MAX_LATENCY_NANOS, h.getMaxValue(), JobStats.MAX_LATENCY_NANOS / 1000.0);
    }

    @Test
    void mergingGroupsOfDifferentRangesKeepsEveryCount() {
        JobStats.Direction a = new JobStats.Direction();
        JobStats.Direction b = new JobStats.Direction();
        a.record(4096, 10, 5_000, false);
        b.record(4096, 10, 9_000_000_000L, false);
        a.merge(b);
        assertEquals(2, a.clat().count());
        assertEquals(2, a.clat().histogram().getTotalCount());
        assertEquals(9_000_000_000L, a.clat().max());
        assertEquals(5_000, a.clat().min());
    }

    @Test
    void byDefaultOnlyCompletionLatenciesKeepAHistogram() {
        JobStats j = new JobStats(new JobOptions(), 0);
        for (int i = 1; i <= 1000; i++) {
            j.read.record(4096, 100 + i, 10_000 + i, false);
        }
        assertTrue(j.read.clat().hasHistogram());
        assertFalse(j.read.slat().hasHistogram(), "slat_percentiles is off by default");
        assertFalse(j.read.lat().hasHistogram(), "lat_percentiles is off by default");
        assertEquals(1000, j.read.lat().count());
        assertEquals(10_102, j.read.lat().min());
        assertEquals(12_100, j.read.lat().max());
        assertEquals(11_101, j.read.lat().mean(), 1e-9);
        JobOptions asked = new JobOptions();
        asked.latPercentiles = true;
        asked.slatPercentiles = true;
        JobStats k = new JobStats(asked, 0);
        k.read.record(4096, 100, 10_000, false);
        assertTrue(k.read.slat().hasHistogram() && k.read.lat().hasHistogram());
    }

    /**
     * The hot path: once a direction has recorded its first request (which makes the clat histogram) and the
     * histogram has grown to the latencies' range, recording allocates nothing, with and without the other
     * series' histograms.
     */
    @Test
    void recordingAllocatesNothingOnceWarm() {
        for (boolean all : new boolean[] {false, true}) {
            JobStats.Direction d = new JobStats.Direction(all, all);
            SplittableRandom rnd = new SplittableRandom(7);
            Runnable burst = () -> {
                for (int i = 0; i < 20_000; i++) {
                    d.record(4096, 100 + rnd.nextInt(1_000), 1_000 + rnd.nextInt(1_000_000), false);
                }
            };
            d.record(4096, 1_100, 1_001_000, false); // the largest of the range: the histograms are sized for it
            for (int i = 0; i < 5; i++) {
                burst.run(); // JIT
            }
            long bytes = org.aioemu.bench.Allocations.of(burst);
            assertTrue(bytes < 20_000, (all ? "all histograms: " : "clat only: ") + bytes + " bytes in 20,000 records");
        }
    }

    /** The exact moments against a two-pass reference, over latencies bunched far from zero and spread wide. */
    @Test
    void momentsAreExactWhereHistogramMidpointsWereNot() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(5_000);
            long base = 1 + rnd.nextLong(JobStats.MAX_LATENCY_NANOS / 4);
            long spread = 1 + rnd.nextLong(round % 2 == 0 ? 1_000 : base);
            long[] values = new long[n];
            Latencies whole = new Latencies(round % 3 == 0);
            Latencies left = new Latencies(false);
            Latencies right = new Latencies(true);
            int cut = rnd.nextInt(n + 1);
            for (int i = 0; i < n; i++) {
                values[i] = base + rnd.nextLong(spread);
                whole.record(values[i]);
                (i < cut ? left : right).record(values[i]);
            }
            Latencies merged = new Latencies(true);
            merged.merge(right);
            merged.merge(left);
            double mean = 0;
            for (long v : values) {
                mean += v;
            }
            mean /= n;
            double squares = 0;
            for (long v : values) {
                squares += (v - mean) * (v - mean);
            }
            double stddev = n < 2 ? 0 : Math.sqrt(squares / (n - 1));
            for (Latencies l : new Latencies[] {whole, merged}) {
                assertEquals(n, l.count());
                assertEquals(java.util.Arrays.stream(values).min().getAsLong(), l.min());
                assertEquals(java.util.Arrays.stream(values).max().getAsLong(), l.max());
                assertEquals(mean, l.mean(), Math.ulp(mean) * 8, "round " + round);
                assertEquals(stddev, l.stddev(), Math.max(1e-6, stddev * 1e-9), "round " + round);
            }
            // percentiles only where every value went into a histogram
            assertEquals(cut == 0, merged.hasHistogram(), "round " + round + " cut " + cut);
        }
    }
}
