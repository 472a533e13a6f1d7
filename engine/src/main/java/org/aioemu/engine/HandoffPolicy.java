package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a {@link ThreadPool}'s hand-off has learnt about the host it runs on, and the decisions taken from
 * it: how long requests run on a worker, and how long a parked worker takes to run after it is woken. No
 * figure here is a constant measured on one machine: both are moving averages of what this pool saw, so the
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
 * <p>Threading: any thread reads; workers (service) and woken workers (wake) write. The averages are
 * opaque longs updated without atomicity: two workers updating at once lose one sample, which an average
 * can afford, and a reader sees some recent value.
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

    /** Weight of a new sample in the averages: 1/8. */
    private static final int EWMA_SHIFT = 3;
    /** A request running this many service times is stuck (and at least two wake-ups). */
    private static final int STUCK_SERVICE_TIMES = 8;
    /** Cores beside the loop thread's: how many workers may run fast requests at once. */
    static final int SPARE_CORES = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    /** The user's bound on spinning ({@code workerSpinNanos}); 0 turns spinning off. */
    private final long spinCapNanos;

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

    /** A woken worker: it ran {@code nanos} after its waker asked for it. */
    void sampleWake(long nanos) {
        WAKE.setOpaque(this, ewma((long) WAKE.getOpaque(this), nanos));
    }

    /** The average after one more sample; the first sample starts it. */
    static long ewma(long average, long sample) {
        return average == 0 ? sample : average + ((sample - average) >> EWMA_SHIFT);
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
