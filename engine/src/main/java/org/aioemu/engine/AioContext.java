package org.aioemu.engine;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * An event loop that owns one thread, its bottom halves and timers, and the thread pools that
 * complete onto it (QEMU's {@code AioContext}), built on one Netty {@link IoEventLoop}.
 *
 * <p>Threading: everything attached to a context — bottom-half callbacks, pool completion callbacks,
 * timers, tasks given to {@link #execute} — runs on its single loop thread. {@link #execute},
 * {@link #schedule}, {@link BottomHalf#schedule()} and pool submission may be called from any thread.
 *
 * <p>Waiting: {@link #runUntil} blocks a thread that is not the loop until a condition, evaluated on
 * the loop, holds. The condition is re-evaluated after every bottom half, task and timer the loop runs,
 * and at least every 10 ms while someone waits (for conditions on state other threads change). Called on
 * the loop thread itself it runs a nested loop instead (QEMU's nested {@code aio_poll}, see
 * {@code NestedLoop}): until the condition holds it runs bottom halves (and so thread-pool completions),
 * the timers of {@link #schedule} that fall due, and the transport's completions (io_uring CQEs, epoll
 * events, so an {@code IoUringIoHandle}'s {@code handle()} is called and an io_uring engine's requests
 * complete). In between it sleeps — in the transport, where it may run it — until a bottom half is
 * scheduled, a completion arrives, the next timer falls due, or 10 ms pass.
 *
 * <p>While nested, plain {@link #execute} tasks and Netty channel I/O wait for the outer callback to
 * return: while a Netty channel is registered on the loop, a nested wait leaves the transport alone
 * entirely, since reaping would run channel handlers inside the callback. A nested wait started inside
 * the transport's own run (from a handle's {@code handle()}) leaves it alone too, as the transport cannot
 * be re-entered ({@link #nestedWaitReapsTransport()} says which case holds). A condition that only
 * something waiting can satisfy never becomes true there, so pass a timeout when that may be the case.
 *
 * <p>Polling: when the loop runs out of work it polls for more — the transport, its task queue, due
 * timers — for an adaptive window of up to {@link Builder#pollMaxNs} before it blocks (QEMU's
 * {@code poll-max-ns}), so work handed over from a worker within the window costs no wake-up, and an
 * idle loop, whose window shrinks to 0, blocks at once. {@link #pollStats()} shows the window.
 */
public final class AioContext implements AutoCloseable {
    /**
     * Default poll-max-ns: twice QEMU's 32768, as waking an idle vCPU on a small VM takes 20-35 µs and a
     * depth-1 pool round trip often outlasted 32 µs (measured on 2 cores; the figures are in AdaptivePoll).
     */
    public static final long DEFAULT_POLL_MAX_NS = 65_536;
    /** Default poll-grow (QEMU's). */
    public static final int DEFAULT_POLL_GROW = 2;
    /** Default poll-shrink (QEMU's). */
    public static final int DEFAULT_POLL_SHRINK = 2;

    /**
     * How often waits re-evaluate their conditions while nothing else wakes them, for conditions on state
     * that other threads change without telling the loop.
     */
    static final long DEFAULT_RECHECK_MILLIS = 10;

    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final Transport transport;
    private final MultiThreadIoEventLoopGroup group;
    private final IoEventLoop loop;
    private final Thread loopThread;
    private final BottomHalfScheduler bottomHalves;
    private final LoopTimers timers;
    private final PollingIoHandler io;
    private final NestedLoop nested;
    private final LoopWaiters waiters;
    private final ThreadPoolConfig defaultPoolConfig;
    private final AdaptivePoll poll;

    /** Guarded by {@code pools}: every pool made on this context, closed with it. */
    private final List<ThreadPool> pools = new ArrayList<>();
    /** The same pools, copied on write under {@code pools}, for the loop's nested waits. */
    private volatile ThreadPool[] poolArray = new ThreadPool[0];
    /** Guarded by {@code pools}: the lazily made default pool. */
    /** Written under {@code pools}; volatile for {@link #wakeupNanos}, which reads it without the lock. */
    private volatile ThreadPool defaultPool;
    /** Guarded by {@code pools}: set by the first {@link #close}, which alone does the closing. */
    private boolean closing;
    /**
     * Guarded by {@code pools}: set once close has taken its list of pools to close, after the registered users
     * have closed (they may still need a pool while they drain).
     */
    private boolean poolsTaken;
    /** Guarded by {@code pools}: what {@link #closeWithContext} registered, closed first by {@link #close}. */
    private final java.util.LinkedHashSet<AutoCloseable> users = new java.util.LinkedHashSet<>();
    /**
     * Written once, by the first close after it has closed the pools (whose own close still runs the loop);
     * read anywhere: from then on the context refuses tasks, timers and waits.
     */
    private volatile boolean closed;
    /** Opened by the first close once the loop thread has ended; a concurrent second close waits for it. */
    private final CountDownLatch closeFinished = new CountDownLatch(1);

    private AioContext(Builder b) {
        this.name = b.name != null ? b.name : "aioemu-loop-" + IDS.incrementAndGet();
        this.defaultPoolConfig = b.poolConfig;
        this.transport = b.transport.resolve();
        this.poll = new AdaptivePoll(b.pollMaxNs, b.pollGrow, b.pollShrink);
        PollingIoHandler[] handler = new PollingIoHandler[1];
        IoHandlerFactory factory = PollingIoHandler.factory(transport.ioHandlerFactory(), poll, b.preciseTimers,
                h -> handler[0] = h);
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
        this.group = new MultiThreadIoEventLoopGroup(1, tf, factory);
        try {
            this.loop = group.next();
            this.waiters = new LoopWaiters(loop, b.recheckNanos);
            this.bottomHalves = new BottomHalfScheduler(loop, waiters::check);
            this.timers = new LoopTimers(loop, bottomHalves, waiters::check);
            this.loopThread = loop.submit(Thread::currentThread).get();
            bottomHalves.setLoopThread(loopThread);
            timers.setLoopThread(loopThread);
            // The handler was made in the group's constructor, on this thread; the loop thread reads these
            // fields only in tasks handed to it after this constructor.
            this.io = Objects.requireNonNull(handler[0], "the loop made no I/O handler");
            io.setPollHint(this::pollHintNanos);
            this.nested = new NestedLoop(bottomHalves, timers, io, loopThread, loop.ticker().initialNanoTime(),
                    b.recheckNanos, this::tickPoolsNested);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start the event loop of " + name, e);
        }
    }

    /** A context on the best transport this machine offers, with the default thread-pool limits. */
    public static AioContext create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code t} can drive a loop here (false for io_uring under an old kernel or seccomp). */
    public static boolean isAvailable(Transport t) {
        return t.available();
    }

    /** The transport driving the loop (never AUTO). */
    public Transport transport() {
        return transport;
    }

    /** The Netty loop, for engines that register I/O handles on it (io_uring). */
    public IoEventLoop ioEventLoop() {
        return loop;
    }

    /** The loop thread. */
    public Thread loopThread() {
        return loopThread;
    }

    /** Any thread: the loop's adaptive polling, its knobs and counters (for tests and debugging). */
    public PollStats pollStats() {
        return poll.stats();
    }

    /** Tests: the timer list. */
    LoopTimers timers() {
        return timers;
    }

    /**
     * Loop only: whether a {@link #runUntil} called here would reap the transport's completions: false
     * inside the transport's own run (a handle's {@code handle()} callback), while a Netty channel is
     * registered on this loop, and once the loop is being destroyed. See the class comment.
     */
    public boolean nestedWaitReapsTransport() {
        assertInLoop();
        return io.mayRunNested();
    }

    /** Any thread: whether the caller is this context's loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    /** Throws unless called on the loop; for loop-only methods. */
    public void assertInLoop() {
        if (Thread.currentThread() != loopThread) {
            throw new IllegalStateException("must run on " + name + ", not on " + Thread.currentThread().getName());
        }
    }

    /** Any thread: a new bottom half whose callback runs on this loop. Not scheduled yet. */
    public BottomHalf newBottomHalf(Runnable callback) {
        return new BottomHalf(bottomHalves, Objects.requireNonNull(callback, "callback"));
    }

    /** Any thread: runs {@code task} on the loop, after what is already queued there. */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        checkOpen();
        loop.execute(() -> {
            try {
                task.run();
            } finally {
                waiters.check();
            }
        });
    }

    /**
     * Any thread: runs {@code task} on the loop once {@code delay} has passed — also inside a nested wait
     * ({@link #runUntil} on the loop). Cancel through the future, from any thread; timers still pending when
     * the context closes end cancelled. A task that throws is logged, and its future fails.
     */
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        checkOpen();
        return timers.schedule(task, delay, unit);
    }

    /**
     * Any thread, without a lock: what waking a parked thread costs on this host as the context's pool has measured
     * it ({@link ThreadPool#wakeupNanos}), or 0 while there is no pool or no measurement yet.
     */
    public long wakeupNanos() {
        ThreadPool p = defaultPool;
        return p == null ? 0 : p.wakeupNanos();
    }

    /**
     * Any thread: this context's thread pool, made on first use with the builder's limits.
     *
     * @throws RejectedExecutionException once the context's close has closed its {@link #closeWithContext} users
     *                                    and taken the pools to close
     */
    public ThreadPool threadPool() {
        synchronized (pools) {
            checkNotClosing();
            if (defaultPool == null) {
                defaultPool = new ThreadPool(this, defaultPoolConfig);
                addPool(defaultPool);
            }
            return defaultPool;
        }
    }

    /**
     * Any thread: a further pool with its own limits completing on this loop (a private threadlet
     * queue, seed 004), for blocking work that must not queue behind disk I/O. Closed with the context
     * unless closed before.
     *
     * @throws RejectedExecutionException once the context has begun closing
     */
    public ThreadPool newThreadPool(ThreadPoolConfig config) {
        synchronized (pools) {
            checkNotClosing();
            ThreadPool pool = new ThreadPool(this, config);
            addPool(pool);
            return pool;
        }
    }

    /** Under {@code pools}. */
    private void addPool(ThreadPool pool) {
        pools.add(pool);
        poolArray = pools.toArray(new ThreadPool[0]);
    }

    /**
     * Loop only, each turn of a nested wait: the pools' stall checks, which run on Netty's timer in normal
     * operation and so would not run while a callback waits; returns when the next one is due.
     */
    private long tickPoolsNested(long now) {
        long next = Long.MAX_VALUE;
        for (ThreadPool p : poolArray) {
            long due = p.nestedTick(now);
            if (due - next < 0) {
                next = due;
            }
        }
        return next;
    }

    /** Loop only, as it runs out of work: how long the pools expect their busy workers' next completion to take. */
    private long pollHintNanos() {
        long hint = 0;
        for (ThreadPool p : poolArray) {
            long h = p.pollHintNanos();
            if (h < 0) {
                return -1; // one pool's busy workers hold every core: the loop must not poll on one of them
            }
            hint = Math.max(hint, h);
        }
        return hint;
    }

    /** Any thread: how much of its core the loop's own work takes, in thousandths (see {@link LoopLoad}). */
    int loopWorkPermille() {
        return io.loopWorkPermille();
    }

    /** Runs the loop until {@code condition} holds; see the class comment for the on-loop rule. */
    public void runUntil(BooleanSupplier condition) {
        if (!runUntil(condition, Long.MAX_VALUE)) {
            throw new AssertionError("unbounded wait returned early");
        }
    }

    /**
     * As {@link #runUntil(BooleanSupplier)}, giving up after {@code timeout}. Returns whether the
     * condition held. An exception thrown by the condition is rethrown (wrapped if checked).
     */
    public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        long nanos = timeout.toNanos();
        long deadline = nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : System.nanoTime() + nanos;
        return runUntil(condition, deadline);
    }

    /** Runs the loop until {@code future} is done, then returns its value or throws its failure. */
    public <T> T await(Future<T> future) throws ExecutionException {
        runUntil(future::isDone);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** As {@link #await(Future)}, giving up with a TimeoutException after {@code timeout}. */
    public <T> T await(Future<T> future, Duration timeout) throws ExecutionException, TimeoutException {
        if (!runUntil(future::isDone, timeout)) {
            throw new TimeoutException("not done after " + timeout);
        }
        return await(future);
    }

    private boolean runUntil(BooleanSupplier condition, long deadlineNanos) {
        Objects.requireNonNull(condition, "condition");
        if (inLoop()) {
            return nested.run(condition, deadlineNanos);
        }
        checkOpen();
        return waiters.await(condition, deadlineNanos, name);
    }

    /**
     * Under {@code pools}: refuses a new pool once close has taken its list of pools to close. Testing
     * {@code closed} instead would let a pool be made between that list and {@code closed} turning true,
     * and nothing would ever close it.
     */
    private void checkNotClosing() {
        if (poolsTaken) {
            throw new RejectedExecutionException(name + " is closing");
        }
    }

    /**
     * Any thread: {@code user} is closed when this context closes, first — while the loop and the pools still
     * run — so that it can drain what it has in flight, as QEMU drains the block devices before it destroys an
     * AioContext; a {@code BlockBackend} registers itself, so that its futures complete rather than hang. Users
     * registered later close first. A user that throws is logged and the close goes on.
     *
     * @throws RejectedExecutionException if the context is closing or closed
     */
    public void closeWithContext(AutoCloseable user) {
        Objects.requireNonNull(user, "user");
        synchronized (pools) {
            if (closing) {
                throw new RejectedExecutionException(name + " is closed");
            }
            users.add(user);
        }
    }

    /** Any thread: forgets a {@link #closeWithContext} registration (the user closed on its own). */
    public void forgetOnClose(AutoCloseable user) {
        synchronized (pools) {
            users.remove(user);
        }
    }

    private void closeUsers(List<AutoCloseable> toClose) {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception | Error e) {
                System.getLogger(AioContext.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + toClose.get(i) + " with " + name + " failed", e);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new RejectedExecutionException(name + " is closed");
        }
    }

    /**
     * Not on the loop thread: closes every thread pool of this context (cancelling their queued work
     * and delivering every completion), then stops the loop and waits for its thread to end. Bottom
     * halves still scheduled after that are dropped; threads still waiting in {@link #runUntil} get a
     * RejectedExecutionException. Idempotent: a second call, concurrent or later, returns once the first
     * has finished.
     */
    @Override
    public void close() {
        if (inLoop()) {
            throw new IllegalStateException("AioContext.close() must not be called on its own loop thread");
        }
        List<ThreadPool> toClose;
        List<AutoCloseable> usersToClose;
        synchronized (pools) {
            for (ThreadPool p : pools) {
                p.checkNotOwnWorker("AioContext.close()"); // it would wait for the calling worker to exit
            }
            if (closing) {
                toClose = null;
                usersToClose = null;
            } else {
                closing = true;
                usersToClose = new ArrayList<>(users);
                users.clear();
            }
        }
        if (usersToClose == null) {
            awaitUninterruptibly(closeFinished);
            return;
        }
        closeUsers(usersToClose); // with the loop and pools running: they drain
        synchronized (pools) {
            poolsTaken = true;
            toClose = new ArrayList<>(pools); // the users may have made pools of their own meanwhile
        }
        try {
            for (ThreadPool pool : toClose) {
                pool.close();
            }
        } finally {
            closed = true;
            bottomHalves.stopHandOffs(); // else a thread scheduling through the close could keep it open
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            // Netty completes its termination future just before the thread exits; joining makes "the loop
            // has ended" literal, and orders everything the loop wrote before what this thread does next.
            joinUninterruptibly(loopThread);
            timers.terminate();
            waiters.failAll(new RejectedExecutionException(name + " was closed while a thread waited on it"));
            closeFinished.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Options for a new context. */
    public static final class Builder {
        private Transport transport = Transport.AUTO;
        private String name;
        private ThreadPoolConfig poolConfig = ThreadPoolConfig.defaults();
        private long pollMaxNs = DEFAULT_POLL_MAX_NS;
        private int pollGrow = DEFAULT_POLL_GROW;
        private int pollShrink = DEFAULT_POLL_SHRINK;
        private long recheckNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_RECHECK_MILLIS);
        private boolean preciseTimers;

        private Builder() {
        }

        /**
         * Whether {@link AioContext#schedule} timers fire at their deadline as closely as the host allows (default
         * off). A blocked loop wakes up late by the host's wake-up cost — tens of µs on a guest whose idle vCPUs
         * halt — so with this on the loop learns that overshoot at run time, blocks until that long before each
         * timer and polls the rest of the way: up to {@value PollingIoHandler#MAX_TIMER_SLACK_NS} ns of CPU per
         * timer for timing within a few µs. For work paced by timers (a trace replay); an idle loop with no timer
         * pending still uses no CPU.
         */
        public Builder preciseTimers(boolean on) {
            this.preciseTimers = on;
            return this;
        }

        /** The loop's transport; AUTO (the default) takes io_uring, else epoll, else NIO. */
        public Builder transport(Transport t) {
            this.transport = Objects.requireNonNull(t, "transport");
            return this;
        }

        /** The loop thread's name. */
        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        /** Limits of the context's default thread pool ({@link AioContext#threadPool()}). */
        public Builder threadPool(ThreadPoolConfig config) {
            this.poolConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * QEMU's {@code poll-max-ns}: the longest the loop polls for work before it blocks, in ns; 0 turns
         * polling off. Default {@value AioContext#DEFAULT_POLL_MAX_NS}. The window adapts between 0 and
         * this (see {@link PollStats}), so an idle loop blocks at once and uses no CPU.
         */
        public Builder pollMaxNs(long ns) {
            AdaptivePoll.check(ns, pollGrow, pollShrink);
            this.pollMaxNs = ns;
            return this;
        }

        /**
         * QEMU's {@code poll-grow}: the factor the window grows by (from a 4 µs start), at least 1. Default
         * {@value AioContext#DEFAULT_POLL_GROW}.
         */
        public Builder pollGrow(int factor) {
            AdaptivePoll.check(pollMaxNs, factor, pollShrink);
            this.pollGrow = factor;
            return this;
        }

        /**
         * QEMU's {@code poll-shrink}: the divisor the window shrinks by after a wait longer than
         * poll-max-ns; 0 resets it to 0 instead. Default {@value AioContext#DEFAULT_POLL_SHRINK}.
         */
        public Builder pollShrink(int divisor) {
            AdaptivePoll.check(pollMaxNs, pollGrow, divisor);
            this.pollShrink = divisor;
            return this;
        }

        /**
         * Tests: how often waits re-evaluate their conditions when nothing wakes them. A long interval
         * makes a lost wake-up show as a hang instead of a 10 ms delay.
         */
        Builder recheckInterval(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("recheck interval must be positive: " + d);
            }
            this.recheckNanos = d.toNanos();
            return this;
        }

        /** Starts the loop. Throws IllegalStateException when the chosen transport is unavailable. */
        public AioContext build() {
            return new AioContext(this);
        }
    }

    @Override
    public String toString() {
        return "AioContext[" + name + ", " + transport.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
