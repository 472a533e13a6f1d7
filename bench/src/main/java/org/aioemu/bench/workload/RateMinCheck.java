package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;

/**
 * fio's {@code rate_min} and {@code rate_iops_min}: a job that moves less than its minimum fails with EIO.
 * As fio 3.33 judges it: nothing during the first 2 s of measurement (its settle period); after that, at a
 * completion, each direction that has moved data and has a minimum takes a baseline, and at every later
 * completion at least {@code ratecycle} after its baseline compares what moved since then, per second, with
 * the minimum. So the rate is always measured between two completions: a job whose requests are paced slower
 * than a cycle (one 4 KiB block every 3 s against a 1 KiB/s minimum) is judged on the time between them, not
 * failed by an empty second, and a job shorter than the settle period is never judged.
 *
 * <p>Loop only. {@link #due} is the completion path's one comparison; the rest runs once per cycle.
 */
final class RateMinCheck {
    /** fio's settle period before the first check. */
    static final long SETTLE_NANOS = 2_000_000_000L;

    private final JobStats stats;
    private final String job;
    private final long[] minBytes;
    private final long[] minIos;
    private final long cycleNanos;
    private final boolean[] sampled = new boolean[3];
    private final long[] lastAt = new long[3];
    private final long[] lastBytes = new long[3];
    private final long[] lastIos = new long[3];
    private long nextCheck = Long.MAX_VALUE;

    private RateMinCheck(JobOptions o, JobStats stats) {
        this.stats = stats;
        this.job = o.name;
        this.minBytes = o.rateMin.clone();
        this.minIos = o.rateIopsMin.clone();
        this.cycleNanos = o.rateCycleMillis * 1_000_000L;
    }

    /** The check for {@code o}, or null when it sets no minimum. */
    static RateMinCheck of(JobOptions o, JobStats stats) {
        for (int d = 0; d < 3; d++) {
            if (o.rateMin[d] > 0 || o.rateIopsMin[d] > 0) {
                return new RateMinCheck(o, stats);
            }
        }
        return null;
    }

    /** Measurement starts at {@code now}: the settle period begins and earlier baselines are forgotten. */
    void start(long now) {
        java.util.Arrays.fill(sampled, false);
        nextCheck = now + SETTLE_NANOS;
    }

    /** Whether a completion at {@code now} must call {@link #check}. */
    boolean due(long now) {
        return now - nextCheck >= 0;
    }

    /** Stops judging (the measured phase is over). */
    void stop() {
        nextCheck = Long.MAX_VALUE;
    }

    /** Judges at a completion at {@code now}: null when every minimum is met, else fio's message. */
    String check(long now) {
        long next = Long.MAX_VALUE;
        for (int d = 0; d < 3; d++) {
            if (minBytes[d] <= 0 && minIos[d] <= 0) {
                continue;
            }
            JobStats.Direction dir = stats.direction(d);
            if (dir.ios == 0) {
                next = Math.min(next, now + cycleNanos); // fio judges a direction once it has moved data
                continue;
            }
            if (sampled[d]) {
                long spent = now - lastAt[d];
                if (spent < cycleNanos) {
                    next = Math.min(next, lastAt[d] + cycleNanos);
                    continue;
                }
                String missed = judge(d, dir, spent);
                if (missed != null) {
                    stop();
                    return missed;
                }
            }
            sampled[d] = true;
            lastAt[d] = now;
            lastBytes[d] = dir.bytes;
            lastIos[d] = dir.ios;
            next = Math.min(next, now + cycleNanos);
        }
        nextCheck = next;
        return null;
    }

    private String judge(int d, JobStats.Direction dir, long spentNanos) {
        long spentMillis = Math.max(1, spentNanos / 1_000_000L);
        if (minBytes[d] > 0) {
            long rate = (dir.bytes - lastBytes[d]) * 1000 / spentMillis;
            if (rate < minBytes[d]) {
                return job + ": rate_min=" + minBytes[d] + "B/s not met, got " + rate + "B/s";
            }
        }
        if (minIos[d] > 0) {
            long iops = (dir.ios - lastIos[d]) * 1000 / spentMillis;
            if (iops < minIos[d]) {
                return job + ": rate_iops_min=" + minIos[d] + " not met, got " + iops + " IOPS";
            }
        }
        return null;
    }
}
