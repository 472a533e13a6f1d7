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
 * <p>Ownership: entering and leaving QUEUED happens under the pool's lock (a submit queuing it, a worker
 * taking it, or a cancel stealing it). After ACTIVE only the worker writes it, until it publishes DONE.
 * The worker writes {@code ret} before it stores DONE with release semantics; the loop reads the state
 * with acquire semantics before it reads {@code ret}. The done stack's cas publishes the same writes
 * again. A request starts out DONE, so one that was made or recycled but not yet queued is not QUEUED.
 */
public abstract class PoolRequest {
    /** The lifecycle of a request. */
    public enum State { QUEUED, ACTIVE, DONE }

    private static final int QUEUED = 0;
    private static final int ACTIVE = 1;
    private static final int DONE = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PoolRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** Written before DONE (see class comment), read by the loop after it. */
    private int ret;
    /** Set with ret by a successful cancel and cleared when queued, under the pool lock; read by the loop after DONE. */
    boolean cancelled;
    /**
     * Which submission this request currently carries ({@link RequestTable#ticket}): written when it is
     * queued and compared by cancel, both under the pool lock.
     */
    long ticket;

    /** Request-queue links: guarded by the pool's lock. */
    PoolRequest prev;
    PoolRequest next;
    /** Done-stack link (published by the push cas), then ready-list link (loop only). */
    PoolRequest doneNext;

    PoolRequest() {
        STATE.setRelease(this, DONE); // not QUEUED until a submit queues it
    }

    /** Worker thread: runs the blocking part; returns bytes/count or -errno. */
    abstract int runOnWorker();

    /** Loop thread: delivers the result (already normalised to >= 0 or -errno). */
    abstract void completeOnLoop(int result);

    /** Any thread: the current state (racy by nature; for diagnostics and tests). */
    public State state() {
        return switch ((int) STATE.getAcquire(this)) {
            case QUEUED -> State.QUEUED;
            case ACTIVE -> State.ACTIVE;
            default -> State.DONE;
        };
    }

    boolean isQueued() {
        return (int) STATE.getAcquire(this) == QUEUED;
    }

    /** Under the pool lock: a submit queues it (again, for a recycled request). */
    void markQueued() {
        cancelled = false;
        STATE.setRelease(this, QUEUED);
    }

    /** Under the pool lock: a worker takes it. */
    void markActive() {
        STATE.setRelease(this, ACTIVE);
    }

    /** Worker (or canceller under the lock): write ret before state, paired with {@link #resultAfterDone()}. */
    void finish(int result) {
        this.ret = result;
        STATE.setRelease(this, DONE);
    }

    /** Loop: read state before ret, paired with {@link #finish(int)}. */
    int resultAfterDone() {
        if ((int) STATE.getAcquire(this) != DONE) {
            throw new IllegalStateException("completion of a request that is not DONE: " + this);
        }
        return ret;
    }
}
