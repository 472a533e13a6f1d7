package org.aioemu.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One latency series reduced to what fio prints: min, max, mean, sample standard deviation (all exact, as fio's)
 * and the percentiles, in nanoseconds. Percentiles come from the histogram's buckets (3 significant digits), so
 * they are exact below 2048 ns and within 0.1% above; a series without a histogram has none
 * ({@link #hasPercentiles()}).
 */
record LatStats(long count, long min, long max, double mean, double stddev, Histogram histogram) {
    /** fio's default {@code percentile_list}. */
    static final double[] FIO_PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    static LatStats of(Latencies l) {
        return new LatStats(l.count(), l.min(), l.max(), l.mean(), l.stddev(), l.hasHistogram() ? l.histogram() : null);
    }

    /** Whether {@link #percentiles()} and {@link #bins()} have values to give. */
    boolean hasPercentiles() {
        return count > 0 && histogram != null;
    }

    /**
     * The value (ns) at each of {@link #FIO_PERCENTILES}; zeros when empty. Each is the low end of its
     * histogram bucket, so a value recorded exactly comes back exactly (and fio's round-up to whole
     * microseconds does not turn 3000 ns into 4 us).
     */
    long[] percentiles() {
        return percentiles(FIO_PERCENTILES);
    }

    /** The value (ns) at each of {@code list} (percent), as {@link #percentiles()}. */
    long[] percentiles(double[] list) {
        long[] out = new long[list.length];
        if (!hasPercentiles()) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = histogram.lowestEquivalentValue(histogram.getValueAtPercentile(list[i]));
        }
        return out;
    }

    /** json+'s "bins": each recorded bucket's midpoint (ns) to its count, ascending; empty without percentiles. */
    Map<Long, Long> bins() {
        Map<Long, Long> bins = new LinkedHashMap<>();
        if (!hasPercentiles()) {
            return bins;
        }
        for (HistogramIterationValue v : histogram.recordedValues()) {
            bins.merge(histogram.medianEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo(), Long::sum);
        }
        return bins;
    }
}
