package org.aioemu.engine;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
 */
final class PollingIoHandler implements IoHandler {
    private static final VarHandle AWAKE;

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
    /**
     * Loop only: whether any handle was ever registered with the transport. Until one is, the transport
     * has nothing to report but its own wake-up, so polls only look at the task queue and timers.
     */
    private boolean hasRegistrations;
    /** The loop's context with blocking forbidden, for polling the transport. Loop only. */
    private final NonBlocking nonBlocking = new NonBlocking();

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

    PollingIoHandler(IoHandler transport, AdaptivePoll poll) {
        this.transport = transport;
        this.poll = poll;
    }

    /** A factory making one polling handler around each handler {@code transport} makes. */
    static IoHandlerFactory factory(IoHandlerFactory transport, AdaptivePoll poll) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new PollingIoHandler(transport.newHandler(executor), poll);
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
        long window = poll.windowNs();
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
                    poll.afterWait(waited, true, waited);
                    return handled;
                }
                Thread.onSpinWait();
                now = System.nanoTime();
            } while (now - deadline < 0);
        }
        long polled = System.nanoTime() - start;
        AWAKE.setVolatile(this, 0);
        int handled;
        try {
            handled = transport.run(context);
        } finally {
            AWAKE.setRelease(this, 1);
        }
        poll.afterWait(System.nanoTime() - start, false, polled);
        return handled;
    }

    /** Any thread: passes the wake-up on unless the loop is known to look at its queue before it blocks. */
    @Override
    public void wakeup() {
        if ((int) AWAKE.getVolatile(this) == 0) {
            transport.wakeup();
        }
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
        transport.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        IoRegistration r = transport.register(handle);
        hasRegistrations = true; // never cleared: one poll every interval is cheap enough to keep
        return r;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return transport.isCompatible(handleType);
    }

    /** The loop's context, except that it never lets the transport block. Loop only. */
    private static final class NonBlocking implements IoHandlerContext {
        IoHandlerContext loop;

        @Override
        public boolean canBlock() {
            return false;
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
}
