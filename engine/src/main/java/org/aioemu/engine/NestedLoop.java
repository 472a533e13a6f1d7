package org.aioemu.engine;

import java.util.function.BooleanSupplier;

/**
 * QEMU's nested {@code aio_poll}: {@link AioContext#runUntil} called on the loop thread itself, from inside
 * a callback. Netty's loop is busy running that callback, so this runs what the context owns in its place —
 * bottom halves (and so pool completions) and due timers — until the condition holds, sleeping in between.
 *
 * <p>Waking: the sleep ends when a bottom half is scheduled (the scheduler unparks the loop thread it finds
 * parked), when the earliest timer falls due (the sleep is no longer than that; a timer scheduled from
 * another thread arrives through the timers' intake bottom half), at the caller's deadline, and at least
 * every recheck interval, for conditions on state that other threads change without telling the loop.
 *
 * <p>Threading: loop thread only. Re-entrant: a callback run here may wait nested again.
 */
final class NestedLoop {
    private final BottomHalfScheduler bottomHalves;
    private final LoopTimers timers;
    private final long recheckNanos;

    NestedLoop(BottomHalfScheduler bottomHalves, LoopTimers timers, long recheckNanos) {
        this.bottomHalves = bottomHalves;
        this.timers = timers;
        this.recheckNanos = recheckNanos;
    }

    /**
     * Loop only: runs bottom halves and timers until {@code condition} holds (true) or {@code deadlineNanos}
     * ({@link System#nanoTime()} based, {@code Long.MAX_VALUE} for none) passes (false).
     */
    boolean run(BooleanSupplier condition, long deadlineNanos) {
        while (!condition.getAsBoolean()) {
            // One round of bottom halves per turn, so one that keeps rescheduling itself cannot keep the
            // condition, the timers (or the transport) from being looked at.
            boolean ran = bottomHalves.runRound();
            ran |= timers.runDue();
            if (ran) {
                continue;
            }
            long now = System.nanoTime();
            if (deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0) {
                return condition.getAsBoolean();
            }
            bottomHalves.parkLoop(wakeAt(now, deadlineNanos));
        }
        return true;
    }

    /** The earliest of the caller's deadline, the next recheck and the next timer. */
    private long wakeAt(long now, long deadlineNanos) {
        long recheck = now + recheckNanos;
        long limit = deadlineNanos != Long.MAX_VALUE && deadlineNanos - recheck < 0 ? deadlineNanos : recheck;
        return timers.nextDue(limit);
    }
}
