package org.aioemu.bench.workload;

/**
 * fio's latency_target search: the job looks for the deepest queue at which its requests still meet a latency
 * target, as fio 3.33 does it. It starts at depth 1 and doubles while a window (latency_window) passes with at least
 * latency_percentile of its requests under the target; once a window fails it bisects between the deepest depth that
 * passed and the shallowest that failed (a depth that keeps passing with no room above it raises the ceiling by one
 * every third window). With latency_percentile at 100, any request over the target fails the window at once; at depth 1
 * that ends the job with ETIMEDOUT. When a window passes without the depth changing, the job has found it: its
 * statistics are reset, it runs one more window at that depth (the results reported) and ends, unless latency_run
 * keeps it searching. After every change of depth the queue drains before the next window, so the new window measures
 * the new depth only.
 *
 * <p>Loop only. Times in {@link System#nanoTime()}.
 */
final class LatencyTarget {
    /** What the issue loop must do after a completion. */
    enum Verdict { GO_ON, QUIESCE, QUIESCE_AND_RESTART_STATS, END_JOB, FATAL }

    private final long targetNanos;
    private final long windowNanos;
    private final double percentile;
    private final boolean keepSearching;
    private final int maxDepth;

    private int depth;
    private int low;
    private int high;
    private int stable;
    private boolean finalRun;
    private long windowStart;
    private long windowIos;
    private long windowFailed;

    LatencyTarget(long targetNanos, long windowNanos, double percentile, boolean keepSearching, int maxDepth) {
        this.targetNanos = targetNanos;
        this.windowNanos = windowNanos;
        this.percentile = percentile;
        this.keepSearching = keepSearching;
        this.maxDepth = maxDepth;
    }

    /** The search begins (the main phase starts). */
    void start(long now) {
        depth = 1;
        low = 1;
        high = maxDepth;
        stable = 0;
        finalRun = false;
        newWindow(now);
    }

    /** How many requests may be in flight now. */
    int depth() {
        return depth;
    }

    /** A read or write of the main phase completed after {@code latencyNanos} (issue to completion). */
    Verdict completed(long latencyNanos, long now) {
        windowIos++;
        if (latencyNanos > targetNanos) {
            if (percentile >= 100.0) {
                return rampDown(now) ? Verdict.QUIESCE : Verdict.FATAL;
            }
            windowFailed++;
        }
        if (now - windowStart < windowNanos) {
            return Verdict.GO_ON;
        }
        double success = 100.0 * (windowIos - windowFailed) / windowIos;
        if (success >= percentile) {
            return rampUp(now);
        }
        return rampDown(now) ? Verdict.QUIESCE : Verdict.GO_ON; // fio ignores the failure of a window at depth 1
    }

    /** fio's __lat_target_failed: false when already at depth 1. */
    private boolean rampDown(long now) {
        if (depth == 1) {
            return false;
        }
        high = depth;
        if (depth == low) {
            low--;
        }
        depth = Math.max(1, (depth + low) / 2);
        stable = 0;
        newWindow(now);
        return true;
    }

    /** fio's lat_target_success. */
    private Verdict rampUp(long now) {
        int before = depth;
        low = depth;
        if (depth + 1 == high && ++stable >= 3) {
            high++;
            stable = 0;
        }
        depth = high != maxDepth ? (depth + high) / 2 : depth * 2;
        depth = Math.min(depth, maxDepth);
        Verdict v = Verdict.GO_ON;
        if (!keepSearching && depth == before) {
            if (finalRun) {
                v = Verdict.END_JOB;
            } else {
                finalRun = true;
                v = Verdict.QUIESCE_AND_RESTART_STATS;
            }
        }
        newWindow(now);
        return v;
    }

    private void newWindow(long now) {
        windowStart = now;
        windowIos = 0;
        windowFailed = 0;
    }
}
