package org.aioemu.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * One latency histogram reduced to what fio prints: min, max, mean, sample standard deviation and the
 * percentiles, all in nanoseconds. Values come from the histogram's buckets (3 significant digits), so
 * they are exact below 2048 ns and within 0.1% above.
 */
record LatStats(long count, long min, long max, double mean, double stddev, Histogram histogram) {
    /** fio's default {@code percentile_list}. */
    static final double[] FIO_PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    static LatStats of(Histogram h) {
        long n = h.getTotalCount();
        if (n == 0) {
            return new LatStats(0, 0, 0, 0, 0, h);
        }
        // fio's stdev divides by n - 1 (HdrHistogram's by n), so both moments are summed here, over the
        // same bucket midpoints HdrHistogram's own mean uses.
        double sum = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            sum += (double) h.medianEquivalentValue(v.getValueIteratedTo()) * v.getCountAtValueIteratedTo();
        }
        double mean = sum / n;
        double squares = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            double d = h.medianEquivalentValue(v.getValueIteratedTo()) - mean;
            squares += d * d * v.getCountAtValueIteratedTo();
        }
        double stddev = n < 2 ? 0 : Math.sqrt(squares / (n - 1));
        return new LatStats(n, h.getMinValue(), h.getMaxValue(), mean, stddev, h);
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
        if (count == 0) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = histogram.lowestEquivalentValue(histogram.getValueAtPercentile(list[i]));
        }
        return out;
    }

    /** json+'s "bins": each recorded bucket's midpoint (ns) to its count, ascending. */
    Map<Long, Long> bins() {
        Map<Long, Long> bins = new LinkedHashMap<>();
        for (HistogramIterationValue v : histogram.recordedValues()) {
            bins.merge(histogram.medianEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo(), Long::sum);
        }
        return bins;
    }
}
