package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ThreadPool}'s worker threads and the hand-off of requests to them, with the dispatch model left to
 * a subclass: one shared queue ({@link QueueWorkers}, seed 000) or a ring per worker ({@link RingWorkers},
 * seed 003). This class owns what both share: QEMU's thread counts and limits (seeds 000, 001), the worker
 * loop, idle workers that spin for an adaptive while and then park, the wake-up of parked workers, the stall
 * check, and the pool's shared queue (the whole queue in the queue model, the spill queue behind the rings in
 * the ring model).
 *
 * <p>Fast path and slow path. Submitting and taking work take no lock: a submitter queues a request and reads
 * a few counters to decide whether anybody must be woken ({@link #awakeFor}); a worker takes requests
 * lock-free and only touches shared counters when it turns busy or idle. The monitor of this object guards
 * the thread counts, the parked stack ({@link IdleWorkers}) and the stall check's arming: the slow path, taken
 * to park, to wake a parked worker (a futex call anyway) or to start or end a thread. It is never held across
 * a task, a thread start or an unpark.
 *
 * <p>What the decisions rest on is {@link HandoffPolicy}: measured service and wake-up times, not constants.
 *
 * <p>No lost wake-up. Every "nobody needs waking" decision reads a counter that the worker it relies on
 * changes with a full fence before its own last look for work, and the submitter queued its request (a cas)
 * before reading that counter — Dekker pairs, so one of the two sees the other:
 * <ul>
 *   <li>covering: submitter queues, then reads {@link #covering}; a busy worker leaving BUSY does a getAndSet
 *       and getAndAdd, then looks for work again ({@link #runWorker});</li>
 *   <li>spinning and woken: submitter queues, then reads {@link IdleWorkers#awake}; the spinner's
 *       {@link IdleWorkers#endSpin} and the woken worker's {@link IdleWorkers#back} (volatile stores) precede
 *       its look for work under the monitor in {@link #parkOrExit};</li>
 *   <li>parking: a worker pushes itself on the parked stack (a volatile store of its {@code parked} flag), then
 *       looks for work, in one critical section; a submitter that must wake somebody queued its request before
 *       it takes the monitor to pop one, and a ring-model producer reads the flag after its cas;</li>
 *   <li>stopping: submitter queues, then reads {@link #stopping}; {@link #stop} sets it, then drains.</li>
 * </ul>
 * Those pairs guarantee that the worker counted on looks again; not that it takes this request: it may take an
 * earlier one that then blocks. So every decision that counts on another worker also arms the stall check
 * ({@link StallCheck}), which finds a worker asleep in a long request and wakes or starts another.
 */
abstract class Workers {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());
    private static final VarHandle COVERING;
    private static final VarHandle BUSY_WORKERS;
    private static final VarHandle SUBMITTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COVERING = l.findVarHandle(Workers.class, "covering", int.class);
            BUSY_WORKERS = l.findVarHandle(Workers.class, "busyWorkers", int.class);
            SUBMITTED = l.findVarHandle(Workers.class, "submitted", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final SpscRing.Claim ACTIVATE = PoolRequest::tryActivate;
    static final SpscRing.Claim CANCEL = PoolRequest::tryCancel;

    /** Where a request goes once it is DONE (ran, or cancelled): any thread, never blocks. */
    interface DoneSink {
        void done(PoolRequest req);
    }

    final String name;
    final AioContext ctx;
    final HandoffPolicy policy;
    final DoneSink sink;
    /** The shared queue: the whole queue (queue model) or the spill queue behind the rings (ring model). */
    final SharedQueue queue = new SharedQueue();
    final IdleWorkers idle = new IdleWorkers();
    /** The pool's spin window (seed 003's bounded spin, adapted as QEMU adapts poll-ns). */
    final IdleSpin spin = new IdleSpin();
    private final WorkerThreads threads;
    private final StallCheck stallCheck;

    /** Busy workers that are not stuck: they cover the queue. Changed by getAndAdd on run-state moves. */
    @SuppressWarnings("unused") // COVERING
    private volatile int covering;
    /** Workers running a request (BUSY or STUCK). */
    @SuppressWarnings("unused") // BUSY_WORKERS
    private volatile int busyWorkers;
    /** Requests ever queued; also the sequence part of their tickets. */
    @SuppressWarnings("unused") // SUBMITTED
    private volatile long submitted;
    /** Set once by {@link #stop}; read on every fast path. */
    volatile boolean stopping;

    Workers(AioContext ctx, ThreadPoolConfig config, DoneSink sink) {
        this.name = config.name();
        this.ctx = ctx;
        this.sink = sink;
        this.policy = new HandoffPolicy(config.workerSpinNanos(), ctx::loopWorkPermille);
        this.threads = new WorkerThreads(this, ctx, config);
        this.stallCheck = new StallCheck(this, ctx);
    }

    // --- the model's part ---------------------------------------------------------------------------

    /** Any thread: queues {@code req} (table slot {@code slot}) and returns its ticket. */
    abstract long enqueue(PoolRequest req, int slot);

    /**
     * The submitting loop thread: records {@code req} (table slot {@code slot}), which it has already run
     * without blocking, as a submission DONE with {@code result}, and hands it to the loop's done path like
     * every other outcome. Returns its ticket. No worker is involved or woken.
     */
    final long completeWithoutQueueing(PoolRequest req, int slot, int result) {
        checkOpen();
        long seq = nextSequence();
        long ticket = RequestTable.ticket(seq, slot);
        req.ticketed(ticket);
        req.doneWithoutQueueing(RequestTable.submission(seq), result);
        sink.done(req);
        return ticket;
    }

    /** Worker {@code w}: the next request for it, activated, or null. */
    abstract PoolRequest take(PoolWorker w);

    /** Worker {@code w} (spinning, or about to park): whether {@link #take} may find something. */
    abstract boolean hasWork(PoolWorker w);

    /** Worker {@code w}: whether work was handed to it alone (its ring), which it must not leave behind. */
    abstract boolean hasOwnWork(PoolWorker w);

    /** A new worker's ring, or null in the queue model. */
    abstract SpscRing newRing();

    /** Loop, from the stall check, after it marked stuck workers: wake or move what waits behind them. */
    abstract void rebalance();

    /** Any thread: requests waiting for a worker (an estimate while they move). */
    abstract int queued();

    /** Claims with {@code claim} (a cancel or a failure) every request still waiting; hands each to {@code out}. */
    abstract void claimWaiting(SpscRing.Claim claim, DoneSink out);

    /** Any thread: completes every waiting request with {@code errno} (no worker can ever run them). */
    final void failWaiting(int errno) {
        claimWaiting((r, sub) -> r.tryFail(sub, errno, false), sink);
    }

    /** A worker about to exit while not stopping: what is left in its ring must still run. */
    void beforeExit(PoolWorker w) {
    }

    // --- submission helpers ---------------------------------------------------------------------------

    /**
     * Any thread: cancels submission {@code sub} of {@code req} if no worker has taken it: it then completes
     * with -ECANCELED through the sink, like every other outcome. Its stale queue or ring cell fails its claim
     * later; only the overflow list, which links the request itself, must let go of it before it is recycled.
     */
    final boolean cancel(PoolRequest req, long sub) {
        if (!req.tryCancel(sub)) {
            return false;
        }
        queue.removeCancelled(req);
        sink.done(req);
        return true;
    }

    /** Any thread: the next submission's sequence number (1, 2, ...). */
    final long nextSequence() {
        return (long) SUBMITTED.getAndAdd(this, 1L) + 1;
    }

    final void checkOpen() {
        if (stopping) {
            throw new RejectedExecutionException("thread pool " + name + " is closed; no new work is accepted");
        }
    }

    /**
     * Any thread, after queuing submission {@code sub} of {@code req}: if the pool began stopping meanwhile,
     * takes the request back (unless stop's drain has claimed it, which then completes it) and throws.
     */
    final void recheckStopping(PoolRequest req, long sub) {
        if (stopping && req.tryCancel(sub)) {
            queue.removeCancelled(req);
            throw new RejectedExecutionException("thread pool " + name + " is closed; no new work is accepted");
        }
    }

    /**
     * Any thread, after queuing: how many idle workers will look at the queue without being woken, or -1 if
     * the busy workers cover {@code waiting} requests themselves (then the stall check is armed). The
     * caller wakes a worker when {@code waiting} exceeds a non-negative answer.
     */
    final int awakeFor(int waiting) {
        int awake = idle.awake();
        if (waiting <= awake) {
            // Left to the spinner or to woken workers; one of them may take an earlier request that blocks
            // (in the ring model, one woken for an entry of its own): the stall check watches for that.
            if (waiting > 0) {
                stallCheck.ensureArmed();
            }
            return awake;
        }
        if (!policy.fast()) {
            return awake;
        }
        // Fast requests: the awake idle workers take one each at once and then cover like the busy ones. More
        // workers would not finish the queue sooner once they hold every spare core, nor would a woken one
        // while they get to the requests within a wake-up.
        int cov = covering();
        int soonBusy = cov + awake;
        if (soonBusy >= policy.busyLimit() || waiting <= awake + policy.cover(soonBusy)) {
            // Some of the waiting are left to workers that will be busy; if one blocks, the check wakes others.
            stallCheck.ensureArmed();
            return -1;
        }
        return awake;
    }

    /**
     * Any thread, after queuing in the shared queue (the queue model's, or the ring model's spill queue):
     * wakes one worker if those awake — and, for fast requests, the busy ones — will not see to what waits
     * ({@link #awakeFor} arms the stall check whenever it counts on them).
     */
    final void wakeForQueue() {
        int waiting = queue.size();
        int awake = awakeFor(waiting);
        if (awake >= 0 && waiting > awake) {
            wakeOne();
        }
    }

    /**
     * Under the monitor: waiting requests that no idle worker about to look (spinning, woken, or between its
     * last request and parking) and — for fast requests — no busy worker will take; zero or less when all are
     * seen to. What a new worker would be started for.
     */
    final int uncoveredWaiting() {
        int awake = idleNotParked();
        int waiting = queued() - awake;
        if (waiting > 0 && policy.fast()) {
            int soonBusy = covering() + awake;
            if (soonBusy >= policy.busyLimit()) {
                return 0;
            }
            waiting -= policy.cover(soonBusy);
        }
        return waiting;
    }

    /**
     * Any thread, the slow path: wakes the worker parked last, or, if none is parked, asks for a new one
     * when the queue holds more than the idle and coming workers will take.
     */
    final void wakeOne() {
        PoolWorker w;
        synchronized (this) {
            if (stopping) {
                return;
            }
            w = idle.pop();
            if (w == null && !threads.spawnIfOwed(uncoveredWaiting())) {
                // No parked worker, and no new one owed: idle workers about to look, or busy ones, were counted
                // on. One may take an earlier request that blocks: the stall check watches for that.
                stallCheck.ensureArmed();
            }
        }
        if (w != null) {
            unpark(w);
        }
    }

    /** Under the monitor: idle workers that are not parked (they look for work before they park). */
    private int idleNotParked() {
        int n = 0;
        for (PoolWorker w : registered()) {
            if (w.runState() == PoolWorker.IDLE && !w.parked) {
                n++;
            }
        }
        return n;
    }

    /** Any thread: wakes {@code w} if it is parked (ring model: a request was placed in its ring). */
    final void wakeIfParked(PoolWorker w) {
        PoolWorker parked;
        synchronized (this) {
            parked = idle.popIfParked(w);
        }
        if (parked != null) {
            unpark(parked);
        }
    }

    final void unpark(PoolWorker w) {
        w.wokenAt(System.nanoTime());
        LockSupport.unpark(w.thread);
    }

    /** Loop only, from a nested wait: see {@link StallCheck#nestedTick}. */
    final long nestedTick(long now) {
        return stallCheck.nestedTick(now);
    }

    /**
     * Any thread (the loop, as it runs out of work): how long the loop may poll for this pool's next
     * completion. While a worker runs fast requests one is due within a service time, so polling up to the
     * spin bound (twice a wake-up: past that, blocking and being woken costs less) saves the loop's wake-up;
     * otherwise 0, and the loop's own adaptive window decides. Negative when the workers running fast requests
     * hold every core: a polling loop would then take one from them (an lz4 convert on 2 cores compressed at
     * the speed of one worker while the loop polled on the other), so it must block.
     */
    final long pollHintNanos() {
        int busy = covering();
        if (busy <= 0 || !policy.fast()) {
            return 0;
        }
        return busy >= HandoffPolicy.CORES ? -1 : policy.spinMaxNanos();
    }

    /** Any thread, after leaving requests to busy workers: the stall check must watch them. */
    final void armStallCheck() {
        stallCheck.ensureArmed();
    }

    /** Tests: the stall check. */
    final StallCheck stallCheck() {
        return stallCheck;
    }

    final int covering() {
        return (int) COVERING.getVolatile(this);
    }

    final PoolWorker[] registered() {
        return threads.registered();
    }

    // --- the worker loop ----------------------------------------------------------------------------

    /** A worker thread's whole life after its start bookkeeping; returns when it must exit. */
    final void runWorker(PoolWorker w) {
        w.idleSince = System.nanoTime();
        boolean busy = false; // running requests back to back
        for (;;) {
            PoolRequest r = take(w);
            if (r != null) {
                long start = System.nanoTime();
                if (!busy) {
                    busy = true;
                    w.startCpuSample(start);
                    w.becomeBusy();
                    BUSY_WORKERS.getAndAdd(this, 1);
                    COVERING.getAndAdd(this, 1);
                } else if (w.unstick()) {
                    COVERING.getAndAdd(this, 1);
                    // The stuck request's sleep says nothing about how much CPU requests take: a blocked one
                    // among fast ones would make them all look like they wait on a device.
                    w.discardCpuSample();
                }
                w.startedAt(start);
                int result = r.runOnWorker();
                long end = System.nanoTime();
                // The task's own time, not the time between starts: that would include the loop's share of
                // a core the two may be sharing, and say nothing about how soon this worker gets to the next.
                w.sampleService(end - start, policy);
                r.finish(result);
                done(r);
                w.sampleCpu(end, policy);
                if (threads.shrinking() && threads.exitIfOverLimit(w)) {
                    leaveBusy(w);
                    return;
                }
                if (policy.fast() && tryYield(w)) {
                    // More workers run fast requests than there are cores beside the loop's (a stuck worker came
                    // back, or a wake-up raced): this one steps aside rather than crowd the others.
                    busy = false;
                    goIdle(w, end);
                    armStallCheck();
                    if (!parkOrExit(w, true)) {
                        return;
                    }
                }
                continue;
            }
            if (busy) {
                busy = false;
                goIdle(w, System.nanoTime());
                leaveBusy(w);
                continue; // look again after the fence: a submitter may have counted on us covering
            }
            if (spin(w)) {
                continue;
            }
            if (!parkOrExit(w, false)) {
                return;
            }
        }
    }

    /** Worker: hands a finished request to the loop. Never lets a failure of the hand-off kill the worker. */
    private void done(PoolRequest r) {
        try {
            sink.done(r);
        } catch (RuntimeException e) {
            // Only a context whose loop is gone refuses; the completion has nowhere to run then.
            LOG.log(System.Logger.Level.WARNING, "thread pool " + name + " could not hand " + r + " to its loop", e);
        }
    }

    /** The worker's end, normal or not: a worker that dies busy stops counting as busy. */
    final void ended(PoolWorker w) {
        if (w.runState() != PoolWorker.IDLE) {
            leaveBusy(w);
        }
    }

    /** Worker, at the end of a run of requests: publishes what it learnt; its idle clock starts. */
    private void goIdle(PoolWorker w, long now) {
        w.flushService(policy);
        w.endCpuSample();
        w.idleSince = now;
    }

    /**
     * Worker between two fast requests: leaves busy (and returns true) if more workers cover than there are
     * spare cores hold ({@link HandoffPolicy#busyLimit}), taking its place out of {@link #covering} only while at
     * least that many others remain,
     * so two workers yielding at once cannot both go.
     */
    private boolean tryYield(PoolWorker w) {
        for (;;) {
            int c = covering();
            if (c <= policy.busyLimit() || w.runState() != PoolWorker.BUSY) {
                return false;
            }
            if (COVERING.compareAndSet(this, c, c - 1)) {
                if (w.becomeIdle() == PoolWorker.STUCK) {
                    COVERING.getAndAdd(this, 1); // the stall check uncounted us meanwhile: undo our share
                }
                BUSY_WORKERS.getAndAdd(this, -1);
                return true;
            }
        }
    }

    /** Worker: BUSY or STUCK -> IDLE, uncounting itself; getAndSet and getAndAdd are full fences. */
    private void leaveBusy(PoolWorker w) {
        if (w.becomeIdle() == PoolWorker.BUSY) {
            COVERING.getAndAdd(this, -1);
        }
        BUSY_WORKERS.getAndAdd(this, -1);
    }

    /** The stall check: {@code w} ran one request too long; it stops covering. */
    final void markStuck(PoolWorker w) {
        if (w.markStuck()) {
            COVERING.getAndAdd(this, -1);
        }
    }

    /**
     * An idle worker, without the monitor: spins watching for work while its adaptive window lasts, a core
     * is spare and nobody else spins. True if it saw work (the caller takes it), false to park.
     */
    private boolean spin(PoolWorker w) {
        long idleSince = w.idleSince;
        long max = policy.spinMaxNanos();
        if (max <= 0 || !spareCore()) {
            return false;
        }
        long window = spin.windowNanos(max);
        if (window <= 0) {
            w.spunAndMissed = true; // a spin of no length: its gap may teach the window to grow
            return false;
        }
        if (!idle.trySpin()) {
            return false;
        }
        long deadline = idleSince + window;
        boolean saw = false;
        try {
            for (int i = 1; ; i++) {
                if (hasWork(w)) {
                    saw = true;
                    break;
                }
                Thread.onSpinWait();
                // The clock is read every 32 turns: on a paravirtualised guest each read is a vDSO call
                // that costs as much as the look for work itself.
                if ((i & 31) == 0 && (stopping || !spareCore() || System.nanoTime() - deadline >= 0)) {
                    break;
                }
            }
        } finally {
            idle.endSpin();
        }
        if (saw) {
            spin.afterGap(System.nanoTime() - idleSince, max);
        } else {
            w.spunAndMissed = true; // its gap, once work comes, tells the window how much it missed by
        }
        return saw;
    }

    /** Whether a core is free for a spinner: the busy workers' measured share of the cores leaves one. */
    private boolean spareCore() {
        return covering() < policy.busyLimit();
    }

    /**
     * An idle worker: parks until woken or its idle timeout, unless work is there. It publishes itself as
     * parked first and looks for work after, under the monitor, so a producer that placed work without the
     * monitor and then read it as not parked is seen here (ring model), and a waker that takes the monitor to
     * pop it finds it on the stack. False when the worker must exit.
     */
    private boolean parkOrExit(PoolWorker w, boolean yielding) {
        long now = System.nanoTime();
        synchronized (this) {
            if (threads.mustExit(w, now)) {
                return false;
            }
            idle.park(w);
            // A yielding worker parks although shared work waits: the covering workers take it, and the
            // stall check (armed) wakes it if they stop. Work placed in its own ring it never leaves.
            if (yielding ? hasOwnWork(w) : hasWork(w)) {
                idle.back(w);
                return true;
            }
        }
        long left = w.idleSince + threads.idleTimeoutNanos() - now;
        long parkedAt = System.nanoTime();
        LockSupport.parkNanos(this, Math.max(1, left));
        Thread.interrupted(); // workers are not interrupted by design; never let an interrupt make us spin
        synchronized (this) {
            idle.back(w);
        }
        long woken = w.takeWakeStamp();
        if (woken != 0) {
            if (woken - parkedAt > 0) {
                policy.sampleWake(System.nanoTime() - woken); // it really slept: a wake-up's cost
            }
            if (w.spunAndMissed) {
                w.spunAndMissed = false;
                spin.afterGap(woken - w.idleSince, policy.spinMaxNanos()); // when the work came, not when we ran
            }
        }
        return true;
    }

    // --- limits, stats, stop --------------------------------------------------------------------------

    /** Any thread: see {@link ThreadPool#setLimits}. */
    final void setLimits(int min, int max) {
        threads.setLimits(min, max).forEach(this::unpark);
    }

    final WorkerThreads threads() {
        return threads;
    }

    /** Any thread: a snapshot of the counts, plus the loop's completion counts. */
    final ThreadPoolStats stats(long completed, long cancelled, long ranInline) {
        return threads.stats(queued(), (int) BUSY_WORKERS.getVolatile(this), submitted(), completed, cancelled, ranInline);
    }

    /** Any thread: requests ever queued. */
    final long submitted() {
        return (long) SUBMITTED.getVolatile(this);
    }

    /**
     * Any thread but one of this pool's workers: refuses new work, completes every waiting request with
     * -ECANCELED through the sink, wakes every worker and waits until all have exited. Idempotent; a
     * concurrent second call waits the same way.
     */
    final void stop() {
        threads.checkNotOwnWorker("close");
        List<PoolWorker> toWake = List.of();
        synchronized (this) {
            if (!stopping) {
                stopping = true;
                toWake = threads.beginStop();
            }
        }
        stallCheck.disarm();
        claimWaiting(CANCEL, sink);
        toWake.forEach(this::unpark);
        threads.awaitExit();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + policy + ", " + Arrays.toString(registered()) + "]";
    }
}
