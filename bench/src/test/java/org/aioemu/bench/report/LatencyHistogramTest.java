package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Per-job latency histograms cost little until latencies are recorded, and still hold an hour's latency. */
class LatencyHistogramTest {
    @Test
    void anIdleDirectionIsSmall() {
        JobStats.Direction d = new JobStats.Direction();
        long bytes = d.slat().getEstimatedFootprintInBytes() + d.clat().getEstimatedFootprintInBytes()
                + d.lat().getEstimatedFootprintInBytes();
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
        assertEquals(2, a.clat().getTotalCount());
        assertEquals(9_000_000_000L, a.clat().getMaxValue(), 9_000_000.0);
    }
}
