package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a {@link ThreadPool}'s hand-off has learnt about the host it runs on, and the decisions taken from
 * it: how long requests run on a worker, and how long a parked worker takes to run after it is woken. No
 * figure here is a constant measured on one machine: all are running estimates of what this pool saw, so the
 * same code spins, covers and wakes differently on a host where a wake-up costs 5 µs and one where it costs
 * 40 µs (a paravirtualised guest whose idle vCPUs halt).
 *
 * <ul>
 *   <li><b>Fast requests</b> run for less than a wake-up costs (a page-cached read, a null task). A busy
 *       worker gets to the next one sooner than a parked worker could be woken, so up to
 *       {@link #cover busy × wake / service} queued requests are left to the busy workers, and no more workers
 *       run fast requests at once than the cores beside the loop's hold ({@link #busyLimit}: the spare cores
 *       over the measured share of a core a busy worker uses): more would not finish the queue sooner, they
 *       would take the loop's core. Requests that sleep in the kernel (O_DIRECT) use little CPU, so many
 *       workers fit.</li>
 *   <li><b>Slow requests</b> — those that run longer than a wake-up, and those that spend most of their time
 *       asleep in the kernel (O_DIRECT, fsync: the device serves many at once), however short — wake a worker
 *       for every queued request beyond the awake idle workers, as QEMU's pool does, while the workers' measured
 *       share of the CPU ({@link #busyLimit}) leaves room.</li>
 *   <li><b>Spinning</b>: an idle worker spins for at most twice a wake-up before it parks, since spinning
 *       longer costs more than the wake-up it could save (the competitive bound of spin-then-block);
 *       {@link IdleSpin} adapts the window below that bound to the gaps it sees.</li>
 *   <li><b>Stuck workers</b>: a worker running one request for {@link #stuckAfterNanos} — many times the
 *       usual service time — that the kernel reports asleep no longer covers the queue; the loop's stall
 *       check marks it so and wakes others.</li>
 * </ul>
 * Until a wake-up has been measured, a new worker's start latency stands in for one; until a worker's share of
 * the CPU has been measured (every 32 requests of a run, from the JVM's thread CPU clock and the kernel's
 * run-queue wait in {@code /proc/self/task/TID/schedstat}), busy workers count as CPU-bound.
 *
 * <p>Threading: any thread reads; workers (service) and woken workers (wake) write. The published figures are
 * opaque longs: a reader sees some recent value. Service times are estimated by each worker and published
 * now and then (two publishing at once: one wins, which an estimate can afford); wake-up delays are sampled
 * under this object's lock, on the slow path where a wake-up has just been paid.
 */
final class HandoffPolicy {
    private static final VarHandle SERVICE;
    private static final VarHandle WAKE;
    private static final VarHandle CPU_PERMILLE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SERVICE = l.findVarHandle(HandoffPolicy.class, "serviceNanos", long.class);
            WAKE = l.findVarHandle(HandoffPolicy.class, "wakeNanos", long.class);
            CPU_PERMILLE = l.findVarHandle(HandoffPolicy.class, "cpuPermille", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A request running this many service times is stuck (and at least two wake-ups). */
    private static final int STUCK_SERVICE_TIMES = 8;
    /** A busy worker using at least this share of a core (thousandths) is running on the CPU, not waiting. */
    static final int CPU_BOUND_PERMILLE = 500;
    /** The cores this process may use. */
    static final int CORES = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** The user's bound on spinning ({@code workerSpinNanos}); 0 turns spinning off. */
    private final long spinCapNanos;
    /** Guarded by this: whether a real wake-up has been measured (until then a thread start stands in). */
    private boolean measuredWake;
    /** Guarded by this: the 75th percentile of measured wake-ups. */
    private final FrugalQuantile wakeQuantile = new FrugalQuantile(3);

    @SuppressWarnings("unused") // SERVICE
    private long serviceNanos;
    @SuppressWarnings("unused") // WAKE
    private long wakeNanos;
    /**
     * How much of a busy worker's time is CPU, in thousandths: near 1000 for page-cached reads, near 0 for
     * O_DIRECT reads that sleep in the kernel. 1000 until measured: a cautious start, since a busy worker is
     * then counted as holding a whole core.
     */
    @SuppressWarnings("unused") // CPU_PERMILLE
    private int cpuPermille = 1000;

    /** The loop's own work in thousandths of a core ({@link LoopLoad}): what the workers cannot have of its core. */
    private final java.util.function.IntSupplier loopWorkPermille;

    /** A policy that counts the loop as holding a whole core. */
    HandoffPolicy(long spinCapNanos) {
        this(spinCapNanos, () -> 1000);
    }

    HandoffPolicy(long spinCapNanos, java.util.function.IntSupplier loopWorkPermille) {
        this.spinCapNanos = spinCapNanos;
        this.loopWorkPermille = loopWorkPermille;
    }

    /** A worker: its own average of back-to-back service times, published now and then (see {@link PoolWorker}). */
    void publishService(long nanos) {
        SERVICE.setOpaque(this, nanos);
    }

    /**
     * A woken worker: it ran {@code nanos} after its waker asked for it. The estimate tracks the 75th
     * percentile of such delays (a frugal streaming quantile: steps of 1/16 of the estimate, three times
     * larger upwards), neither their mean nor their median. Wake-ups here are bimodal — a few µs when the
     * woken thread's CPU is awake, tens of µs when it must be brought out of a halted vCPU — and the median
     * flips between the modes, which made the spin bound flip with it; and the occasional scheduler tick of
     * milliseconds (every core busy) must not drag the estimate up as it would a mean. Slow path (a wake-up
     * happened), so a lock here costs nothing that matters.
     */
    void sampleWake(long nanos) {
        synchronized (this) {
            WAKE.setOpaque(this, wakeQuantile.sample(nanos));
            measuredWake = true;
        }
    }

    /**
     * A new worker ran {@code nanos} after its start was asked for. Until a real wake-up has been measured this
     * stands in for one: a thread start costs at least a wake-up, so it is a cautious first estimate, and it
     * lets the pool see that its requests are fast before it has started a worker for each of them.
     */
    void sampleStart(long nanos) {
        synchronized (this) {
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

    /** A worker: what share of its busy time was CPU over its last samples (thousandths, 1..1000). */
    void publishCpu(int permille) {
        CPU_PERMILLE.setOpaque(this, Math.clamp(permille, 1, 1000));
    }

    int cpuPermille() {
        return (int) CPU_PERMILLE.getOpaque(this);
    }

    /**
     * How many workers may run requests at once before they hold every core the loop's own work leaves: that
     * free CPU divided by the share of a core one busy worker uses, counting a last worker that would get three
     * quarters of what it needs. The loop's work is measured ({@link LoopLoad}), not assumed: a loop busy issuing
     * and completing page-cached reads keeps its core and one worker runs beside it on 2 cores; a loop that
     * mostly waits (compression, whose work is all on the workers) leaves its core, and two workers run.
     * O_DIRECT reads, which sleep in the kernel most of the time: many more.
     */
    int busyLimit() {
        long free = Math.max(0, CORES * 1000L - loopWorkPermille.getAsInt());
        int perWorker = cpuPermille();
        return (int) Math.max(1, Math.min(1 << 16, (free + perWorker / 4) / perWorker));
    }

    /**
     * Whether requests finish sooner than a parked worker could be woken to run them, on the CPU: a busy
     * worker then gets to the next one sooner than a woken one would, and a second one beside it would only
     * share its core. Requests that spend most of their time asleep in the kernel (O_DIRECT) are not fast
     * however short: their device serves many at once, so each waiting request gets a worker, as in QEMU.
     */
    boolean fast() {
        long s = serviceNanos();
        return s > 0 && s < wakeNanos() && cpuPermille() >= CPU_BOUND_PERMILLE;
    }

    /** How many queued requests {@code busy} workers running fast requests take themselves, waking nobody. */
    int cover(int busy) {
        long s = serviceNanos();
        long w = wakeNanos();
        if (busy <= 0 || !fast()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, busy * (w / s));
    }

    /** The longest an idle worker may spin now: twice a wake-up, within the user's bound. */
    long spinMaxNanos() {
        return Math.min(spinCapNanos, 2 * wakeNanos());
    }

    /**
     * How long one request may run before its worker is suspected of being stuck: many service times, but no
     * less than two periods of the stall check. Not tied to the wake-up cost: the check also asks the kernel
     * whether the worker sleeps, which tells a blocked worker from a merely slow or descheduled one, so the
     * threshold only needs to be long against the ordinary spread of service times — and a wake-up estimate
     * taken while every core was busy can be milliseconds, which would leave the queue stranded that long.
     */
    long stuckAfterNanos() {
        return Math.max(STUCK_SERVICE_TIMES * serviceNanos(), 2 * StallCheck.MIN_PERIOD_NANOS);
    }

    @Override
    public String toString() {
        return "service " + serviceNanos() + " ns, wake-up " + wakeNanos() + " ns, CPU share " + cpuPermille()
                + "/1000, loop " + loopWorkPermille.getAsInt() + "/1000, " + (fast() ? "fast" : "not fast") + ", up to "
                + busyLimit() + " busy";
    }
}
