package org.aioemu.bench.report;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The percentage tables fio prints: I/O depths, submit and complete batch sizes, and the completion
 * latency distribution in fio's fixed nsec/usec/msec buckets.
 */
final class Distributions {
    static final String[] DEPTH_LABELS = {"1", "2", "4", "8", "16", "32", ">=64"};
    static final String[] BATCH_LABELS = {"0", "4", "8", "16", "32", "64", ">=64"};
    /** Upper bounds (exclusive) of the nsec and usec buckets: "250" holds [100, 250). */
    static final int[] SUB_MS_BOUNDS = {2, 4, 10, 20, 50, 100, 250, 500, 750, 1000};
    static final String[] SUB_MS_LABELS = {"2", "4", "10", "20", "50", "100", "250", "500", "750", "1000"};
    static final String[] MS_LABELS = {"2", "4", "10", "20", "50", "100", "250", "500", "750", "1000", "2000", ">=2000"};

    private Distributions() {
    }

    /**
     * Percent of {@code total} for each count. A bucket that saw anything never shows as zero: fio lifts it
     * to {@code floor} (0.1 for depths, 0.01 for latencies), so rare events stay visible.
     */
    static double[] percents(long[] counts, long total, double floor) {
        double[] out = new double[counts.length];
        if (total <= 0) {
            return out;
        }
        for (int i = 0; i < counts.length; i++) {
            double p = counts[i] * 100.0 / total;
            out[i] = counts[i] > 0 && p < floor ? floor : p;
        }
        return out;
    }

    static double[] percents(long[] counts, double floor) {
        return percents(counts, Arrays.stream(counts).sum(), floor);
    }

    /** Completion latencies of one job (all data directions together, as fio reports them) in fio's buckets. */
    static Latency latency(JobStats job) {
        long[] ns = new long[10];
        long[] us = new long[10];
        long[] ms = new long[12];
        for (JobStats.Direction d : new JobStats.Direction[]{job.read, job.write, job.trim}) {
            Histogram h = d.clat().histogram();
            for (HistogramIterationValue v : h.recordedValues()) {
                // The bucket's lowest value decides, so a value recorded exactly (all below 2048 ns) lands
                // where fio would put it.
                long nanos = h.lowestEquivalentValue(v.getValueIteratedTo());
                long count = v.getCountAtValueIteratedTo();
                if (nanos < 1_000) {
                    ns[subMsIndex(nanos)] += count;
                } else if (nanos < 1_000_000) {
                    us[subMsIndex(nanos / 1_000)] += count;
                } else {
                    ms[msIndex(nanos / 1_000_000)] += count;
                }
            }
        }
        return new Latency(ns, us, ms);
    }

    private static int subMsIndex(long value) {
        for (int i = 0; i < SUB_MS_BOUNDS.length; i++) {
            if (value < SUB_MS_BOUNDS[i]) {
                return i;
            }
        }
        return SUB_MS_BOUNDS.length - 1;
    }

    private static int msIndex(long millis) {
        for (int i = 0; i < SUB_MS_BOUNDS.length; i++) {
            if (millis < SUB_MS_BOUNDS[i]) {
                return i;
            }
        }
        return millis < 2000 ? 10 : 11;
    }

    /** Completion latency counts per bucket; percentages are of all three tables together. */
    record Latency(long[] ns, long[] us, long[] ms) {
        long total() {
            return Arrays.stream(ns).sum() + Arrays.stream(us).sum() + Arrays.stream(ms).sum();
        }

        double[] nsPercents() {
            return percents(ns, total(), 0.01);
        }

        double[] usPercents() {
            return percents(us, total(), 0.01);
        }

        double[] msPercents() {
            return percents(ms, total(), 0.01);
        }

        /** Terse has no nsec table: everything under a microsecond counts in its first ("2us") bucket. */
        double[] usPercentsWithNs() {
            long[] folded = us.clone();
            folded[0] += Arrays.stream(ns).sum();
            return percents(folded, total(), 0.01);
        }
    }
}
