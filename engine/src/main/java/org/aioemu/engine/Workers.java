package org.aioemu.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ThreadPool}'s worker threads and its queue of requests waiting for them: QEMU's thread counts
 * and limits (seeds 000, 001), with idle workers that spin for a while and then park (seed 003) instead
 * of waiting on a semaphore, so that waiting and waking allocate nothing.
 *
 * <p>Waiting. A worker that finds the queue empty becomes idle: if spinning is on
 * ({@code workerSpinNanos > 0}), no other worker is spinning and a core is spare (the loop thread and
 * every busy worker counted as holding one), it spins, watching the queue's size, for up to that long; otherwise, or after that, it pushes itself on the parked stack and parks until
 * woken or its idle timeout. A submitter wakes a parked worker only when the queue holds more requests
 * than workers that will look at it anyway (the spinner, and workers already woken but not yet back):
 * with a spinning or busy worker, submitting costs no futex call and no wake-up of an idle vCPU. At most
 * one worker spins, so an idle pool burns at most one core, and only for the spin window after its last
 * request; then every worker is parked.
 *
 * <p>No lost wake-up: a worker checks the queue and publishes itself as parked (or as the spinner) in
 * the same critical section, and a submitter queues its request and looks for a worker to wake in one
 * critical section, so one of the two sees the other. The wake-up itself ({@link LockSupport#unpark})
 * runs after the monitor is released, and may come before the worker has parked, which the permit of
 * {@code LockSupport} absorbs. A spinner leaves its spin by taking the monitor and polling, so a request
 * it covered is never left behind.
 *
 * <p>Threading and locking: this object's monitor guards the queue, the counts and the parked stack.
 * It is held for list and counter updates only — never across a task, a thread start or an unpark.
 * A {@code synchronized} monitor rather than a {@code ReentrantLock}: its contended path queues no
 * heap-allocated nodes. Workers are created only by the spawn bottom half on the loop and by newborn
 * workers, never by a submitter.
 */
final class Workers {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());

    /** Where a request goes once it is DONE (ran, or cancelled): any thread, never blocks. */
    interface DoneSink {
        void done(PoolRequest req);
    }

    /**
     * Busy workers below which an idle worker may spin: the cores left once the loop thread and the
     * spinner have one each (0 on one core, so nobody spins; 1 on two cores: only while no one is busy).
     */
    private static final int SPARE_CORES = Runtime.getRuntime().availableProcessors() - 1;

    /**
     * A request that runs for less than this on average is "fast" (a page-cached read, a null task): a busy
     * worker will be back for the next one sooner than a parked worker could be woken (~20 µs on this kind
     * of VM), so queued requests up to {@link #FAST_COVER} per busy worker wake nobody. Waking them anyway
     * puts a crowd of runnable threads on few cores beside the loop (depth 16 on 2 cores: 0.1-0.45M IOPS
     * with 16 workers against 1.06M with one).
     */
    private static final long FAST_NANOS = 10_000;
    private static final int FAST_COVER = 16;
    /**
     * While busy workers cover the queue, the loop checks this often that requests are still finishing;
     * if a queue stood through a whole period without one, the busy workers are stuck (a "fast" request
     * blocked) and the check wakes or starts workers for the queue, so nothing is stranded. The check
     * is a periodic timer, started by the first covered submit and stopped after QUIET_CHECKS periods with
     * an empty queue, so steady load allocates nothing and an idle pool schedules nothing.
     */
    private static final long STALL_CHECK_NANOS = 200_000;
    private static final int QUIET_CHECKS = 8;

    /** What a worker did since it last held the monitor. */
    private static final int BORN = 0;
    private static final int RAN = 1;
    private static final int SPUN = 2;
    private static final int PARKED = 3;

    private final String name;
    private final long idleTimeoutNanos;
    private final long spinNanos;
    private final ThreadFactory threadFactory;
    private final BottomHalf spawnBh;
    private final DoneSink sink;
    private final AioContext ctx;
    private final Runnable body = this::workerMain;
    private final Runnable stallCheck = this::stallCheck;

    // --- guarded by this --------------------------------------------------------------------------
    private final RequestQueue queue = new RequestQueue();
    /** Busy workers. Volatile only so that the spinner can watch it; written under the monitor. */
    private volatile int active;
    private int curThreads;
    /** Idle workers: spinning, parked, or woken and not yet back under the monitor. */
    private int idleThreads;
    /** The parked stack, the spinner and the woken workers. */
    private final IdleWorkers idle = new IdleWorkers();
    /** Workers owed but not yet started (the backlog). */
    private int newThreads;
    /** Workers started but not yet running their loop. */
    private int pendingThreads;
    private int minThreads;
    private int maxThreads;
    /** Moving average (1/8 weight) of how long a request runs on a worker; 0 until one has run. */
    private long serviceNanos;
    /** Requests that have finished running on a worker: progress, for the stall check. */
    private long ranCount;
    /** The periodic stall check runs (or its start is under way); its timer once known. */
    private boolean stallCheckArmed;
    private ScheduledFuture<?> stallTimer;
    /** ranCount at the last stall check, and checks in a row that found the queue empty. */
    private long ranAtLastCheck;
    private int quietChecks;

    // --- written under this, read anywhere --------------------------------------------------------
    /** Set once by {@link #stop}; a spinner watches it. */
    private volatile boolean stopping;
    /** Requests ever queued; also the sequence part of their tickets. */
    private volatile long submitted;

    Workers(AioContext ctx, ThreadPoolConfig config, DoneSink sink) {
        this.name = config.name();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.spinNanos = config.workerSpinNanos();
        this.threadFactory = config.threadFactory() != null ? config.threadFactory() : defaultFactory(name);
        this.sink = sink;
        this.ctx = ctx;
        this.spawnBh = ctx.newBottomHalf(this::spawnFromLoop);
    }

    private static ThreadFactory defaultFactory(String name) {
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-worker-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // --- submit and cancel (any thread) -------------------------------------------------------------

    /**
     * Any thread: queues {@code req} (whose request-table slot is {@code slot}) and returns its ticket;
     * wakes a parked worker if no spinning or woken one will see the request, and asks for a new worker
     * if there are more requests than idle and coming workers.
     *
     * @throws RejectedExecutionException once stopping
     */
    long enqueue(PoolRequest req, int slot) {
        IdleWorkers.Worker wake;
        long ticket;
        int covered;
        boolean startCheck;
        synchronized (this) {
            if (stopping) {
                throw new RejectedExecutionException("thread pool " + name + " is closed; no new work is accepted");
            }
            long seq = submitted + 1;
            submitted = seq;
            ticket = RequestTable.ticket(seq, slot);
            req.ticket = ticket;
            req.markQueued();
            queue.add(req);
            // Busy workers running fast requests cover part of the queue themselves (FAST_NANOS).
            covered = busyCover();
            if (owesWorker(covered)) {
                spawnThread();
            }
            wake = idle.wakeIfUncovered(queue.size() - covered);
            startCheck = covered > 0 && armStallCheck();
        }
        if (startCheck) {
            startStallCheck();
        }
        if (wake != null) {
            LockSupport.unpark(wake.thread);
        }
        return ticket;
    }

    /**
     * Any thread: if {@code req} still carries submission {@code ticket} and no worker has taken it,
     * unlinks it and completes it with -ECANCELED through the sink; true if so.
     */
    boolean cancel(PoolRequest req, long ticket) {
        synchronized (this) {
            if (req.ticket != ticket || !req.isQueued()) {
                return false;
            }
            queue.unlink(req);
            req.cancelled = true;
            req.finish(-Errno.ECANCELED);
        }
        sink.done(req);
        return true;
    }

    /** Any thread: the state of submission {@code ticket}, which {@code req} carries or carried. */
    PoolRequest.State state(PoolRequest req, long ticket) {
        synchronized (this) {
            return req.ticket == ticket ? req.state() : PoolRequest.State.DONE;
        }
    }

    // --- worker threads -----------------------------------------------------------------------------

    /** Under the monitor: queued requests the busy workers will take themselves, being fast. */
    private int busyCover() {
        return serviceNanos > 0 && serviceNanos < FAST_NANOS ? active * FAST_COVER : 0;
    }

    /**
     * Under the monitor, with {@code active} not counting the caller: whether an idle or just-finished
     * worker takes a queued request, or leaves it to the busy workers because they run fast requests, cover
     * the queue and hold every spare core. Another runnable worker would not finish the queue sooner; it
     * would take the loop's core (FastCrowdTest: 15-31% of fast requests at depth 16 ran beside another
     * busy worker on 2 cores without this rule). A worker that leaves a request so arms the stall check,
     * which wakes the rest if a covering worker blocks after all.
     */
    private boolean mayTake() {
        return active < SPARE_CORES || queue.size() > busyCover();
    }

    /**
     * Under the monitor: arms the stall check unless it runs already; true if the caller must start its
     * timer (outside the monitor, with {@link #startStallCheck}).
     */
    private boolean armStallCheck() {
        if (stallCheckArmed) {
            return false;
        }
        stallCheckArmed = true;
        ranAtLastCheck = ranCount;
        quietChecks = 0;
        return true;
    }

    /** Any thread, after arming under the monitor: starts the periodic check (allocates; once per burst). */
    private void startStallCheck() {
        ScheduledFuture<?> timer;
        try {
            timer = ctx.ioEventLoop().scheduleAtFixedRate(stallCheck, STALL_CHECK_NANOS, STALL_CHECK_NANOS,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException loopGone) {
            synchronized (this) {
                stallCheckArmed = false; // the context is closing; its pools are stopping with it
            }
            return;
        }
        boolean keep;
        synchronized (this) {
            keep = stallCheckArmed && stallTimer == null && !stopping;
            if (keep) {
                stallTimer = timer;
            }
        }
        if (!keep) {
            timer.cancel(false); // disarmed (or superseded) before it was known
        }
    }

    /**
     * Loop, every STALL_CHECK_NANOS while armed: if requests wait and none has finished for a whole period,
     * forget that the busy workers were fast and wake or start workers for the queue, as without the cover.
     * Stops itself after QUIET_CHECKS periods with an empty queue.
     */
    private void stallCheck() {
        IdleWorkers.Worker wake = null;
        ScheduledFuture<?> stop = null;
        synchronized (this) {
            if (stopping || queue.size() == 0) {
                if (stopping || ++quietChecks >= QUIET_CHECKS) {
                    stallCheckArmed = false;
                    stop = stallTimer; // null if its starter has yet to publish it: the starter cancels it then
                    stallTimer = null;
                }
            } else {
                quietChecks = 0;
                if (ranCount == ranAtLastCheck) {
                    serviceNanos = 0; // not fast any more, until requests finish again
                    while (owesWorker(0)) {
                        spawnThread();
                    }
                    wake = idle.wakeIfUncovered(queue.size());
                }
            }
            ranAtLastCheck = ranCount;
        }
        if (wake != null) {
            LockSupport.unpark(wake.thread);
        }
        if (stop != null) {
            stop.cancel(false);
        }
    }

    /**
     * Under the monitor: whether the queue holds more requests than the workers that will take them — idle
     * ones, ones owed or being born, and {@code covered} requests the busy workers take themselves — and
     * the limit allows one more. QEMU tests idle_threads == 0 instead, but an idle worker stays counted
     * until it wakes, so a burst submitted faster than it wakes would all queue behind that one worker.
     */
    private boolean owesWorker(int covered) {
        return queue.size() > idleThreads + pendingThreads + newThreads + covered && curThreads < maxThreads;
    }

    /** Under the monitor: owe one more worker; have the loop start it unless a newborn worker will. */
    private void spawnThread() {
        curThreads++;
        newThreads++;
        if (pendingThreads == 0) {
            spawnBh.schedule();
        }
    }

    /** Under the monitor: takes one worker from the backlog; true if the caller must start it. */
    private boolean takeBacklog() {
        if (newThreads == 0) {
            return false;
        }
        newThreads--;
        pendingThreads++;
        return true;
    }

    /** Loop only, the spawn bottom half. */
    private void spawnFromLoop() {
        boolean start;
        synchronized (this) {
            start = takeBacklog();
        }
        if (start) {
            startWorker();
        }
    }

    /** Loop or a newborn worker, without the monitor (thread creation costs tens of µs). */
    private void startWorker() {
        try {
            threadFactory.newThread(body).start();
        } catch (Throwable t) {
            synchronized (this) {
                pendingThreads--;
                curThreads--;
                notifyAll();
            }
            LOG.log(System.Logger.Level.ERROR, "thread pool " + name + " could not start a worker", t);
        }
    }

    private void workerMain() {
        IdleWorkers.Worker self = new IdleWorkers.Worker(Thread.currentThread());
        boolean startNext;
        synchronized (this) {
            pendingThreads--;
            startNext = takeBacklog();
        }
        if (startNext) {
            startWorker();
        }
        int phase = BORN;
        long idleSince = System.nanoTime();
        long ranNanos = 0;
        for (;;) {
            PoolRequest req = null;
            IdleWorkers.Worker wake = null;
            boolean exit = false;
            boolean startCheck = false;
            synchronized (this) {
                switch (phase) {
                    case RAN -> {
                        active--;
                        ranCount++;
                        serviceNanos += (ranNanos - serviceNanos) >> 3;
                    }
                    case SPUN -> {
                        idle.endSpin();
                        idleThreads--;
                    }
                    case PARKED -> {
                        idle.back(self);
                        idleThreads--;
                    }
                    default -> { }
                }
                if (stopping || curThreads > maxThreads) {
                    exit = true;
                } else if (mayTake() && (req = queue.poll()) != null) {
                    req.markActive();
                    active++;
                    phase = RAN;
                } else {
                    long now = System.nanoTime();
                    if (phase == RAN) {
                        idleSince = now;
                    } else if (now - idleSince >= idleTimeoutNanos) {
                        // Idle for the whole timeout: exit, unless we are one of the minimum threads.
                        if (curThreads > minThreads) {
                            exit = true;
                        } else {
                            idleSince = now;
                        }
                    }
                    if (!exit) {
                        // Requests left to busy fast workers (mayTake): the stall check must watch them.
                        startCheck = queue.size() > 0 && armStallCheck();
                        idleThreads++;
                        // Spin only within the window that began when this worker went idle, so a spin
                        // that ends empty-handed parks; one that lost a request to another worker goes on.
                        // And only on a spare core: the loop and the busy workers each need one, and a
                        // spinner that takes theirs slows the pipeline it waits for (depth 16 on 2 cores).
                        if (idle.startSpin(spinNanos > 0 && now - idleSince < spinNanos && active < SPARE_CORES)) {
                            phase = SPUN;
                        } else {
                            idle.park(self);
                            phase = PARKED;
                        }
                    }
                }
                if (exit) {
                    curThreads--;
                    wake = idle.wakeIfUncovered(queue.size()); // leaving with requests queued: hand them on
                    notifyAll();
                }
            }
            if (exit) {
                if (wake != null) {
                    LockSupport.unpark(wake.thread);
                }
                return;
            }
            if (startCheck) {
                startStallCheck();
            }
            switch (phase) {
                case RAN -> {
                    long start = System.nanoTime();
                    int result = req.runOnWorker();
                    ranNanos = System.nanoTime() - start;
                    req.finish(result);
                    sink.done(req);
                }
                case SPUN -> spin(idleSince + spinNanos);
                default -> {
                    long left = idleSince + idleTimeoutNanos - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                    Thread.interrupted(); // workers are not interrupted by design; never let it spin us
                }
            }
        }
    }

    /**
     * The spinner, without the monitor: until a request is queued, stopping, {@code deadline}, or the
     * spare core it spins on is taken by a worker that became busy (then it parks and gives the core up).
     */
    private void spin(long deadline) {
        while (queue.size() == 0 && !stopping && active < SPARE_CORES && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    // --- limits, stats, stop --------------------------------------------------------------------------

    /** Any thread: see {@link ThreadPool#setLimits}. */
    void setLimits(int min, int max) {
        List<Thread> toWake = List.of();
        synchronized (this) {
            minThreads = min;
            maxThreads = max;
            if (stopping) {
                return;
            }
            for (int i = curThreads; i < minThreads; i++) {
                spawnThread();
            }
            if (curThreads > maxThreads) {
                toWake = idle.wakeAll(); // idle ones exit now; busy ones after their request; a spinner after its spin
            }
        }
        toWake.forEach(LockSupport::unpark);
    }

    /** Any thread: a consistent snapshot of the counts, plus the loop's completion counts. */
    synchronized ThreadPoolStats stats(long completed, long cancelled) {
        return new ThreadPoolStats(curThreads, idleThreads, pendingThreads + newThreads, minThreads, maxThreads,
                queue.size(), active, submitted, completed, cancelled);
    }

    /** Any thread: requests ever queued. */
    long submitted() {
        return submitted;
    }

    /**
     * Any thread: refuses new work, completes every queued request with -ECANCELED through the sink,
     * wakes every worker and waits until all have exited. Returns whether it cancelled any. Idempotent;
     * a concurrent second call waits the same way.
     */
    boolean stop() {
        List<PoolRequest> cancelled = new ArrayList<>();
        List<Thread> toWake = List.of();
        ScheduledFuture<?> timer;
        synchronized (this) {
            if (!stopping) {
                stopping = true;
                spawnBh.cancel();
                curThreads -= newThreads;
                newThreads = 0;
                for (PoolRequest r = queue.poll(); r != null; r = queue.poll()) {
                    r.cancelled = true;
                    r.finish(-Errno.ECANCELED);
                    cancelled.add(r);
                }
                toWake = idle.wakeAll();
            }
            stallCheckArmed = false;
            timer = stallTimer;
            stallTimer = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        cancelled.forEach(sink::done);
        toWake.forEach(LockSupport::unpark);
        boolean interrupted = false;
        synchronized (this) {
            while (curThreads > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !cancelled.isEmpty();
    }
}
