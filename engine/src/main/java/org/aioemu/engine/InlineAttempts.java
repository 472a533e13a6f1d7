package org.aioemu.engine;

/**
 * Whether the loop should run a task's non-blocking form itself ({@link BlockingTask#tryWithoutBlocking})
 * before it hands the task to a worker, learnt from what the attempts cost and how often they succeed. A
 * page-cached read done on the loop costs one syscall; handed to a worker it also costs a cross-core
 * hand-off there and back, and a wake-up when the worker sleeps — several times the read itself on a host
 * where wake-ups are dear. But an attempt that would block is a wasted syscall, and a long inline read holds
 * the loop while other cores idle. So, from measurements only:
 * <ul>
 *   <li><b>Hit rate.</b> Attempts are judged in windows of {@link #WINDOW}. After a window in which most would
 *       have blocked (a cold cache, a file system that never serves without blocking) the next {@code skip}
 *       eligible tasks go straight to the pool; {@code skip} doubles with every bad window up to
 *       {@link #MAX_SKIP} and falls back after a good one. An all-miss workload thus wastes at most one syscall
 *       per {@code MAX_SKIP / WINDOW} requests once it has backed off, and a warming cache is noticed again.</li>
 *   <li><b>Cost.</b> A hit runs on the loop for its whole duration. While other requests are in flight on the
 *       pool, a task whose hits take longer than a worker's measured wake-up is work worth spreading over the
 *       cores, so it goes to the pool; one in {@link #COST_PROBE} is still tried so the estimate follows the
 *       workload. With nothing else in flight the loop would only wait for the worker, so it always tries.</li>
 * </ul>
 * Hits are timed one in {@link #TIME_EVERY} (two clock reads are not free on a paravirtualised guest).
 *
 * <p>Threading: loop only, like the submissions it judges; no field is shared.
 */
final class InlineAttempts {
    /** Attempts per judgement of the hit rate. */
    static final int WINDOW = 32;
    /** The longest back-off after bad windows, in eligible submissions. */
    static final int MAX_SKIP = 1 << 16;
    /** While hits cost more than a wake-up: one eligible task in this many is still tried. */
    static final int COST_PROBE = 64;
    /** One hit in this many is timed. */
    static final int TIME_EVERY = 8;

    private int attempts;
    private int missesInWindow;
    private int attemptsInWindow;
    /** Eligible submissions still to send to the pool without trying, and the next back-off. */
    private int skip;
    private int nextSkip = WINDOW;
    private int costProbe;
    /** Running estimate of a hit's duration; 0 until one was timed. */
    private long hitNanos;
    private long hits;
    private long misses;

    /**
     * Whether to try the next eligible task. {@code othersInFlight}: submissions on the pool not yet completed;
     * {@code wakeNanos}: the pool's measured cost of waking a worker.
     */
    boolean shouldTry(long othersInFlight, long wakeNanos) {
        if (skip > 0) {
            skip--;
            return false;
        }
        if (othersInFlight > 0 && hitNanos > wakeNanos) {
            return ++costProbe % COST_PROBE == 0;
        }
        return true;
    }

    /** Whether to time the attempt about to be made. */
    boolean timeNext() {
        return attempts % TIME_EVERY == 0;
    }

    /** The attempt succeeded; {@code nanos} is its duration, or negative if it was not timed. */
    void hit(long nanos) {
        hits++;
        if (nanos >= 0) {
            // An exponentially weighted mean over about 8 samples: follows a change of block size within a
            // few dozen requests, and one preempted attempt moves it by an eighth.
            hitNanos = hitNanos == 0 ? Math.max(1, nanos) : hitNanos + (nanos - hitNanos) / 8;
        }
        counted(false);
    }

    /** The attempt would have blocked; the task goes to the pool. */
    void missed() {
        misses++;
        counted(true);
    }

    private void counted(boolean miss) {
        attempts++;
        attemptsInWindow++;
        if (miss) {
            missesInWindow++;
        }
        if (attemptsInWindow == WINDOW) {
            if (2 * missesInWindow > WINDOW) {
                skip = nextSkip;
                nextSkip = Math.min(MAX_SKIP, 2 * nextSkip);
            } else {
                nextSkip = WINDOW;
            }
            attemptsInWindow = 0;
            missesInWindow = 0;
        }
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    long hitNanos() {
        return hitNanos;
    }

    @Override
    public String toString() {
        return "inline " + hits + " hit, " + misses + " would block, hit " + hitNanos + " ns"
                + (skip > 0 ? ", backing off " + skip : "");
    }
}
