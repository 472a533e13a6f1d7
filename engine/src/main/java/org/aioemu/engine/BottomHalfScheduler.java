package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The bottom halves of one {@link AioContext}: a lock-free stack that any thread pushes onto, and a
 * FIFO ready list that only the loop touches.
 *
 * <p>Threading: {@link #push} from any thread; everything else on the loop thread. A push that finds
 * the stack empty hands one preallocated drain task to the loop's executor, unless the loop itself is
 * pushing while it drains (the drain loop re-reads the stack before it stops), so a burst of schedules
 * costs one task and at most one wake-up. A loop thread asleep in a nested wait ({@link NestedLoop}) is
 * woken directly, through the waker it publishes ({@link #setNestedWaker}), since the executor's tasks do
 * not run while it waits.
 *
 * <p>The ready list is a field rather than a local batch so that a bottom half which waits for another
 * one (a nested {@link AioContext#runUntil}) can run the rest of the batch itself.
 */
final class BottomHalfScheduler {
    private static final System.Logger LOG = System.getLogger(BottomHalfScheduler.class.getName());
    private static final VarHandle STACK;
    private static final VarHandle WAKER;
    private static final VarHandle DRAIN_QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STACK = l.findVarHandle(BottomHalfScheduler.class, "stack", BottomHalf.class);
            WAKER = l.findVarHandle(BottomHalfScheduler.class, "nestedWaker", Runnable.class);
            DRAIN_QUEUED = l.findVarHandle(BottomHalfScheduler.class, "drainQueued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor loopExecutor;
    private final Runnable drainTask = this::drain;
    private final Runnable afterEach;
    private Thread loopThread;

    /** Pushed by any thread (cas), taken whole by the loop (getAndSet). Newest first. */
    @SuppressWarnings("unused") // accessed through STACK
    private volatile BottomHalf stack;

    /**
     * How to wake the loop thread while it sleeps in a nested wait (unpark it, or wake the transport it
     * blocks in), else null. The nested wait stores it (volatile) before it re-reads {@link #stack} and
     * sleeps; a pusher reads it (volatile) after its cas on the stack (see {@link #push}). Store-then-load
     * on both sides, so either the loop sees the push and does not sleep, or the pusher sees the waker and
     * runs it. Outside nested waits it is null, and a push pays one volatile read for it.
     */
    @SuppressWarnings("unused") // accessed through WAKER
    private volatile Runnable nestedWaker;

    /**
     * 1 while the drain task sits in the loop's task queue, not yet started: a hand-off finds it 1 and leaves it
     * there (cas 0 -> 1 by whoever hands it over; cleared, volatile, by the drain as it starts, before it takes the
     * stack). Without it, a worker pushing onto the stack just emptied by a running drain and that drain itself,
     * seeing the push, each queued one: duplicates piled up in Netty's queue faster than they ran, and the queue
     * grew a new 4 KiB chunk every 1024 of them — garbage on the loop in a hot path that must make none. Either
     * the pusher's cas or the drain's final look at the stack queues the next drain, so no push is left behind.
     */
    @SuppressWarnings("unused") // accessed through DRAIN_QUEUED
    private volatile int drainQueued;

    /**
     * Set (volatile) by the closing thread just before the loop is asked to shut down; read by every
     * hand-off. Netty's shutting-down loop runs its task queue until it finds it empty, so a thread that
     * kept scheduling through the close would keep it non-empty and the close would never end. After
     * this flag, a hand-off from another thread is dropped as one after the loop's end is: the pools are
     * closed by then, so no completion is owed through it. The loop's own hand-offs still go: a task
     * queued before the close may run in the loop's last turns and owe a completion through a bottom half
     * (a block request refused because its backend closed completes that way), and those turns are finite
     * (Netty bounds the shutdown, and the loop schedules only while it runs such tasks).
     */
    private volatile boolean ending;

    // --- loop only --------------------------------------------------------------------------------
    private BottomHalf readyHead;
    /** Depth of drains in progress on the loop (nested waits drain too). */
    private int draining;

    /**
     * @param loopExecutor where the drain task goes when the stack turns non-empty
     * @param afterEach    run on the loop after every bottom half (the context re-checks its waiters)
     */
    BottomHalfScheduler(Executor loopExecutor, Runnable afterEach) {
        this.loopExecutor = loopExecutor;
        this.afterEach = afterEach;
    }

    /** Set once, before any bottom half can be scheduled. */
    void setLoopThread(Thread loopThread) {
        this.loopThread = loopThread;
    }

    /** Any thread: links {@code bh}, which the caller has just marked queued. */
    void push(BottomHalf bh) {
        BottomHalf head;
        do {
            head = (BottomHalf) STACK.getVolatile(this);
            bh.next = head; // plain write, published by the cas below
        } while (!STACK.compareAndSet(this, head, bh));
        Runnable waker = (Runnable) WAKER.getVolatile(this); // after the cas: see nestedWaker
        if (waker != null) {
            waker.run();
        }
        if (head == null && !(Thread.currentThread() == loopThread && draining > 0)) {
            handToLoop();
        }
    }

    /**
     * Any thread: gives the drain task to the loop. Once the loop has shut down it refuses tasks; then
     * the bottom half is dropped rather than the refusal thrown into the scheduling thread (a pool worker
     * finishing late, say): the context is closed and nothing can run it any more. It stays linked, so
     * later schedules find the stack non-empty and do not even ask.
     */
    private void handToLoop() {
        if (!DRAIN_QUEUED.compareAndSet(this, 0, 1)) {
            return; // one is queued and has not started: it will take this push
        }
        if (ending && Thread.currentThread() != loopThread) {
            LOG.log(System.Logger.Level.DEBUG, "bottom half scheduled while its loop shuts down; dropped");
            return;
        }
        try {
            loopExecutor.execute(drainTask);
        } catch (RejectedExecutionException loopGone) {
            LOG.log(System.Logger.Level.DEBUG, "bottom half scheduled after its loop shut down; dropped");
        }
    }

    /**
     * Loop only, the executor task: runs the bottom halves scheduled so far — the ready list and one
     * take of the stack — then returns to the event loop, handing itself back to the executor if more
     * were scheduled meanwhile. One round per task keeps a stream of self-rescheduling bottom halves
     * (fast completions that resubmit) from starving the loop's timers and tasks, as QEMU's
     * {@code aio_bh_poll} runs only what was scheduled when it started.
     */
    void drain() {
        DRAIN_QUEUED.setVolatile(this, 0); // before the round takes the stack: a later push queues the next drain
        runRound();
        if (hasPending()) {
            handToLoop(); // in-loop pushes during the round skipped this
        }
    }

    /**
     * Loop only: runs the bottom halves scheduled so far — the ready list and one take of the stack — as
     * {@link #drain} does, for a nested wait that checks its condition between rounds. Returns whether any
     * callback ran. Re-entrant: a callback may call it again (through a nested wait) and the outer call goes
     * on with whatever is left.
     */
    boolean runRound() {
        boolean ran = false;
        boolean took = false;
        draining++;
        try {
            for (;;) {
                if (readyHead == null) {
                    if (took) {
                        break;
                    }
                    if (!takeStack()) {
                        break;
                    }
                    took = true;
                }
                BottomHalf bh = readyHead;
                readyHead = bh.next;
                bh.next = null;
                // Unlink before taking the flag: a schedule() racing with us either sets the flag before
                // our getAndSet (and is served by this run) or finds queued == 0 and links it again.
                bh.svQueuedClear();
                if (bh.takeScheduled()) {
                    ran = true;
                    try {
                        bh.callback.run();
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.ERROR, "bottom half " + bh.callback + " threw", t);
                    }
                    afterEach.run();
                }
            }
        } finally {
            draining--;
        }
        return ran;
    }

    /**
     * Any thread, once, by the close: from now on no drain task is handed to the loop (see
     * {@link #ending}). Pushes racing with this call may still hand one each; that is finite.
     */
    void stopHandOffs() {
        ending = true;
    }

    /** Loop only: whether a bottom half is linked (it may still turn out cancelled). */
    boolean hasPending() {
        return readyHead != null || STACK.getVolatile(this) != null;
    }

    /**
     * Loop only, by a nested wait about to sleep: publishes how to wake it (null when it is awake again).
     * Volatile store; the wait must re-check {@link #hasPending} after publishing a waker and before it
     * sleeps (see {@link #nestedWaker}).
     */
    void setNestedWaker(Runnable waker) {
        WAKER.setVolatile(this, waker);
    }

    /** Loop only: moves the whole stack, reversed to FIFO, into the empty ready list; false if it was empty. */
    private boolean takeStack() {
        BottomHalf taken = (BottomHalf) STACK.getAndSet(this, null);
        if (taken == null) {
            return false;
        }
        BottomHalf reversed = null;
        while (taken != null) {
            BottomHalf next = taken.next;
            taken.next = reversed;
            reversed = taken;
            taken = next;
        }
        readyHead = reversed;
        return true;
    }
}
