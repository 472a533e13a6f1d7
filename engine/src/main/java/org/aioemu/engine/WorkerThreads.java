package org.aioemu.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of a pool's worker threads, QEMU's way (seeds 000 and 001): {@code cur_threads} counts the workers
 * that exist or are owed, never more than {@code max}; a submit that needs a worker only records a backlog and
 * schedules a bottom half that starts one on the loop, and each newborn worker starts the next while a backlog
 * remains, so a submitter never pays for a thread start; idle workers above {@code min} exit after the idle
 * timeout; lowering {@code max} makes idle workers exit now and busy ones after their request.
 *
 * <p>A failed start (the factory throws, or {@code Thread.start} does) gives its place back and goes on with
 * the rest of the backlog; if no worker then exists or is coming, the requests waiting can never run, and
 * they complete with -EAGAIN (the error {@code pthread_create} reports for the same cause).
 *
 * <p>Threading: every field is guarded by the owning {@link Workers}' monitor ("under the monitor"), except
 * {@link #registry} and {@link #shrinking}, volatile copies read on fast paths. Threads are started outside
 * the monitor (a start costs tens of µs).
 */
final class WorkerThreads {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());

    private static final long RETRY_MIN_NANOS = 1_000_000;
    private static final long RETRY_MAX_NANOS = 1_000_000_000;

    private final Workers pool;
    private final AioContext ctx;
    private final ThreadFactory threadFactory;
    private final long idleTimeoutNanos;
    private final BottomHalf spawnBh;
    private final Runnable body = this::workerMain;

    // --- under the monitor ----------------------------------------------------------------------------
    private int curThreads;
    /** Owed but not yet started (the backlog). */
    private int newThreads;
    /** Started but not yet running their loop. */
    private int pendingThreads;
    /** Threads started and not yet ended, whatever the counts say: what stop waits for. */
    private int liveThreads;
    private int minThreads;
    private int maxThreads;
    /** The pause before looking again after a failed start; doubles per failure in a row, 0 after a success. */
    private long retryDelayNanos;

    // --- written under the monitor, read anywhere -----------------------------------------------------
    /**
     * When the last start was asked for (by the loop or a newborn, one at a time): the newborn measures its
     * start latency from it, a first estimate of a wake-up. Volatile: written and read by different threads.
     */
    private volatile long startAskedAt;
    /** The running workers (copy on write). */
    private volatile PoolWorker[] registry = new PoolWorker[0];
    /** curThreads > maxThreads: busy workers check it after each request. */
    private volatile boolean shrinking;

    WorkerThreads(Workers pool, AioContext ctx, ThreadPoolConfig config) {
        this.pool = pool;
        this.ctx = ctx;
        this.threadFactory = config.threadFactory() != null ? config.threadFactory() : defaultFactory(config.name());
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
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

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    PoolWorker[] registered() {
        return registry;
    }

    boolean shrinking() {
        return shrinking;
    }

    // --- spawning -----------------------------------------------------------------------------------

    /**
     * Under the monitor: owes a worker if {@code uncovered} waiting requests exceed those coming and max allows.
     * True if a worker is owed or already coming for them.
     */
    boolean spawnIfOwed(int uncovered) {
        if (uncovered <= 0) {
            return false;
        }
        if (uncovered > pendingThreads + newThreads && curThreads < maxThreads) {
            spawnThread();
        }
        return pendingThreads + newThreads > 0;
    }

    /** Under the monitor: owe one more worker; have the loop start it unless a newborn worker will. */
    private void spawnThread() {
        curThreads++;
        newThreads++;
        if (pendingThreads == 0) {
            spawnBh.schedule();
        }
    }

    /**
     * Under the monitor: takes one worker from the backlog; true if the caller must start it. The backlog was
     * recorded when the pool knew less (a first burst is submitted before any worker runs, so it owes one
     * per request): what is no longer owed now — requests taken meanwhile, or covered by busy workers now
     * known to be fast — is dropped rather than started, down to what {@code min} asks for.
     */
    private boolean takeBacklog() {
        if (newThreads == 0 || pool.stopping) {
            return false;
        }
        if (pool.uncoveredWaiting() <= pendingThreads) {
            // Not owed for work any more; only what min asks for is started. What waits is now counted on
            // workers that may take an earlier request that blocks: the stall check watches for that.
            pool.armStallCheck();
            int belowMin = minThreads - (curThreads - newThreads);
            int drop = newThreads - Math.max(0, belowMin);
            curThreads -= drop;
            newThreads -= drop;
            updateShrinking();
            if (newThreads == 0) {
                return false;
            }
        }
        newThreads--;
        pendingThreads++;
        liveThreads++;
        return true;
    }

    /** Loop only, the spawn bottom half. */
    private void spawnFromLoop() {
        boolean start;
        synchronized (pool) {
            start = takeBacklog();
        }
        if (start) {
            startWorker();
        }
    }

    /** Loop or a newborn worker, without the monitor. */
    private void startWorker() {
        startAskedAt = System.nanoTime();
        try {
            threadFactory.newThread(body).start();
        } catch (Throwable t) {
            boolean stranded;
            synchronized (pool) {
                pendingThreads--;
                liveThreads--;
                curThreads--;
                if (newThreads > 0 && pendingThreads == 0) {
                    spawnBh.schedule(); // go on with the backlog from the loop
                }
                stranded = curThreads == 0 && !pool.stopping;
                updateShrinking();
                pool.notifyAll();
            }
            LOG.log(System.Logger.Level.ERROR, "thread pool " + pool.name + " could not start a worker", t);
            if (stranded) {
                pool.failWaiting(-Errno.EAGAIN);
            } else {
                retryLater();
            }
        }
    }

    /**
     * After a failed start while other workers exist: the request it was for may still need a worker of its
     * own (the busy ones may be waiting for it), so the pool looks again after a pause that doubles with
     * every failure in a row (1 ms to 1 s), rather than failing the request or retrying in a tight loop.
     */
    private void retryLater() {
        long delay;
        synchronized (pool) {
            delay = retryDelayNanos = retryDelayNanos == 0 ? RETRY_MIN_NANOS : Math.min(RETRY_MAX_NANOS, retryDelayNanos * 2);
        }
        try {
            ctx.schedule(pool::wakeOne, delay, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the context is closing: its pools stop with it
        }
    }

    private void workerMain() {
        pool.policy.sampleStart(System.nanoTime() - startAskedAt);
        PoolWorker self = new PoolWorker(Thread.currentThread(), pool.newRing());
        boolean startNext;
        synchronized (pool) {
            pendingThreads--;
            retryDelayNanos = 0;
            PoolWorker[] r = Arrays.copyOf(registry, registry.length + 1);
            r[r.length - 1] = self;
            registry = r;
            startNext = takeBacklog();
        }
        if (startNext) {
            startWorker();
        }
        try {
            pool.runWorker(self);
            pool.beforeExit(self);
        } finally {
            ended(self);
        }
    }

    /** The worker's last act, however it ends: uncounts it, hands waiting work on, lets stop return. */
    private void ended(PoolWorker self) {
        pool.ended(self);
        ThreadStates.close(self.stat);
        ThreadStates.close(self.schedstat);
        boolean handOn;
        synchronized (pool) {
            if (!self.uncounted) {
                curThreads--; // it died (an Error escaped a task's handling): its place is free again
                self.uncounted = true;
            }
            PoolWorker[] r = registry;
            int i = Arrays.asList(r).indexOf(self);
            if (i >= 0) {
                PoolWorker[] smaller = new PoolWorker[r.length - 1];
                System.arraycopy(r, 0, smaller, 0, i);
                System.arraycopy(r, i + 1, smaller, i, r.length - i - 1);
                registry = smaller;
            }
            liveThreads--;
            updateShrinking();
            handOn = !pool.stopping && pool.queued() > 0;
            pool.notifyAll();
        }
        if (handOn) {
            pool.wakeOne(); // leaving with requests waiting: hand them on
        }
    }

    // --- exits ---------------------------------------------------------------------------------------

    /**
     * Under the monitor, an idle worker: whether it must exit now (stopping, above max, or idle for the
     * whole timeout above min); if so it is uncounted here. A worker among the minimum restarts its idle clock.
     */
    boolean mustExit(PoolWorker w, long now) {
        if (w.uncounted) {
            return true; // already on its way out
        }
        if (pool.stopping || curThreads > maxThreads) {
            return uncount(w);
        }
        if (now - w.idleSince >= idleTimeoutNanos) {
            if (curThreads > minThreads) {
                return uncount(w);
            }
            w.idleSince = now;
        }
        return false;
    }

    /** A busy worker after a request while {@link #shrinking}: exits if the pool is still above max. */
    boolean exitIfOverLimit(PoolWorker w) {
        synchronized (pool) {
            return curThreads > maxThreads && uncount(w);
        }
    }

    private boolean uncount(PoolWorker w) {
        curThreads--;
        w.uncounted = true;
        updateShrinking();
        return true;
    }

    private void updateShrinking() {
        shrinking = curThreads > maxThreads;
    }

    // --- limits, stats, stop --------------------------------------------------------------------------

    /** Any thread: new limits; returns the parked workers to wake (they exit if above max). */
    List<PoolWorker> setLimits(int min, int max) {
        synchronized (pool) {
            minThreads = min;
            maxThreads = max;
            if (pool.stopping) {
                return List.of();
            }
            for (int i = curThreads; i < minThreads; i++) {
                spawnThread();
            }
            updateShrinking();
            return shrinking ? pool.idle.popAll() : List.of();
        }
    }

    /** Any thread: a snapshot of the counts. */
    ThreadPoolStats stats(int queued, int active, long submitted, long completed, long cancelled, long ranInline) {
        synchronized (pool) {
            int idle = 0;
            for (PoolWorker w : registry) {
                if (w.runState() == PoolWorker.IDLE) {
                    idle++;
                }
            }
            return new ThreadPoolStats(curThreads, idle, pendingThreads + newThreads, minThreads, maxThreads,
                    queued, active, submitted, completed, cancelled, ranInline);
        }
    }

    /** Under the monitor, once: no more starts; returns the parked workers to wake. */
    List<PoolWorker> beginStop() {
        spawnBh.cancel();
        curThreads -= newThreads;
        newThreads = 0;
        return pool.idle.popAll();
    }

    /** Without the monitor: waits until every started worker has ended. */
    void awaitExit() {
        boolean interrupted = false;
        synchronized (pool) {
            while (liveThreads > 0) {
                try {
                    pool.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws if the caller is one of this pool's workers: {@code what} would wait for the caller itself. */
    void checkNotOwnWorker(String what) {
        Thread me = Thread.currentThread();
        for (PoolWorker w : registry) {
            if (w.thread == me) {
                throw new IllegalStateException(what + " of thread pool " + pool.name
                        + " called from its own worker " + me.getName() + ": it would wait for itself to exit");
            }
        }
    }
}
