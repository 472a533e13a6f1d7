package org.aioemu.engine;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Worker threads that run blocking work for an {@link AioContext} and complete it on the context's
 * loop (QEMU's {@code util/thread-pool.c}, seeds 000, 001 and 004).
 *
 * <p>Threading: submit, cancel, {@link #setLimits}, {@link #stats} and {@link #close} may be called from
 * any thread. Tasks run on workers; every completion callback runs on the loop, exactly once, through one
 * completion bottom half that drains all finished requests in a batch. Workers are never created by a
 * submitting thread: a submit records a backlog and schedules a bottom half that starts one worker on the
 * loop, and each newborn worker starts the next while a backlog remains ({@link Workers}).
 *
 * <p>Allocation: the int-completion submit ({@link #submit(BlockingTask, IntCompletion)}, the I/O path)
 * allocates nothing in steady state. Its requests come from an {@link ObjectPool} (seed 002) and go back
 * to it once their completion has run; the loop thread uses a cache of its own, other submitting threads
 * a thread-local one. Because its request object is then reused, that submit returns a ticket naming the
 * submission rather than the object: {@link #cancel(long)} and {@link #state(long)} with a ticket whose
 * request has since been recycled find a different ticket on it and leave it alone. The value-returning
 * submissions allocate (their callbacks box anyway) and return their request as the handle.
 *
 * <p>Dispatch: {@link ThreadPoolConfig#model} chooses where requests wait — one shared queue
 * ({@link QueueWorkers}) or a ring per worker ({@link RingWorkers}); the hand-off adapts to measured costs
 * either way ({@link HandoffPolicy}). Submitting and taking take no lock ({@link Workers}).
 *
 * <p>Shared state: the queue or rings, the thread counts and the parked workers belong to {@link Workers}.
 * Finished requests travel to the loop on one MPSC done ring ({@link #doneRing}, seed 003), or, should it be
 * full, on a lock-free stack ({@link DoneStack}); the completion bottom half drains both. The ready list
 * and the completed/cancelled counts belong to the loop.
 */
public final class ThreadPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());
    /** Done-ring cells: a burst this deep reaches the loop without touching the fallback stack. */
    static final int DONE_RING_CAPACITY = 1024;

    private final AioContext ctx;
    private final String name;
    private final PoolModel model;
    /** Any thread offers (workers, cancellers), the loop polls. */
    private final MpscRing<PoolRequest> doneRing = new MpscRing<>(DONE_RING_CAPACITY);
    private final BottomHalf completionBh;
    private final Workers workers;
    /** Any thread: slot -> pooled request, for tickets. */
    private final RequestTable table = new RequestTable();
    /** Any thread: the pooled int-completion requests. */
    private final ObjectPool<PoolRequests.IntRequest> requests = new ObjectPool<>(table::newRequest);
    /** Loop only: the loop thread's allocation cache, kept here to skip the thread-local look-up. */
    private final ObjectPool.Cache<PoolRequests.IntRequest> loopCache = requests.newCache();

    /** The done ring's overflow: pushed by workers and cancellers, taken whole by the loop. */
    private final DoneStack doneStack = new DoneStack();

    // --- loop only (counters volatile for readers elsewhere; the loop is their single writer) ----
    private PoolRequest readyHead;
    private volatile long completed;
    private volatile long cancelledCount;
    /** Null when the config turns inline attempts off. */
    private final InlineAttempts inline;
    private volatile long ranInline;

    ThreadPool(AioContext ctx, ThreadPoolConfig config) {
        this.ctx = ctx;
        this.name = config.name();
        this.model = config.model();
        this.completionBh = ctx.newBottomHalf(this::deliverCompletions);
        this.inline = config.inlineAttempts() ? new InlineAttempts() : null;
        this.workers = config.model() == PoolModel.RINGS
                ? new RingWorkers(ctx, config, this::pushDone)
                : new QueueWorkers(ctx, config, this::pushDone);
        setLimits(config.minThreads(), config.maxThreads());
    }

    /** How this pool hands requests to its workers. */
    public PoolModel model() {
        return model;
    }

    /**
     * Any thread: what waking a parked thread has cost on this host lately, as this pool measured it on its own
     * workers (0 before any was measured): the price a waiter saves by spinning instead of parking.
     */
    public long wakeupNanos() {
        return workers.policy.wakeNanos();
    }

    /** The context whose loop runs this pool's completions. */
    public AioContext context() {
        return ctx;
    }

    // --- submission -------------------------------------------------------------------------------

    /**
     * Any thread: runs {@code task} on a worker; {@code completion} (may be null) gets its result or
     * {@code -errno} on the loop, {@code -ECANCELED} if cancelled while queued. Allocates nothing.
     *
     * <p>The ticket is also handed to {@link BlockingTask#queued} before any worker can run the task, so a
     * task that keeps its own ticket never stores a stale one (a late store from the submitting thread could
     * otherwise overwrite the ticket of a resubmission made by the completion meanwhile).
     *
     * @return the submission's ticket, for {@link #cancel(long)} and {@link #state(long)}; never negative
     * @throws RejectedExecutionException once the pool is closing
     */
    public long submit(BlockingTask task, IntCompletion completion) {
        Objects.requireNonNull(task, "task");
        boolean onLoop = ctx.inLoop();
        PoolRequests.IntRequest req = onLoop ? requests.allocate(loopCache) : requests.allocate();
        req.prepare(task, completion);
        try {
            if (onLoop && inline != null && task.mayCompleteWithoutBlocking()) {
                long ticket = tryInline(req, task);
                if (ticket >= 0) {
                    return ticket;
                }
            }
            return workers.enqueue(req, req.slot);
        } catch (RuntimeException e) {
            req.clear();
            requests.release(req);
            throw e;
        }
    }

    /**
     * Loop only: runs {@code task}'s non-blocking form if {@link InlineAttempts} says it pays, and on success
     * completes {@code req} through the done path (its completion still runs later, from the completion bottom
     * half, never inside submit). Returns the ticket, or -1 if the task must go to a worker.
     */
    private long tryInline(PoolRequests.IntRequest req, BlockingTask task) {
        if (!inline.shouldTry(workers.submitted() - completed, workers.policy.wakeNanos())) {
            return -1;
        }
        workers.checkOpen(); // a closing pool refuses the work before anything is done, as enqueue would
        boolean timed = inline.timeNext();
        long start = timed ? System.nanoTime() : 0;
        int r = task.tryWithoutBlocking();
        if (r == BlockingTask.WOULD_BLOCK) {
            inline.missed();
            return -1;
        }
        inline.hit(timed ? System.nanoTime() - start : -1);
        ranInline++; // single writer: the loop
        return workers.completeWithoutQueueing(req, req.slot, PoolRequests.IntRequest.normalise(r));
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

    private PoolRequest enqueue(PoolRequests.ValueRequest<?> req) {
        workers.enqueue(req, 0); // not in the table: its handle is the request itself
        return req;
    }

    /**
     * Any thread: cancels submission {@code ticket} if no worker has taken it yet. Then it completes with
     * {@code -ECANCELED}, through the completion bottom half like every other outcome, and this returns
     * true. An active or finished submission is left alone (it completes normally) and this returns
     * false — also when its request has been recycled for a later submission.
     */
    public boolean cancel(long ticket) {
        PoolRequest req = table.lookup(ticket);
        // The request may carry a later submission by now: the cas names this ticket's, and fails then.
        return req != null && workers.cancel(req, RequestTable.submissionOf(ticket));
    }

    /**
     * Any thread: as {@link #cancel(long)}, for a request returned by the value-returning submissions.
     *
     * @throws IllegalArgumentException if {@code req} was not submitted to this pool
     */
    public boolean cancel(PoolRequest req) {
        if (!(req instanceof PoolRequests.ValueRequest<?> v) || v.pool != this) {
            throw new IllegalArgumentException("request " + req + " was not returned by this pool");
        }
        return workers.cancel(req, req.submission()); // a value request carries one submission only
    }

    /**
     * Any thread: where submission {@code ticket} is (racy by nature; for diagnostics and tests). DONE
     * once its request has finished, whether or not the completion has run, and for any ticket this pool
     * did not issue.
     */
    public PoolRequest.State state(long ticket) {
        PoolRequest req = table.lookup(ticket);
        return req == null ? PoolRequest.State.DONE : req.state(RequestTable.submissionOf(ticket));
    }

    /**
     * Any thread, the workers' and cancellers' sink: hands a DONE request to the loop and schedules the
     * completion bottom half. The ring's release store (or the stack's cas) publishes what was written before
     * it (the result, and the stamp). The bottom half is looked at before it is scheduled: while it is
     * already pending, its run has not yet drained, so it will see this request, and the push costs no cas
     * on the bottom half's flag.
     */
    private void pushDone(PoolRequest req) {
        if (doneRing.offer(req)) {
            // The ring publishes with a release store; the fence orders it before the read of the flag
            // below (store then load: the loop clears the flag, then reads the ring).
            VarHandle.fullFence();
        } else {
            doneStack.push(req); // its cas publishes as the ring's release store does
        }
        if (!completionBh.isScheduled()) {
            completionBh.schedule();
        }
    }

    // --- completion (loop) ------------------------------------------------------------------------

    /**
     * Loop only, the completion bottom half: delivers the finished requests, oldest first — what the ready list
     * holds and one take of the done ring and stack, no more. Requests finished meanwhile reschedule it (their
     * push does) and wait for the next round of bottom halves: completions that resubmit work the loop finishes
     * at once ({@link BlockingTask#tryWithoutBlocking}) would otherwise keep one run going for ever and starve
     * the loop's timers, tasks and I/O. Before each callback it reschedules itself if more are ready, so a
     * callback that waits on the loop (nested {@link AioContext#runUntil}) delivers them instead of stranding
     * them; the ready list is a field, so the nested run and this one share it and each request is delivered
     * once. A pooled request goes back to the object pool after its callback, so a callback still sees its
     * own request untouched.
     */
    private void deliverCompletions() {
        boolean took = false;
        for (;;) {
            PoolRequest r = readyHead;
            if (r == null) {
                if (took) {
                    return;
                }
                took = true;
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
            if (r instanceof PoolRequests.IntRequest ir) {
                ir.clear();
                requests.release(ir); // if the release list is full it is dropped; its table slot frees after GC
            }
        }
    }

    /**
     * Loop only: the next finished requests into the ready list: what the done ring holds now (up to a lap,
     * oldest first), then the whole fallback stack, reversed to the order it was pushed in.
     */
    private PoolRequest takeDone() {
        PoolRequest first = doneRing.poll();
        if (first != null) {
            PoolRequest last = first;
            for (int n = 1; n < DONE_RING_CAPACITY; n++) {
                PoolRequest r = doneRing.poll();
                if (r == null) {
                    break;
                }
                last.doneNext = r;
                last = r;
            }
            last.doneNext = doneStack.takeAll(); // the stack's, behind: so a busy ring cannot starve them
            readyHead = first;
            return first;
        }
        readyHead = doneStack.takeAll();
        return readyHead;
    }

    // --- limits, stats, close -----------------------------------------------------------------------

    /**
     * Any thread: changes the limits. Workers are added (off this thread) until {@code min} exist; above
     * {@code max}, idle workers are woken to exit and busy ones exit after their current request.
     */
    public void setLimits(int min, int max) {
        ThreadPoolConfig.checkLimits(min, max);
        workers.setLimits(min, max);
    }

    /** Any thread: a consistent snapshot of the thread counts plus the loop's completion counts. */
    public ThreadPoolStats stats() {
        return workers.stats(completed, cancelledCount, ranInline);
    }

    /**
     * Any thread: refuses new work, completes every queued request with {@code -ECANCELED}, waits for the
     * active ones and for every worker to exit, then runs the loop (nested, if called on it) until every
     * completion has been delivered. Idempotent; a concurrent second call waits the same way.
     */
    @Override
    public void close() {
        workers.stop();
        if (!ctx.isClosed()) {
            ctx.runUntil(() -> completed == workers.submitted());
        }
    }

    /** Any thread: see {@link Workers#pollHintNanos}. */
    long pollHintNanos() {
        return workers.pollHintNanos();
    }

    /** Loop only, from a nested wait: runs the stall check if due; when it is next due (Long.MAX_VALUE: not armed). */
    long nestedTick(long now) {
        return workers.nestedTick(now);
    }

    /** Any thread: throws IllegalStateException if the caller is one of this pool's workers. */
    void checkNotOwnWorker(String what) {
        workers.threads().checkNotOwnWorker(what);
    }

    /** Tests: the dispatch model's workers. */
    Workers workers() {
        return workers;
    }

    /** Tests: the request pool and its ticket table. */
    ObjectPool<PoolRequests.IntRequest> requestPool() {
        return requests;
    }

    RequestTable requestTable() {
        return table;
    }

    /** Any thread; the inline figures are the loop's, read racily (diagnostics). */
    @Override
    public String toString() {
        return "ThreadPool[" + name + ", " + model.cliName() + ", " + stats() + ", " + workers.policy
                + (inline != null ? ", " + inline : "") + "]";
    }
}
