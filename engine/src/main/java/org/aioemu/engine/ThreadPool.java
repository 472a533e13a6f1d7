package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * Worker threads that run blocking work for an {@link AioContext} and complete it on the context's
 * loop (QEMU's {@code util/thread-pool.c}, seeds 000, 001 and 004).
 *
 * <p>Threading: submit, cancel, {@link #setLimits}, {@link #stats} and {@link #close} may be called from
 * any thread. Tasks run on workers; every completion callback runs on the loop, exactly once, through one
 * completion bottom half that drains all finished requests in a batch. Workers are never created by a
 * submitting thread: a submit records a backlog and schedules a bottom half that starts one worker on the
 * loop, and each newborn worker starts the next while a backlog remains.
 *
 * <p>Shared state: the request queue, the thread counts and the semaphore's permits are guarded by
 * {@link #lock}, held only for list and counter updates, never across a task. Finished requests travel to
 * the loop on a lock-free stack ({@link #doneStack}). The ready list and the completed/cancelled counts
 * belong to the loop.
 */
public final class ThreadPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());
    private static final VarHandle DONE_STACK;

    static {
        try {
            DONE_STACK = MethodHandles.lookup().findVarHandle(ThreadPool.class, "doneStack", PoolRequest.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AioContext ctx;
    private final String name;
    private final long idleTimeoutNanos;
    private final ThreadFactory threadFactory;
    private final BottomHalf completionBh;
    private final BottomHalf spawnBh;
    private final Runnable worker = this::workerLoop;

    /** One permit per queued request, plus wake-ups for shrinking and stopping. */
    private final Semaphore sem = new Semaphore(0);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workerStopped = lock.newCondition();

    // --- guarded by lock ------------------------------------------------------------------------
    private PoolRequest queueHead;
    private PoolRequest queueTail;
    private int queued;
    private int active;
    private int curThreads;
    private int idleThreads;
    /** Workers owed but not yet started (the backlog). */
    private int newThreads;
    /** Workers started but not yet running their loop. */
    private int pendingThreads;
    private int minThreads;
    private int maxThreads;
    private boolean stopping;
    /** Written under lock, read anywhere (close's wait condition, stats). */
    private volatile long submitted;

    /** Pushed by workers and cancellers (cas), taken whole by the loop (getAndSet). */
    @SuppressWarnings("unused") // accessed through DONE_STACK
    private volatile PoolRequest doneStack;

    // --- loop only (counters volatile for readers elsewhere; the loop is their single writer) ----
    private PoolRequest readyHead;
    private volatile long completed;
    private volatile long cancelledCount;

    ThreadPool(AioContext ctx, ThreadPoolConfig config) {
        this.ctx = ctx;
        this.name = config.name();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.threadFactory = config.threadFactory() != null ? config.threadFactory() : defaultFactory(name);
        this.completionBh = ctx.newBottomHalf(this::deliverCompletions);
        this.spawnBh = ctx.newBottomHalf(this::spawnFromLoop);
        setLimits(config.minThreads(), config.maxThreads());
    }

    private static ThreadFactory defaultFactory(String name) {
        AtomicInteger ids = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-worker-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The context whose loop runs this pool's completions. */
    public AioContext context() {
        return ctx;
    }

    // --- submission -------------------------------------------------------------------------------

    /**
     * Any thread: runs {@code task} on a worker; {@code completion} (may be null) gets its result or
     * {@code -errno} on the loop, {@code -ECANCELED} if cancelled while queued.
     *
     * @throws RejectedExecutionException once the pool is closing
     */
    public PoolRequest submit(BlockingTask task, IntCompletion completion) {
        return enqueue(new PoolRequests.IntRequest(this, Objects.requireNonNull(task, "task"), completion));
    }

    /**
     * Any thread: runs {@code task} on a worker; {@code callback} gets {@code (value, null)} or
     * {@code (null, failure)} on the loop. A request cancelled while queued fails with an
     * {@link ErrnoException} carrying ECANCELED.
     */
    public <T> PoolRequest submit(Callable<? extends T> task, BiConsumer<? super T, ? super Throwable> callback) {
        return enqueue(new PoolRequests.ValueRequest<>(this, Objects.requireNonNull(task, "task"),
                Objects.requireNonNull(callback, "callback")));
    }

    /**
     * Any thread: the await-style form. The future completes on the loop thread, so dependent stages
     * without an executor run there too. Wait for it on the loop with {@link AioContext#await}.
     */
    public <T> CompletableFuture<T> submitAsync(Callable<? extends T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(task, (T v, Throwable t) -> {
            if (t != null) {
                f.completeExceptionally(t);
            } else {
                f.complete(v);
            }
        });
        return f;
    }

    /** Any thread: fire and forget. A failure is logged; the request still completes on the loop. */
    public PoolRequest execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        return enqueue(new PoolRequests.ValueRequest<Object>(this, () -> {
            task.run();
            return null;
        }, null));
    }

    private PoolRequest enqueue(PoolRequest req) {
        lock.lock();
        try {
            if (stopping) {
                throw new RejectedExecutionException("thread pool " + name + " is closed; no new work is accepted");
            }
            // More work than the workers that will take it (idle ones, and ones owed or being born):
            // owe one more. QEMU tests idle_threads == 0 instead, but an idle worker stays counted until
            // it wakes, so a burst submitted faster than it wakes would all queue behind that one worker.
            if (queued + 1 > idleThreads + pendingThreads + newThreads && curThreads < maxThreads) {
                spawnThread();
            }
            req.prev = queueTail;
            if (queueTail == null) {
                queueHead = req;
            } else {
                queueTail.next = req;
            }
            queueTail = req;
            queued++;
            submitted++;
        } finally {
            lock.unlock();
        }
        sem.release();
        return req;
    }

    /**
     * Any thread: cancels {@code req} if no worker has taken it yet. Then it completes with
     * {@code -ECANCELED}, through the completion bottom half like every other outcome, and this returns
     * true. An active or finished request is left alone (it completes normally) and this returns false.
     */
    public boolean cancel(PoolRequest req) {
        if (req.pool != this) {
            throw new IllegalArgumentException("request " + req + " belongs to another pool");
        }
        lock.lock();
        try {
            // Steal the request's permit: if a worker already took it, the request is as good as active.
            if (!req.isQueued() || !sem.tryAcquire()) {
                return false;
            }
            unlink(req);
            cancelQueued(req);
        } finally {
            lock.unlock();
        }
        completionBh.schedule();
        return true;
    }

    /** Under lock: a queued request that will not run completes with -ECANCELED. */
    private void cancelQueued(PoolRequest req) {
        req.cancelled = true;
        req.finish(-Errno.ECANCELED);
        pushDone(req);
    }

    /** Under lock. */
    private void unlink(PoolRequest req) {
        if (req.prev == null) {
            queueHead = req.next;
        } else {
            req.prev.next = req.next;
        }
        if (req.next == null) {
            queueTail = req.prev;
        } else {
            req.next.prev = req.prev;
        }
        req.prev = null;
        req.next = null;
        queued--;
    }

    /** Any thread: push a DONE request for the loop. The cas publishes everything written before it. */
    private void pushDone(PoolRequest req) {
        PoolRequest head;
        do {
            head = (PoolRequest) DONE_STACK.getVolatile(this);
            req.doneNext = head;
        } while (!DONE_STACK.compareAndSet(this, head, req));
    }

    // --- completion (loop) ------------------------------------------------------------------------

    /**
     * Loop only, the completion bottom half: delivers every finished request, oldest first. Before each
     * callback it reschedules itself if more are ready, so a callback that waits on the loop (nested
     * {@link AioContext#runUntil}) delivers them instead of stranding them; the ready list is a field, so
     * the nested run and this one share it and each request is delivered once.
     */
    private void deliverCompletions() {
        for (;;) {
            PoolRequest r = readyHead;
            if (r == null) {
                r = takeDone();
                if (r == null) {
                    return;
                }
            }
            readyHead = r.doneNext;
            r.doneNext = null;
            if (readyHead != null) {
                completionBh.schedule();
            }
            int result = r.resultAfterDone();
            completed++; // single writer: the loop
            if (r.cancelled) {
                cancelledCount++;
            }
            try {
                r.completeOnLoop(result);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "completion callback of " + r + " threw", t);
            }
        }
    }

    /** Loop only: takes the done stack into the ready list in submission-completion order. */
    private PoolRequest takeDone() {
        PoolRequest taken = (PoolRequest) DONE_STACK.getAndSet(this, null);
        PoolRequest reversed = null;
        while (taken != null) {
            PoolRequest next = taken.doneNext;
            taken.doneNext = reversed;
            reversed = taken;
            taken = next;
        }
        readyHead = reversed;
        return reversed;
    }

    // --- workers ----------------------------------------------------------------------------------

    /** Under lock: owe one more worker; have the loop start it unless a newborn worker will. */
    private void spawnThread() {
        curThreads++;
        newThreads++;
        if (pendingThreads == 0) {
            spawnBh.schedule();
        }
    }

    /** Under lock: takes one worker from the backlog; true if the caller must start it. */
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
        lock.lock();
        try {
            start = takeBacklog();
        } finally {
            lock.unlock();
        }
        if (start) {
            startWorker();
        }
    }

    /** Loop or a newborn worker, without the lock (thread creation costs tens of µs). */
    private void startWorker() {
        try {
            threadFactory.newThread(worker).start();
        } catch (Throwable t) {
            lock.lock();
            try {
                pendingThreads--;
                curThreads--;
                workerStopped.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.log(System.Logger.Level.ERROR, "thread pool " + name + " could not start a worker", t);
        }
    }

    /** Under lock, after a wait on the semaphore: whether to wait again instead of acting. */
    private boolean backToSleep(boolean gotPermit) {
        // Timed out: stay, unless stopping, when there is work after all (we raced with the post), the
        // limit just shrank (we raced with that post), or we are one of the minimum threads.
        return !gotPermit && !stopping
                && (queued > 0 || curThreads > maxThreads || curThreads <= minThreads);
    }

    private void workerLoop() {
        boolean startNext;
        lock.lock();
        try {
            pendingThreads--;
            startNext = takeBacklog();
        } finally {
            lock.unlock();
        }
        if (startNext) {
            startWorker();
        }
        lock.lock();
        try {
            while (!stopping) {
                boolean got;
                do {
                    idleThreads++;
                    lock.unlock();
                    try {
                        got = sem.tryAcquire(idleTimeoutNanos, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        got = false; // workers are not interrupted by design; treat as a timeout
                    } finally {
                        lock.lock();
                    }
                    idleThreads--;
                } while (backToSleep(got));
                if (!got || stopping || curThreads > maxThreads) {
                    break;
                }
                PoolRequest req = queueHead;
                if (req == null) {
                    continue; // a permit whose request a cancel removed with another permit
                }
                unlink(req);
                req.markActive();
                active++;
                lock.unlock();
                try {
                    req.finish(req.runOnWorker());
                    pushDone(req);
                    completionBh.schedule();
                } finally {
                    lock.lock();
                }
                active--;
            }
            curThreads--;
            workerStopped.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // --- limits, stats, close -----------------------------------------------------------------------

    /**
     * Any thread: changes the limits. Workers are added (off this thread) until {@code min} exist; above
     * {@code max}, idle workers are woken to exit and busy ones exit after their current request.
     */
    public void setLimits(int min, int max) {
        ThreadPoolConfig.checkLimits(min, max);
        lock.lock();
        try {
            minThreads = min;
            maxThreads = max;
            if (stopping) {
                return;
            }
            for (int i = curThreads; i < minThreads; i++) {
                spawnThread();
            }
            if (curThreads > maxThreads) {
                sem.release(curThreads - maxThreads);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Any thread: a consistent snapshot of the thread counts plus the loop's completion counts. */
    public ThreadPoolStats stats() {
        lock.lock();
        try {
            return new ThreadPoolStats(curThreads, idleThreads, pendingThreads + newThreads, minThreads, maxThreads,
                    queued, active, submitted, completed, cancelledCount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Any thread: refuses new work, completes every queued request with {@code -ECANCELED}, waits for the
     * active ones and for every worker to exit, then runs the loop (nested, if called on it) until every
     * completion has been delivered. Idempotent; a concurrent second call waits the same way.
     */
    @Override
    public void close() {
        boolean cancelledAny = false;
        lock.lock();
        try {
            if (!stopping) {
                stopping = true;
                spawnBh.cancel();
                curThreads -= newThreads;
                newThreads = 0;
                for (PoolRequest r = queueHead; r != null; ) {
                    PoolRequest next = r.next;
                    unlink(r);
                    cancelQueued(r);
                    cancelledAny = true;
                    r = next;
                }
            }
            while (curThreads > 0) {
                sem.release(curThreads);
                workerStopped.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (cancelledAny) {
            completionBh.schedule();
        }
        if (!ctx.isClosed()) {
            ctx.runUntil(() -> completed == submitted);
        }
    }

    @Override
    public String toString() {
        return "ThreadPool[" + name + ", " + stats() + "]";
    }
}
