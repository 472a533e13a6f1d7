package org.aioemu.bench.report;

/**
 * Running min/max/mean/stddev of periodic samples (fio's bw and iops stats: one sample per
 * {@code log_avg_msec} window, 500 ms by default). Not thread-safe: one owner.
 */
public final class SampleStats {
    private long samples;
    private double min = Double.MAX_VALUE;
    private double max;
    private double sum;
    private double sumSquares;

    /** Forgets every sample. */
    public void reset() {
        samples = 0;
        min = Double.MAX_VALUE;
        max = 0;
        sum = 0;
        sumSquares = 0;
    }

    public void add(double value) {
        samples++;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
        sumSquares += value * value;
    }

    /** Folds {@code other}'s samples in (group reporting). */
    public void merge(SampleStats other) {
        if (other.samples == 0) {
            return;
        }
        samples += other.samples;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        sum += other.sum;
        sumSquares += other.sumSquares;
    }

    public long samples() {
        return samples;
    }

    public double min() {
        return samples == 0 ? 0 : min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return samples == 0 ? 0 : sum / samples;
    }

    /** Sample standard deviation (n - 1), as fio prints it; 0 for fewer than two samples. */
    public double stddev() {
        if (samples < 2) {
            return 0;
        }
        double variance = (sumSquares - sum * sum / samples) / (samples - 1);
        return variance <= 0 ? 0 : Math.sqrt(variance);
    }
}
