package org.aioemu.engine;

import io.netty.channel.IoHandlerContext;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * QEMU's nested {@code aio_poll}: {@link AioContext#runUntil} called on the loop thread itself, from inside
 * a callback. Netty's loop is busy running that callback, so this runs what the context owns in its place
 * until the condition holds: bottom halves (and so pool completions), due timers, the thread pools' stall
 * checks (which wake workers for requests left behind a blocked one), and the transport's completions
 * (io_uring CQEs, epoll events), which call their handles' {@code handle()} — one round of each per turn,
 * so none of them can starve the others or the condition.
 *
 * <p>Sleeping and waking: with nothing to run, the wait sleeps until the earliest of the caller's deadline,
 * the next timer and the recheck interval (for conditions on state other threads change without telling
 * the loop). Where the transport may be run ({@link PollingIoHandler#mayRunNested}) it sleeps in the
 * transport itself, so a completion arriving ends the sleep; elsewhere it parks. Either way it first
 * publishes a waker to the bottom-half scheduler, which runs it on every push: it wakes the transport, or
 * unparks the loop thread. A timer scheduled from another thread arrives through the timers' intake bottom
 * half, so it wakes the wait too; one scheduled on the loop cannot arrive while it sleeps.
 *
 * <p>What does not run here: Netty tasks ({@link AioContext#execute}) and, while a Netty channel is
 * registered on the loop, the transport. A wait started inside the transport's own run (from a handle's
 * {@code handle()}) does not run the transport either: Netty's handlers are not re-entrant. It runs bottom
 * halves and timers and parks, so a condition only a completion can satisfy waits for the caller's
 * deadline; the completion is reaped once the outer callback returns.
 *
 * <p>Threading: loop thread only, except the wakers. Re-entrant: a callback run here may wait nested again.
 */
final class NestedLoop {
    private final BottomHalfScheduler bottomHalves;
    private final LoopTimers timers;
    /** The loop's handler; null never, but it may refuse ({@link PollingIoHandler#mayRunNested}). */
    private final PollingIoHandler io;
    private final long recheckNanos;
    /** Netty's clock is {@link System#nanoTime()} minus this; transports take deadlines on it. */
    private final long nettyClockOrigin;

    // --- wakers: any thread ---------------------------------------------------------------------------
    private final Runnable unparkLoop;
    private final Runnable wakeTransport;

    /** The pools' stall checks: runs those due, returns when the next is (Long.MAX_VALUE for none). */
    private final java.util.function.LongUnaryOperator poolChecks;

    NestedLoop(BottomHalfScheduler bottomHalves, LoopTimers timers, PollingIoHandler io, Thread loopThread,
               long nettyClockOrigin, long recheckNanos, java.util.function.LongUnaryOperator poolChecks) {
        this.poolChecks = poolChecks;
        this.bottomHalves = bottomHalves;
        this.timers = timers;
        this.io = io;
        this.recheckNanos = recheckNanos;
        this.nettyClockOrigin = nettyClockOrigin;
        this.unparkLoop = () -> LockSupport.unpark(loopThread);
        this.wakeTransport = io::wakeupNested;
    }

    /**
     * Loop only: runs bottom halves, timers and transport completions until {@code condition} holds (true)
     * or {@code deadlineNanos} ({@link System#nanoTime()} based, {@code Long.MAX_VALUE} for none) passes
     * (false, unless the condition holds by then after all).
     */
    boolean run(BooleanSupplier condition, long deadlineNanos) {
        boolean decided = false;
        boolean viaTransport = false;
        while (!condition.getAsBoolean()) {
            boolean ran = bottomHalves.runRound();
            ran |= timers.runDue();
            if (!decided) {
                // Once per wait: the answer depends on where we are on the stack, which cannot change here.
                viaTransport = io.mayRunNested();
                decided = true;
            }
            long now = System.nanoTime();
            long poolDue = poolChecks.applyAsLong(now);
            boolean expired = deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0;
            long wakeAt = ran || expired ? now : wakeAt(now, deadlineNanos); // now: do not sleep
            if (poolDue != Long.MAX_VALUE && poolDue - wakeAt < 0) {
                wakeAt = Math.max(now, poolDue);
            }
            if (viaTransport) {
                runTransport(wakeAt);
            } else if (wakeAt != now) {
                park(wakeAt);
            }
            if (expired) {
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    /** The earliest of the caller's deadline, the next recheck and the next timer. */
    private long wakeAt(long now, long deadlineNanos) {
        long recheck = now + recheckNanos;
        long limit = deadlineNanos != Long.MAX_VALUE && deadlineNanos - recheck < 0 ? deadlineNanos : recheck;
        return timers.nextDue(limit);
    }

    /** One run of the transport: reaps what is ready, and blocks until {@code wakeAt} if that is later than now. */
    private void runTransport(long wakeAt) {
        TransportContext c = new TransportContext(wakeAt);
        if (!c.mayBlock()) {
            io.runNested(c);
            return;
        }
        bottomHalves.setNestedWaker(wakeTransport); // before the transport's canBlock() reads the stack
        try {
            io.runNested(c);
        } finally {
            bottomHalves.setNestedWaker(null);
        }
    }

    private void park(long wakeAt) {
        bottomHalves.setNestedWaker(unparkLoop);
        try {
            if (!bottomHalves.hasPending()) { // after publishing the waker: see BottomHalfScheduler.nestedWaker
                long wait = wakeAt - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        } finally {
            bottomHalves.setNestedWaker(null);
        }
    }

    /**
     * The transport's view of one nested turn: it may block only until {@code wakeAt}, and not at all once
     * a bottom half is pending. Netty's task queue is not consulted: its tasks do not run here. Loop only.
     */
    private final class TransportContext implements IoHandlerContext {
        private final long wakeAt;

        TransportContext(long wakeAt) {
            this.wakeAt = wakeAt;
        }

        boolean mayBlock() {
            return wakeAt - System.nanoTime() > 0;
        }

        /** Read by the transport after the waker is published and right before it blocks. */
        @Override
        public boolean canBlock() {
            return mayBlock() && !bottomHalves.hasPending();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return Math.max(0, wakeAt - currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return wakeAt - nettyClockOrigin;
        }
    }
}
