package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a {@link ThreadPool}'s hand-off has learnt about the host it runs on, and the decisions taken from
 * it: how long requests run on a worker, and how long a parked worker takes to run after it is woken. No
 * figure here is a constant measured on one machine: both are running medians of what this pool saw, so the
 * same code spins, covers and wakes differently on a host where a wake-up costs 5 µs and one where it costs
 * 40 µs (a paravirtualised guest whose idle vCPUs halt).
 *
 * <ul>
 *   <li><b>Fast requests</b> run for less than a wake-up costs (a page-cached read, a null task). A busy
 *       worker gets to the next one sooner than a parked worker could be woken, so up to
 *       {@link #cover busy × wake / service} queued requests are left to the busy workers, and at most as
 *       many workers run fast requests at once as there are cores beside the loop's: more would not finish
 *       the queue sooner, they would take the loop's core.</li>
 *   <li><b>Slow requests</b> (O_DIRECT, fsync) run longer than a wake-up: every queued request beyond the
 *       awake idle workers wakes one, as QEMU's pool does.</li>
 *   <li><b>Spinning</b>: an idle worker spins for at most twice a wake-up before it parks, since spinning
 *       longer costs more than the wake-up it could save (the competitive bound of spin-then-block);
 *       {@link IdleSpin} adapts the window below that bound to the gaps it sees.</li>
 *   <li><b>Stuck workers</b>: a worker running one request for {@link #stuckAfterNanos} — many times the
 *       usual service time and longer than a wake-up — no longer covers the queue; the loop's stall check
 *       marks it so and wakes others.</li>
 * </ul>
 * Until the first wake-up has been measured nothing counts as fast and nobody spins: the pool wakes a
 * worker per request, which measures the cost straight away.
 *
 * <p>Threading: any thread reads; workers (service) and woken workers (wake) write. The published figures are
 * opaque longs: a reader sees some recent value. Service times are averaged by each worker and published
 * now and then (two publishing at once: one wins, which an estimate can afford); wake-up delays are sampled
 * under a lock, on the slow path where a wake-up has just been paid.
 */
final class HandoffPolicy {
    private static final VarHandle SERVICE;
    private static final VarHandle WAKE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SERVICE = l.findVarHandle(HandoffPolicy.class, "serviceNanos", long.class);
            WAKE = l.findVarHandle(HandoffPolicy.class, "wakeNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A request running this many service times is stuck (and at least two wake-ups). */
    private static final int STUCK_SERVICE_TIMES = 8;
    /** Cores beside the loop thread's: how many workers may run fast requests at once. */
    static final int SPARE_CORES = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    /** Wake-up delays kept for the median. */
    private static final int WAKE_SAMPLES = 16;

    /** The user's bound on spinning ({@code workerSpinNanos}); 0 turns spinning off. */
    private final long spinCapNanos;
    /** The last wake-up delays (a ring), guarded by itself, with its write position and whether any was real. */
    private final long[] wakeSamples = new long[WAKE_SAMPLES];
    /** Scratch for the median, so a wake-up allocates nothing; guarded by {@code wakeSamples}. */
    private final long[] wakeSorted = new long[WAKE_SAMPLES];
    private int wakeNext;
    private boolean measuredWake;

    @SuppressWarnings("unused") // SERVICE
    private long serviceNanos;
    @SuppressWarnings("unused") // WAKE
    private long wakeNanos;

    HandoffPolicy(long spinCapNanos) {
        this.spinCapNanos = spinCapNanos;
    }

    /** A worker: its own average of back-to-back service times, published now and then (see {@link PoolWorker}). */
    void publishService(long nanos) {
        SERVICE.setOpaque(this, nanos);
    }

    /**
     * A woken worker: it ran {@code nanos} after its waker asked for it. The estimate is the median of the
     * last {@link #WAKE_SAMPLES} such delays, not their mean: when every core is busy a woken thread may wait
     * a whole scheduler tick (milliseconds), and a mean dragged up by those would call every request fast,
     * every stall a millisecond long and every spin worth a millisecond. Slow path (a wake-up happened), so
     * a lock here costs nothing that matters.
     */
    void sampleWake(long nanos) {
        synchronized (wakeSamples) {
            wakeSamples[wakeNext++ & (WAKE_SAMPLES - 1)] = nanos;
            int n = Math.min(wakeNext, WAKE_SAMPLES);
            System.arraycopy(wakeSamples, 0, wakeSorted, 0, n);
            java.util.Arrays.sort(wakeSorted, 0, n);
            WAKE.setOpaque(this, wakeSorted[n / 2]);
            measuredWake = true;
        }
    }

    /**
     * A new worker ran {@code nanos} after its start was asked for. Until a real wake-up has been measured this
     * stands in for one: a thread start costs at least a wake-up, so it is a cautious first estimate, and it
     * lets the pool see that its requests are fast before it has started a worker for each of them.
     */
    void sampleStart(long nanos) {
        synchronized (wakeSamples) {
            if (!measuredWake) {
                WAKE.setOpaque(this, nanos);
            }
        }
    }

    long serviceNanos() {
        return (long) SERVICE.getOpaque(this);
    }

    long wakeNanos() {
        return (long) WAKE.getOpaque(this);
    }

    /** Whether requests finish sooner than a parked worker could be woken to run them. */
    boolean fast() {
        long s = serviceNanos();
        return s > 0 && s < wakeNanos();
    }

    /** How many queued requests {@code busy} workers running fast requests take themselves, waking nobody. */
    int cover(int busy) {
        long s = serviceNanos();
        long w = wakeNanos();
        if (busy <= 0 || s <= 0 || s >= w) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, busy * (w / s));
    }

    /** The longest an idle worker may spin now: twice a wake-up, within the user's bound. */
    long spinMaxNanos() {
        return Math.min(spinCapNanos, 2 * wakeNanos());
    }

    /** How long one request may run before its worker stops covering the queue. */
    long stuckAfterNanos() {
        return Math.max(STUCK_SERVICE_TIMES * serviceNanos(), 2 * wakeNanos());
    }

    @Override
    public String toString() {
        return "service " + serviceNanos() + " ns, wake-up " + wakeNanos() + " ns";
    }
}
