package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One timer of a {@link LoopTimers} list, and the future {@link AioContext#schedule} hands out for it.
 *
 * <p>Threading: made by any thread; run only on the loop; cancelled, polled and waited on from any thread.
 * The state moves PENDING → RUNNING → DONE or FAILED on the loop, or PENDING → CANCELLED on any thread;
 * both ways out of PENDING are a cas, so a timer either runs or is cancelled, never both. The heap position
 * and the sequence number belong to the loop.
 */
final class LoopTimer implements ScheduledFuture<Object> {
    private static final System.Logger LOG = System.getLogger(LoopTimer.class.getName());
    private static final VarHandle STATE;
    private static final VarHandle WAITED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(LoopTimer.class, "state", int.class);
            WAITED = l.findVarHandle(LoopTimer.class, "waited", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int PENDING = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int FAILED = 3;
    static final int CANCELLED = 4;

    final LoopTimers owner;
    final Runnable task;
    /** The {@link System#nanoTime()} instant it falls due. */
    final long deadline;

    // --- loop only ----------------------------------------------------------------------------------
    /**
     * Order among equal deadlines: the one that entered the heap first runs first. Also read, racily, by
     * {@link #compareTo} on other threads, where it only breaks ties.
     */
    long seq;
    /** Position in the owner's heap; -1 while not in it. */
    int heapIndex = -1;

    /** Link in the owner's stack of timers scheduled off the loop; written before the cas that publishes it. */
    LoopTimer nextIncoming;
    /** Link in the owner's stack of timers cancelled off the loop; written before the cas that publishes it. */
    LoopTimer nextCancelled;

    /**
     * What the task threw. Written on the loop before the volatile store of FAILED in {@link #finish}; read
     * by {@link #get} only after it has read FAILED (volatile), so the write is visible there.
     */
    private Throwable failure;

    /** PENDING, RUNNING, DONE, FAILED or CANCELLED; see the class comment. */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * True once a thread waits in {@link #get}. The waiter stores it (volatile) and then re-reads the
     * state; {@link #finish} stores the final state (volatile) and then reads this: one of the two sees
     * the other, so either the waiter does not sleep or the finisher wakes it. Until anyone waits, finishing
     * takes no monitor.
     */
    @SuppressWarnings("unused") // accessed through WAITED
    private volatile boolean waited;

    LoopTimer(LoopTimers owner, Runnable task, long deadline) {
        this.owner = owner;
        this.task = task;
        this.deadline = deadline;
    }

    /** Whether this falls due before {@code other} (ties broken by the order they entered the heap). */
    boolean before(LoopTimer other) {
        long d = deadline - other.deadline;
        return d < 0 || (d == 0 && seq < other.seq);
    }

    boolean isPending() {
        return (int) STATE.getVolatile(this) == PENDING;
    }

    /** Loop only: runs the task unless it was cancelled first; returns whether it ran. Never throws. */
    boolean runOnLoop() {
        if (!STATE.compareAndSet(this, PENDING, RUNNING)) {
            return false; // cancelled from another thread, and still in the heap
        }
        try {
            task.run();
        } catch (Throwable t) {
            failure = t; // published by finish's volatile store
            LOG.log(System.Logger.Level.ERROR, "timer " + task + " threw", t);
            finish(FAILED);
            return true;
        }
        finish(DONE);
        return true;
    }

    /**
     * Any thread: cancels the timer if it has not started. A timer cancelled on the loop leaves the heap at
     * once; from elsewhere the loop drops it at its next intake (see {@link LoopTimers}).
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!cancelQuietly()) {
            return false;
        }
        owner.cancelled(this);
        return true;
    }

    /** Any thread: PENDING → CANCELLED, waking any waiter, without telling the owner. */
    boolean cancelQuietly() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        signal();
        return true;
    }

    private void finish(int outcome) {
        STATE.setVolatile(this, outcome);
        signal();
    }

    /** After the final state is stored: wakes waiters, if any (see {@link #waited}). */
    private void signal() {
        if ((boolean) WAITED.getVolatile(this)) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return (int) STATE.getVolatile(this) == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return (int) STATE.getVolatile(this) >= DONE;
    }

    /** Any thread but the loop (which alone could run it): waits until it has run or was cancelled. */
    @Override
    public Object get() throws InterruptedException, ExecutionException {
        awaitDone(Long.MAX_VALUE);
        return outcome();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long nanos = unit.toNanos(timeout);
        if (!awaitDone(nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : System.nanoTime() + nanos)) {
            throw new TimeoutException("timer not run after " + timeout + " " + unit);
        }
        return outcome();
    }

    private boolean awaitDone(long deadlineNanos) throws InterruptedException {
        if (isDone()) {
            return true;
        }
        if (owner.inLoop()) {
            throw new IllegalStateException("waiting on the loop thread for a timer that only it can run");
        }
        synchronized (this) {
            WAITED.setVolatile(this, true); // before re-reading the state: see the field
            while (!isDone()) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    wait();
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
        return true;
    }

    private Object outcome() throws ExecutionException {
        int s = (int) STATE.getVolatile(this); // FAILED read here makes the failure written before it visible
        if (s == CANCELLED) {
            throw new CancellationException("timer cancelled");
        }
        if (s == FAILED) {
            throw new ExecutionException(failure);
        }
        return null;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
        if (o == this) {
            return 0;
        }
        if (o instanceof LoopTimer t) {
            return before(t) ? -1 : t.before(this) ? 1 : 0;
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public String toString() {
        String[] names = {"pending", "running", "done", "failed", "cancelled"};
        return "LoopTimer[" + task + ", " + names[(int) STATE.getVolatile(this)] + ", due in "
                + getDelay(TimeUnit.MICROSECONDS) + " µs]";
    }
}
