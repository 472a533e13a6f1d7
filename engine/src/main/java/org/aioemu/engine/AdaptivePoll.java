package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How long an idle loop polls for work before it blocks, adapted after every wait the way QEMU's
 * {@code aio-posix.c} adapts {@code poll_ns} between 0 and {@code poll-max-ns}.
 *
 * <p>A wait is the time from the moment the loop ran out of work until work came: by polling, or by
 * being woken from a block. After each wait the window is kept, shrunk or grown ({@link #afterWait}).
 * An idle loop therefore converges to a window of 0 and blocks at once, using no CPU, while a loop whose
 * work comes back within {@code poll-max-ns} (a depth-1 request through the thread pool) keeps polling
 * and does not pay a wake-up per request.
 *
 * <p>Defaults ({@link AioContext#DEFAULT_POLL_MAX_NS}): QEMU's grow 2 and shrink 2, but twice its 32768 ns
 * maximum. Waking an idle vCPU on this kind of VM takes 20-35 µs, more under load, so a depth-1 round trip
 * through the pool often outlasts 32 µs. Measured on 2 shared cores (JMH ThreadPoolRoundTrip, same-run
 * comparisons): with a 32768 ns maximum 65-81% of depth-1 waits ended by polling (the window kept growing
 * and shrinking) for 52-60k round trips/s; with 65536, 89-97% for 61-72k/s; polling off gave 29-45k/s.
 * Process CPU time per round trip was no higher than without polling (the wake-ups it saves cost CPU too).
 * 131072 and 262144 gained nothing more. At depth 16 both maxima gave 0.6-1.2M/s against 0.3-0.45M/s off,
 * too noisy to order.
 *
 * <p>Threading: every method but {@link #stats()} is for the loop thread only; it is the single writer
 * of every field. The statistics fields are written with release stores and read with acquire loads
 * ({@code so}/{@code lv}), so {@link #stats()} from any thread sees each field whole and no older than
 * the loop's previous update; the fields are read one by one, so a snapshot may mix two adjacent waits.
 */
final class AdaptivePoll {
    /**
     * The window a grow starts from when it is 0. Shorter than any wake-up on this kind of VM (~20 µs),
     * long enough to catch a worker that is still spinning when the loop runs dry.
     */
    static final long START_NS = 4_096;

    private static final VarHandle WINDOW;
    private static final VarHandle WAITS;
    private static final VarHandle HITS;
    private static final VarHandle POLL_NANOS;
    private static final VarHandle GROWS;
    private static final VarHandle SHRINKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WINDOW = l.findVarHandle(AdaptivePoll.class, "windowNs", long.class);
            WAITS = l.findVarHandle(AdaptivePoll.class, "waits", long.class);
            HITS = l.findVarHandle(AdaptivePoll.class, "hits", long.class);
            POLL_NANOS = l.findVarHandle(AdaptivePoll.class, "pollNanos", long.class);
            GROWS = l.findVarHandle(AdaptivePoll.class, "grows", long.class);
            SHRINKS = l.findVarHandle(AdaptivePoll.class, "shrinks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long maxNs;
    private final int grow;
    private final int shrink;

    // --- written by the loop only (so), read anywhere (lv) ------------------------------------------
    /** The current window; 0 blocks at once. Never above {@link #maxNs}. */
    private long windowNs;
    private long waits;
    private long hits;
    private long pollNanos;
    private long grows;
    private long shrinks;

    /**
     * @param maxNs  the largest window; 0 disables polling
     * @param grow   factor a window grows by; at least 1 (1 keeps it at the start value)
     * @param shrink divisor a window shrinks by; 0 drops it to 0 at once
     */
    AdaptivePoll(long maxNs, int grow, int shrink) {
        check(maxNs, grow, shrink);
        this.maxNs = maxNs;
        this.grow = grow;
        this.shrink = shrink;
    }

    /** Throws IllegalArgumentException for knobs the policy cannot use; the builder checks early. */
    static void check(long maxNs, int grow, int shrink) {
        if (maxNs < 0) {
            throw new IllegalArgumentException("poll-max-ns must be >= 0 (0 disables polling): " + maxNs);
        }
        if (grow < 1) {
            throw new IllegalArgumentException("poll-grow must be >= 1: " + grow);
        }
        if (shrink < 0) {
            throw new IllegalArgumentException("poll-shrink must be >= 0 (0 resets the window to 0): " + shrink);
        }
    }

    boolean enabled() {
        return maxNs > 0;
    }

    /** Loop only: how long to poll before blocking in the coming wait. */
    long windowNs() {
        return windowNs; // plain: the loop reads its own writes
    }

    /**
     * Loop only: one wait ended after {@code waitedNs}, counted from the moment the loop ran out of work
     * (polling included) to the event that ended it. {@code hit} says the event came while polling.
     * {@code polledNs} is the part of the wait spent polling.
     */
    void afterWait(long waitedNs, boolean hit, long polledNs) {
        WAITS.setRelease(this, waits + 1);
        POLL_NANOS.setRelease(this, pollNanos + polledNs);
        if (hit) {
            HITS.setRelease(this, hits + 1);
        }
        if (maxNs == 0) {
            return;
        }
        long w = windowNs;
        if (waitedNs <= w) {
            // Keep: the event came within the window, which is as long as it needs to be.
            return;
        }
        if (waitedNs > maxNs) {
            // Shrink: even the largest window would have missed this event; stop burning CPU on it.
            long shrunk = shrink == 0 ? 0 : w / shrink;
            if (shrunk != w) {
                WINDOW.setRelease(this, shrunk);
                SHRINKS.setRelease(this, shrinks + 1);
            }
        } else if (w < maxNs) {
            // Grow: the event came after the window but within reach of the largest one.
            long grown = w == 0 ? START_NS : saturatingMultiply(w, grow);
            WINDOW.setRelease(this, Math.min(grown, maxNs));
            GROWS.setRelease(this, grows + 1);
        }
    }

    private static long saturatingMultiply(long a, int b) {
        long r = a * b;
        return r / b != a ? Long.MAX_VALUE : r;
    }

    /** Any thread: the knobs and counters, each field read whole (see the class comment). */
    PollStats stats() {
        return new PollStats(maxNs, grow, shrink, (long) WINDOW.getAcquire(this), (long) WAITS.getAcquire(this),
                (long) HITS.getAcquire(this), (long) POLL_NANOS.getAcquire(this), (long) GROWS.getAcquire(this),
                (long) SHRINKS.getAcquire(this));
    }
}
