package org.aioemu.bench.report;

import org.HdrHistogram.Histogram;

/**
 * One latency series of a direction (submission, completion or total): the exact count, min, max, mean and
 * variance of every value recorded, as fio keeps them, and a histogram for the percentiles where the job reports
 * them. fio reports completion-latency percentiles by default and the other two only when asked
 * (slat_percentiles, lat_percentiles); a histogram grown to a second's latencies is 160 KiB, and numjobs=1000
 * kept three per job, half a gigabyte, to print percentiles nobody asked for.
 *
 * <p>The moments are sums of deviations from the first value recorded (the shifted-data method), so the variance
 * of latencies bunched far from zero does not vanish in cancellation the way a plain sum of squares would.
 *
 * <p>Threading: recorded on the job's loop; read and merged after the job has ended (as {@link JobStats}).
 */
public final class Latencies {
    private final boolean keepsHistogram;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max;
    /** The first value recorded: every sum below is of deviations from it. */
    private long shift;
    private long sumOfDeviations;
    private double sumOfSquaredDeviations;
    /** Null until the first record, and always when the series keeps none. */
    private Histogram histogram;
    /** A series without a histogram was merged in: the percentiles would describe only part of the values. */
    private boolean partial;

    /** A series that keeps a histogram for its percentiles when {@code keepsHistogram}, else only its moments. */
    public Latencies(boolean keepsHistogram) {
        this.keepsHistogram = keepsHistogram;
    }

    /** Loop: one value in ns (already clamped to 1 .. {@link JobStats#MAX_LATENCY_NANOS}). */
    void record(long nanos) {
        if (count == 0) {
            shift = nanos;
            if (keepsHistogram) {
                histogram = JobStats.latencyHistogram();
            }
        }
        count++;
        min = Math.min(min, nanos);
        max = Math.max(max, nanos);
        long deviation = nanos - shift;
        sumOfDeviations += deviation;
        sumOfSquaredDeviations += (double) deviation * deviation;
        if (histogram != null) {
            histogram.recordValue(nanos);
        }
    }

    /** Tests: {@code n} values of {@code nanos}. */
    void record(long nanos, long n) {
        for (long i = 0; i < n; i++) {
            record(nanos);
        }
    }

    public long count() {
        return count;
    }

    /** 0 when empty. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    /** 0 when empty. */
    public double mean() {
        return count == 0 ? 0 : shift + (double) sumOfDeviations / count;
    }

    /** fio's: the sample standard deviation (dividing by n - 1); 0 below two values. */
    public double stddev() {
        if (count < 2) {
            return 0;
        }
        double squares = sumOfSquaredDeviations - (double) sumOfDeviations * sumOfDeviations / count;
        return Math.sqrt(Math.max(0, squares) / (count - 1));
    }

    /** Whether percentiles can be given: values were recorded, all of them into a histogram. */
    public boolean hasHistogram() {
        return histogram != null && !partial;
    }

    /**
     * The values' histogram (3 significant digits); an empty one, not kept, while none was recorded or the series
     * keeps none ({@link #hasHistogram()} tells).
     */
    public Histogram histogram() {
        return histogram != null ? histogram : JobStats.latencyHistogram();
    }

    /** Forgets every value (latency_target's reset). */
    void reset() {
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        shift = 0;
        sumOfDeviations = 0;
        sumOfSquaredDeviations = 0;
        histogram = null;
        partial = false;
    }

    /**
     * Adds another series' values (group_reporting, the mixed direction). Its deviations are moved to this series'
     * shift: with d the distance between the shifts, each deviation y becomes y + d, so the sums gain n·d and
     * 2·d·Σy + n·d².
     */
    void merge(Latencies other) {
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            shift = other.shift;
        }
        long d = other.shift - shift;
        sumOfSquaredDeviations += other.sumOfSquaredDeviations + 2.0 * d * other.sumOfDeviations
                + (double) other.count * d * d;
        sumOfDeviations += other.sumOfDeviations + other.count * d;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        boolean wasEmpty = count == 0;
        count += other.count;
        if (other.histogram == null || other.partial) {
            partial = true;
        } else if (histogram != null || wasEmpty) {
            if (histogram == null) {
                histogram = JobStats.latencyHistogram();
            }
            histogram.add(other.histogram);
        } else {
            partial = true; // values without a histogram came first
        }
    }
}
