package org.aioemu.engine;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The transport's {@link IoHandler} (io_uring, epoll or NIO) behind an adaptive poller: when the loop has
 * run out of work and may block, it first polls for up to {@link AdaptivePoll#windowNs()} — the loop's task
 * queue and due timers on every turn, and, once a handle is registered, the transport without blocking
 * every {@link #TRANSPORT_POLL_INTERVAL_NS} — and blocks through the transport only if nothing came.
 * Allocation-free while no handle is registered (Netty's io_uring run allocates a little per call, hence
 * the interval). Everything else is the transport's.
 *
 * <p>Threading: as for every {@code IoHandler}, everything but {@link #wakeup()} runs on the loop thread.
 *
 * <p>Wake-ups: Netty wakes the handler for every task handed to the loop from another thread (a drain of
 * bottom halves after a worker completes, an {@link AioContext#execute}). For io_uring that is an eventfd
 * write, a completion to reap and a read to re-arm even while the loop is not blocked. This handler passes
 * a wake-up on only while the loop may be blocked ({@link #awake} is 0). That is safe because every task
 * reaches the loop's queue before its wake-up is asked for, and the transport looks at that queue
 * ({@code IoHandlerContext.canBlock()}) after {@link #run} clears {@code awake} and before it blocks: see
 * the field.
 *
 * <p>Nested waits: a callback that waits on the loop ({@link NestedLoop}) reaps and blocks in the transport
 * through {@link #runNested} with a context of its own, and is woken through {@link #wakeupNested}, which
 * bypasses {@link #awake}: the outer loop is running that callback, not blocking, and its task-queue
 * wake-ups must not disturb the nested wait (it does not run tasks). {@link #mayRunNested} says when that
 * is allowed.
 */
final class PollingIoHandler implements IoHandler {
    private static final VarHandle AWAKE;
    /** This handler's methods that call into the transport, whose run must not be entered again from inside. */
    private static final Set<String> TRANSPORT_CALLS = Set.of("run", "runNested", "prepareToDestroy", "destroy");
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    static {
        try {
            AWAKE = MethodHandles.lookup().findVarHandle(PollingIoHandler.class, "awake", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * How often a poll asks the transport for completions. Each ask is a syscall (io_uring_enter,
     * epoll_wait, select) and, for io_uring, a small allocation inside Netty (asked on every turn, that
     * was ~2.4 KB per depth-1 pool round trip); the task queue is checked in between, which costs a few
     * volatile loads. Short against the completion latency of anything the transport carries.
     */
    static final long TRANSPORT_POLL_INTERVAL_NS = 2_000;

    private final IoHandler transport;
    private final AdaptivePoll poll;
    /** How much of its core the loop's work takes (its waits are timed here). */
    private final LoopLoad load = new LoopLoad();
    /**
     * The context's hint (set once, before the loop runs pools): how long a completion from a busy thread pool
     * worker may take to come, 0 when none is expected. A loop that knows a fast request is running on a
     * worker polls that long even where its adaptive window is shorter: blocking would make the completion
     * wait for a wake-up of the loop. Volatile: set by the constructing thread, read by the loop.
     */
    private volatile java.util.function.LongSupplier pollHint;
    /**
     * Loop only: whether any handle was ever registered with the transport. Until one is, the transport
     * has nothing to report but its own wake-up, so polls only look at the task queue and timers.
     */
    private boolean hasRegistrations;
    /**
     * Loop only: the registrations of Netty channels (their handles are a {@code Channel.Unsafe}), made
     * on first use; pruned of cancelled ones when a nested wait asks. While one is live, nested waits leave
     * the transport alone: reaping would run channel I/O inside the waiting callback.
     */
    private List<IoRegistration> channels;
    /** Loop only: set once {@link #destroy} begins; the transport must not be run after it. */
    private boolean destroyed;
    /** The loop's context with blocking forbidden, for polling the transport. Loop only. */
    private final NonBlocking nonBlocking = new NonBlocking();
    /** The most a precise timer polls for (see {@link #enablePreciseTimers}): beyond that, blocking is cheaper. */
    static final long MAX_TIMER_SLACK_NS = 500_000;
    /** Whether timers are waited for precisely (see the comment above {@link #run}'s tail). */
    private final boolean preciseTimers;
    /**
     * Loop only, precise timers: how late a timed blocking wait may wake, as a decaying maximum of the lateness
     * seen — each sample raises it to itself, and it loses 1/64 per sample otherwise. Not a median or a mean:
     * wake-ups here are bimodal (a few µs while the vCPU is awake, 100 µs and more once it has halted in an idle
     * pause), and the slow mode is exactly the one a replay after a pause meets, so the recent worst case is
     * what the loop must wake early by. Capped at {@link #MAX_TIMER_SLACK_NS}.
     */
    private long timerSlack;
    /** The loop's context with its timer deadline moved earlier by the learnt overshoot. Loop only. */
    private final EarlyWake earlyWake = new EarlyWake();

    /**
     * 1 unless the loop is in (or about to enter) the transport's blocking wait. The loop clears it
     * (volatile store) before the blocking call, whose {@code canBlock()} then reads the task queue, and
     * sets it again (release) when the call returns. A waker enqueues its task (a cas on the queue) and
     * then reads this (volatile). Both pairs are store-then-load on volatiles, so either the waker reads
     * 0 and wakes the transport, or the loop's queue check sees the task and does not block. A stale 0
     * only costs a wake-up that was not needed.
     */
    @SuppressWarnings("unused") // accessed through AWAKE
    private volatile int awake = 1;

    /** @param preciseTimers poll up to each timer's deadline (see the comment above {@link #run}'s tail) */
    PollingIoHandler(IoHandler transport, AdaptivePoll poll, boolean preciseTimers) {
        this.transport = transport;
        this.poll = poll;
        this.preciseTimers = preciseTimers;
    }

    /**
     * A factory making one polling handler around each handler {@code transport} makes, handing each to
     * {@code made} (Netty makes it in the loop's constructor, on the thread building the group).
     */
    static IoHandlerFactory factory(IoHandlerFactory transport, AdaptivePoll poll, boolean preciseTimers,
                                    Consumer<PollingIoHandler> made) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                PollingIoHandler h = new PollingIoHandler(transport.newHandler(executor), poll, preciseTimers);
                made.accept(h);
                return h;
            }

            @Override
            public boolean isChangingThreadSupported() {
                return transport.isChangingThreadSupported();
            }
        };
    }

    /** Loop only: one round of I/O; polls and then blocks when the loop has nothing else to do. */
    @Override
    public int run(IoHandlerContext context) {
        if (!context.canBlock()) {
            return transport.run(context); // work is waiting: just reap what is ready
        }
        long start = System.nanoTime();
        load.waitBegins(start);
        try {
            return waitForWork(context, start);
        } finally {
            load.waitEnded(System.nanoTime());
        }
    }

    /** Any thread: the loop's own work, in thousandths of its core (see {@link LoopLoad}). */
    int loopWorkPermille() {
        return load.workPermille();
    }

    /** Loop only: {@link #run} once the loop has nothing else to do: polls, then blocks. */
    private int waitForWork(IoHandlerContext context, long start) {
        long window = poll.windowNs();
        java.util.function.LongSupplier hint = pollHint;
        if (hint != null) {
            long h = hint.getAsLong();
            // Negative: every core is taken by busy pool workers, so a poll would only take a core from them.
            window = h < 0 ? 0 : Math.max(window, h);
        }
        long slack = 0;
        boolean spinForTimer = false;
        if (preciseTimers && context.deadlineNanos() != -1) {
            // Precise timers: a timer due within what a blocking wait overshoots by is waited for by polling.
            slack = timerSlack;
            long untilTimer = context.delayNanos(start);
            if (untilTimer <= slack && untilTimer > window) {
                window = untilTimer;
                spinForTimer = true;
            }
        }
        if (window > 0) {
            nonBlocking.loop = context;
            long deadline = start + window;
            long nextTransportPoll = start;
            long now = start;
            do {
                int handled = 0;
                if (hasRegistrations && now - nextTransportPoll >= 0) {
                    handled = transport.run(nonBlocking);
                    now = System.nanoTime();
                    nextTransportPoll = now + TRANSPORT_POLL_INTERVAL_NS;
                }
                // canBlock() reads the task queue and the timer queue's head live: a task or bottom half
                // handed over meanwhile, or a timer falling due, ends the poll.
                if (handled > 0 || !context.canBlock()) {
                    long waited = now - start;
                    if (!spinForTimer) { // a wait for a timer says nothing about how soon I/O completes
                        poll.afterWait(waited, true, waited);
                    }
                    return handled;
                }
                Thread.onSpinWait();
                now = System.nanoTime();
            } while (now - deadline < 0);
        }
        long polled = System.nanoTime() - start;
        IoHandlerContext blocking = context;
        long wakeTarget = 0;
        if (preciseTimers && context.deadlineNanos() != -1) {
            // Block until a little before the timer (by the overshoot learnt so far), then poll the rest.
            long now = System.nanoTime();
            long early = context.delayNanos(now) - slack;
            if (early <= 0) {
                return 0; // due within the overshoot already: the next run polls for it
            }
            wakeTarget = now + early;
            earlyWake.loop = context;
            earlyWake.slack = slack;
            blocking = earlyWake;
        }
        AWAKE.setVolatile(this, 0);
        int handled;
        try {
            handled = transport.run(blocking);
        } finally {
            AWAKE.setRelease(this, 1);
        }
        long end = System.nanoTime();
        if (wakeTarget != 0 && handled == 0 && end - wakeTarget >= 0) {
            // Woken by the timer (or just after it): how late.
            timerSlack = Math.max(Math.min(MAX_TIMER_SLACK_NS, end - wakeTarget), timerSlack - (timerSlack >> 6));
        }
        poll.afterWait(end - start, false, polled);
        return handled;
    }

    /*
     * Precise timers (the handler's constructor): timers fire at their deadline as closely as this host allows. A blocking wait overshoots its timeout by the time the thread takes to be scheduled
     * again — a few µs on bare metal, tens to hundreds on a guest whose idle vCPUs halt, milliseconds when every
     * core is busy — so the loop learns that overshoot ({@link #timerSlack}), blocks until that long before the
     * earliest timer, and polls the rest of the way. It costs the poll, at most
     * {@link #MAX_TIMER_SLACK_NS} of CPU per timer; an idle loop with no timer pending still blocks without a
     * timeout and burns nothing.
     */

    /** The constructing thread, once: see {@link #pollHint}. */
    void setPollHint(java.util.function.LongSupplier hint) {
        this.pollHint = hint;
    }

    /** Any thread: passes the wake-up on unless the loop is known to look at its queue before it blocks. */
    @Override
    public void wakeup() {
        if ((int) AWAKE.getVolatile(this) == 0) {
            transport.wakeup();
        }
    }

    /**
     * Loop only: whether a nested wait started here may run the transport ({@link #runNested}). Not
     * before any handle is registered (nothing to reap: parking is cheaper), not once the loop is being
     * destroyed, not while a Netty channel is registered (its I/O waits for the outer callback), and not
     * from inside the transport's own run — a nested wait in a handle's {@code handle()} callback, or in
     * a callback of something that one calls — which the transport does not support. The last is found by
     * walking the stack for this handler's calls into the transport: a few microseconds per nested wait,
     * against a flag write around every transport call on the hot path.
     */
    boolean mayRunNested() {
        if (!hasRegistrations || destroyed || hasLiveChannel()) {
            return false;
        }
        return !STACK.walk(frames -> frames.anyMatch(f -> f.getDeclaringClass() == PollingIoHandler.class
                && TRANSPORT_CALLS.contains(f.getMethodName())));
    }

    private boolean hasLiveChannel() {
        if (channels == null) {
            return false;
        }
        channels.removeIf(r -> !r.isValid());
        return !channels.isEmpty();
    }

    /**
     * Loop only, for a nested wait that {@link #mayRunNested}: one run of the transport under the wait's own
     * context (whose {@code canBlock()} looks at the bottom halves, not at Netty's task queue). Completions
     * it reaps call their handles here; SQEs queued since the last run go to the kernel.
     */
    int runNested(IoHandlerContext nestedContext) {
        return transport.run(nestedContext);
    }

    /**
     * Any thread: wakes a nested wait blocked in {@link #runNested}. Straight to the transport, since
     * {@link #awake} is 1 while the outer loop runs the waiting callback; the transport itself makes a
     * wake-up with none blocked cost at most one spurious return.
     */
    void wakeupNested() {
        transport.wakeup();
    }

    @Override
    public void initialize() {
        transport.initialize();
    }

    @Override
    public void prepareToDestroy() {
        transport.prepareToDestroy();
    }

    @Override
    public void destroy() {
        destroyed = true;
        transport.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        IoRegistration r = transport.register(handle);
        hasRegistrations = true; // never cleared: one poll every interval is cheap enough to keep
        if (handle instanceof Channel.Unsafe) {
            if (channels == null) {
                channels = new ArrayList<>();
            }
            channels.add(r);
        }
        return r;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return transport.isCompatible(handleType);
    }

    /** The loop's context, passed through: the two wrappers below change one thing each. Loop only. */
    private abstract static class LoopContext implements IoHandlerContext {
        IoHandlerContext loop;

        @Override
        public boolean canBlock() {
            return loop.canBlock();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return loop.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return loop.deadlineNanos();
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            loop.reportActiveIoTime(activeNanos);
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return loop.shouldReportActiveIoTime();
        }
    }

    /** The loop's context, reporting its timer deadline {@code slack} nanoseconds early. Loop only. */
    private static final class EarlyWake extends LoopContext {
        long slack;

        @Override
        public long delayNanos(long currentTimeNanos) {
            return Math.max(0, loop.delayNanos(currentTimeNanos) - slack);
        }

        @Override
        public long deadlineNanos() {
            long d = loop.deadlineNanos();
            return d == -1 ? -1 : d - slack;
        }
    }

    /** The loop's context, except that it never lets the transport block. Loop only. */
    private static final class NonBlocking extends LoopContext {
        @Override
        public boolean canBlock() {
            return false;
        }
    }
}
