package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One piece of work submitted to a {@link ThreadPool}. It moves QUEUED -> ACTIVE -> DONE (or
 * QUEUED -> DONE when cancelled); its completion runs once, on the loop. Requests of the value-returning
 * submissions are handed out as cancel handles; the int-completion requests are pooled and recycled after
 * their completion, so they are never handed out: those submissions return a ticket instead
 * ({@link ThreadPool#cancel(long)}).
 *
 * <p>The stamp. State and submission live in one long, {@code (submission << 2) | state}, where the
 * submission is the pool's sequence number of the submit that queued the request ({@link RequestTable}).
 * Every transition out of QUEUED is a cas that names the submission it expects: a worker taking the
 * request ({@link #tryActivate}) and a canceller stealing it ({@link #tryCancel}). A queue or ring cell keeps
 * the submission it was filled for beside the reference, so a stale cell — left behind by a cancel, or read
 * late by a slow worker after the request was recycled and queued again — names an old submission and its
 * cas fails: every submission runs at most once and is cancelled only by its own ticket, with no lock and
 * no unlinking from the middle of a queue.
 *
 * <p>Ordering: the submitter fills the task fields, then stores the QUEUED stamp with release
 * ({@link #queue}); a worker's successful cas (acquire) sees them. The worker writes {@code ret} before it
 * stores DONE with release ({@link #finish}); the loop reads the stamp with acquire before it reads
 * {@code ret} ({@link #resultAfterDone}). The done stack's or done ring's publication carries the same
 * writes again. A canceller writes {@code ret} after its cas and before it publishes the request to the loop.
 * A request starts out DONE, so one that was made or recycled but not yet queued is not QUEUED.
 */
public abstract class PoolRequest {
    /** The lifecycle of a request. */
    public enum State { QUEUED, ACTIVE, DONE }

    static final int QUEUED = 0;
    static final int ACTIVE = 1;
    static final int DONE = 2;
    private static final long STATE_MASK = 3;
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(PoolRequest.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code (submission << 2) | state}; see the class comment. */
    @SuppressWarnings("unused") // accessed through STAMP
    private volatile long stamp = DONE;
    /** Written before DONE (see class comment), read by the loop after it. */
    private int ret;
    /** Set by the canceller that won the cas, before it publishes the request; read by the loop after. */
    boolean cancelled;
    /** Overflow-list links (a queue's slow path): guarded by the list's lock. */
    PoolRequest prev;
    PoolRequest next;
    /** Whether the request is linked in an overflow list: guarded by the list's lock. */
    boolean inOverflow;
    /** Done-stack link (published by the push cas), then ready-list link (loop only). */
    PoolRequest doneNext;

    PoolRequest() {
    }

    /** The submitting thread, before the request is published: the ticket naming this submission. */
    void ticketed(long ticket) {
    }

    /** Worker thread: runs the blocking part; returns bytes/count or -errno. */
    abstract int runOnWorker();

    /** Loop thread: delivers the result (already normalised to >= 0 or -errno). */
    abstract void completeOnLoop(int result);

    /**
     * The submitting thread, before the request is published to any queue: it now carries submission
     * {@code submission}. The release store publishes the task fields written before it (paired with the
     * acquire of {@link #tryActivate}).
     */
    final void queue(long submission) {
        cancelled = false;
        STAMP.setRelease(this, submission << 2 | QUEUED);
    }

    /**
     * Any worker: takes submission {@code submission} if it is still queued. False if it was cancelled, taken
     * already, or the request now carries another submission (a stale cell).
     */
    final boolean tryActivate(long submission) {
        return STAMP.compareAndSet(this, submission << 2 | QUEUED, submission << 2 | ACTIVE);
    }

    /**
     * Any thread: cancels submission {@code submission} if no worker has taken it. The winner owns the
     * request: it must publish it to the loop's done path, which completes it with -ECANCELED.
     */
    final boolean tryCancel(long submission) {
        return tryFail(submission, -Errno.ECANCELED, true);
    }

    /**
     * Any thread: completes submission {@code submission} with {@code errno} without running it, if no worker
     * has taken it (a pool that can start no worker fails what waits with -EAGAIN). As {@link #tryCancel}.
     */
    final boolean tryFail(long submission, int errno, boolean asCancel) {
        if (!STAMP.compareAndSet(this, submission << 2 | QUEUED, submission << 2 | DONE)) {
            return false;
        }
        ret = errno;
        cancelled = asCancel;
        return true;
    }

    /**
     * The submitting loop thread, for a request it completed itself before publishing it anywhere (a task that
     * ran without blocking): submission {@code submission} is DONE with {@code result}. The release store orders
     * ret before the stamp, as {@link #finish} does; the done path publishes both again.
     */
    final void doneWithoutQueueing(long submission, int result) {
        cancelled = false;
        ret = result;
        STAMP.setRelease(this, submission << 2 | DONE);
    }

    /** The worker that activated it: write ret before the DONE stamp, paired with {@link #resultAfterDone()}. */
    final void finish(int result) {
        this.ret = result;
        long s = (long) STAMP.getOpaque(this); // our own ACTIVE stamp: nobody else writes it now
        STAMP.setRelease(this, (s & ~STATE_MASK) | DONE);
    }

    /** Loop: read the stamp before ret, paired with {@link #finish(int)}. */
    final int resultAfterDone() {
        if (((long) STAMP.getAcquire(this) & STATE_MASK) != DONE) {
            throw new IllegalStateException("completion of a request that is not DONE: " + this);
        }
        return ret;
    }

    /** Any thread: whether submission {@code submission} is still waiting for a worker. */
    final boolean isQueued(long submission) {
        return (long) STAMP.getAcquire(this) == (submission << 2 | QUEUED);
    }

    /** Any thread: the submission this request carries now (or carried last). */
    final long submission() {
        return (long) STAMP.getAcquire(this) >>> 2;
    }

    /** Any thread: the current state (racy by nature; for diagnostics and tests). */
    public State state() {
        return stateOf((long) STAMP.getAcquire(this));
    }

    /** Any thread: the state of submission {@code submission}; DONE once the request carries another. */
    final State state(long submission) {
        long s = (long) STAMP.getAcquire(this);
        return s >>> 2 == submission ? stateOf(s) : State.DONE;
    }

    private static State stateOf(long s) {
        return switch ((int) (s & STATE_MASK)) {
            case QUEUED -> State.QUEUED;
            case ACTIVE -> State.ACTIVE;
            default -> State.DONE;
        };
    }
}
