package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one {@link AioContext} (QEMU's timer list): a binary min-heap of {@link LoopTimer}s by
 * deadline that belongs to the loop. In normal operation one Netty scheduled task, armed for the earliest
 * deadline, runs the timers that are due; a nested wait ({@link NestedLoop}), which Netty's scheduled tasks
 * cannot reach, runs them directly ({@link #runDue}) and sleeps no longer than {@link #nextDue}.
 *
 * <p>Threading: {@link #schedule} and {@link LoopTimer#cancel} from any thread, everything else on the loop
 * thread. A timer scheduled on the loop goes straight into the heap. One scheduled elsewhere is pushed on a
 * lock-free stack, and an intake bottom half moves it into the heap: a bottom half rather than a Netty task
 * so that a nested wait on the loop is woken for it and takes it in. A timer cancelled on the loop leaves
 * the heap at once; one cancelled elsewhere goes on a second stack that the intake also empties, so it does
 * not keep its task reachable until its deadline. Either way a cancelled timer still in the heap is skipped.
 *
 * <p>After every timer that runs, {@code afterEach} runs (the context re-checks its waiters), as after every
 * bottom half and task.
 *
 * <p>Allocation: the {@link LoopTimer} per schedule (it is the future), and a Netty scheduled task when the
 * earliest deadline moves ahead of the one armed: no more than a Netty timer per schedule cost before.
 */
final class LoopTimers {
    /** Delays are capped here so that deadlines compare by subtraction (about 73 years). */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;
    private static final VarHandle INCOMING;
    private static final VarHandle CANCELLED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INCOMING = l.findVarHandle(LoopTimers.class, "incoming", LoopTimer.class);
            CANCELLED = l.findVarHandle(LoopTimers.class, "cancelledOffLoop", LoopTimer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScheduledExecutorService loop;
    private final Runnable afterEach;
    private final BottomHalf intakeBh;
    private final Runnable fireTask = this::fire;
    private Thread loopThread;

    // --- any thread ---------------------------------------------------------------------------------
    /** Timers scheduled off the loop, newest first: pushed (cas), taken whole by the intake (getAndSet). */
    @SuppressWarnings("unused") // accessed through INCOMING
    private volatile LoopTimer incoming;
    /** Timers cancelled off the loop, newest first: pushed (cas) by the cancelling thread, taken by the intake. */
    @SuppressWarnings("unused") // accessed through CANCELLED
    private volatile LoopTimer cancelledOffLoop;
    /**
     * Set once the loop thread has ended. A scheduler pushes its timer, then reads this; {@link #terminate}
     * writes this, then takes the stack: so either the terminating thread cancels the timer or the scheduler
     * sees the loop gone and cancels it itself. No timer is left pending forever.
     */
    private volatile boolean terminated;

    // --- loop only ----------------------------------------------------------------------------------
    private LoopTimer[] heap = new LoopTimer[16];
    private int size;
    private long nextSeq;
    /** Netty's scheduled task that will call {@link #fire}, or null; armed for {@link #armedAt}. */
    private ScheduledFuture<?> armed;
    private long armedAt;

    /**
     * @param loop      the Netty loop whose scheduled task drives the heap in normal operation
     * @param bhs       the context's bottom halves, for the intake
     * @param afterEach run on the loop after every timer (the context re-checks its waiters)
     */
    LoopTimers(ScheduledExecutorService loop, BottomHalfScheduler bhs, Runnable afterEach) {
        this.loop = loop;
        this.afterEach = afterEach;
        this.intakeBh = new BottomHalf(bhs, this::intake);
    }

    /** Set once, before any timer can be scheduled. */
    void setLoopThread(Thread t) {
        this.loopThread = t;
    }

    boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    /** Any thread: a timer running {@code task} on the loop once {@code delay} has passed. */
    LoopTimer schedule(Runnable task, long delay, TimeUnit unit) {
        long nanos = Math.clamp(unit.toNanos(delay), 0, MAX_DELAY_NANOS);
        LoopTimer t = new LoopTimer(this, task, System.nanoTime() + nanos);
        if (inLoop()) {
            insert(t);
            if (t.heapIndex == 0) {
                rearm();
            }
            return t;
        }
        LoopTimer head;
        do {
            head = (LoopTimer) INCOMING.getVolatile(this);
            t.nextIncoming = head; // plain, published by the cas
        } while (!INCOMING.compareAndSet(this, head, t));
        intakeBh.schedule();
        if (terminated) { // after the push: see the field
            cancelAbandoned();
        }
        return t;
    }

    /** Any thread, after {@code t} turned CANCELLED: takes it out of the heap, now or at the next intake. */
    void cancelled(LoopTimer t) {
        if (inLoop()) {
            if (t.heapIndex >= 0) {
                removeAt(t.heapIndex); // an armed task left for it finds nothing due and re-arms
            }
            return;
        }
        LoopTimer head;
        do {
            head = (LoopTimer) CANCELLED.getVolatile(this);
            t.nextCancelled = head; // plain, published by the cas
        } while (!CANCELLED.compareAndSet(this, head, t));
        intakeBh.schedule();
    }

    /** Loop only, the intake bottom half: moves timers scheduled elsewhere into the heap, drops cancelled ones. */
    private void intake() {
        LoopTimer taken = (LoopTimer) INCOMING.getAndSet(this, null);
        LoopTimer oldestFirst = null;
        while (taken != null) {
            LoopTimer next = taken.nextIncoming;
            taken.nextIncoming = oldestFirst;
            oldestFirst = taken;
            taken = next;
        }
        while (oldestFirst != null) {
            LoopTimer next = oldestFirst.nextIncoming;
            oldestFirst.nextIncoming = null;
            if (oldestFirst.isPending()) { // a cancel may have come first; it never enters the heap then
                insert(oldestFirst);
            }
            oldestFirst = next;
        }
        for (LoopTimer c = (LoopTimer) CANCELLED.getAndSet(this, null); c != null; ) {
            LoopTimer next = c.nextCancelled;
            c.nextCancelled = null;
            if (c.heapIndex >= 0) {
                removeAt(c.heapIndex);
            }
            c = next;
        }
        rearm();
    }

    /** Loop only, Netty's scheduled task: runs what is due and re-arms for the next. */
    private void fire() {
        armed = null;
        runDue();
    }

    /**
     * Loop only: runs every timer due by now, earliest first, then re-arms Netty's task for the next one.
     * Timers that fall due while these run (a timer that schedules itself with no delay) wait for the next
     * call, so a stream of them cannot hold the loop. Re-entrant: a timer that waits nested runs the rest
     * through a nested call. Returns whether any ran.
     */
    boolean runDue() {
        long now = System.nanoTime();
        boolean ran = false;
        for (LoopTimer t = peekPending(); t != null && t.deadline - now <= 0; t = peekPending()) {
            removeAt(0); // before running it: a nested call must not find it
            if (t.runOnLoop()) {
                ran = true;
                afterEach.run();
            }
        }
        rearm();
        return ran;
    }

    /** Loop only: the earlier of the next timer's deadline and {@code limit} ({@link System#nanoTime()} based). */
    long nextDue(long limit) {
        LoopTimer t = peekPending();
        return t != null && t.deadline - limit < 0 ? t.deadline : limit;
    }

    /**
     * Loop only: makes sure Netty's task will fire no later than the earliest deadline. An armed task that
     * fires early (its timer was cancelled or run by a nested wait) finds nothing due and re-arms; with no
     * timer left it is cancelled, so an idle loop is not woken for nothing.
     */
    private void rearm() {
        LoopTimer top = peekPending();
        if (top == null) {
            if (armed != null) {
                armed.cancel(false);
                armed = null;
            }
            return;
        }
        if (armed != null) {
            if (armedAt - top.deadline <= 0) {
                return;
            }
            armed.cancel(false);
            armed = null;
        }
        try {
            armed = loop.schedule(fireTask, Math.max(0, top.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            armedAt = top.deadline;
        } catch (RejectedExecutionException shuttingDown) {
            // The loop is shutting down: the closing thread cancels what is left once it has ended.
        }
    }

    /** Loop only: the heap's top after dropping cancelled timers from it, or null. */
    private LoopTimer peekPending() {
        while (size > 0 && !heap[0].isPending()) {
            removeAt(0);
        }
        return size > 0 ? heap[0] : null;
    }

    /**
     * The closing thread, once the loop thread has ended (its join orders the loop's heap writes before
     * this): cancels every timer that never ran, so no future of {@link AioContext#schedule} stays pending.
     */
    void terminate() {
        terminated = true; // before taking the stack: see the field
        for (int i = 0; i < size; i++) {
            heap[i].cancelQuietly();
            heap[i].heapIndex = -1;
        }
        Arrays.fill(heap, 0, size, null);
        size = 0;
        cancelAbandoned();
    }

    /** Any thread, once the loop has ended: cancels every timer still in the incoming stack. */
    private void cancelAbandoned() {
        for (LoopTimer t = (LoopTimer) INCOMING.getAndSet(this, null); t != null; t = t.nextIncoming) {
            t.cancelQuietly();
        }
    }

    // --- the heap (loop only) -----------------------------------------------------------------------

    private void insert(LoopTimer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.seq = nextSeq++;
        heap[size] = t;
        t.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    private void removeAt(int i) {
        LoopTimer gone = heap[i];
        gone.heapIndex = -1;
        size--;
        LoopTimer last = heap[size];
        heap[size] = null;
        if (i == size) {
            return;
        }
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        LoopTimer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            LoopTimer p = heap[parent];
            if (!t.before(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        LoopTimer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].before(heap[child])) {
                child = right;
            }
            if (!heap[child].before(t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    /** Loop only: timers in the heap (cancelled ones not yet dropped included); for tests. */
    int size() {
        return size;
    }
}
