package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AioContext#runUntil} on the loop thread (QEMU's nested {@code aio_poll}): what it runs and what
 * wakes it. A nested wait that cannot make progress hangs the loop, so every test is bounded by a timeout
 * and closes its context with a bounded wait.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedLoopTest {
    private AioContext ctx;

    @AfterEach
    void stop() throws Exception {
        if (ctx != null) {
            closeWithin(ctx, Duration.ofSeconds(10));
        }
    }

    /** The brief's case (a): only a timer scheduled with ctx.schedule, in the waiting callback, sets the flag. */
    @Test
    void aNestedWaitRunsATimerScheduledInsideIt() {
        ctx = AioContext.create();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        ctx.newBottomHalf(() -> {
            ctx.schedule(() -> flag.set(true), 5, TimeUnit.MILLISECONDS);
            ctx.runUntil(flag::get);
            returned.set(true);
        }).schedule();
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait never returned");
    }

    /** A timer already pending when the nested wait starts runs in it, in its turn. */
    @Test
    void aNestedWaitRunsATimerScheduledBeforeIt() {
        ctx = AioContext.create();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        ctx.schedule(() -> flag.set(true), 30, TimeUnit.MILLISECONDS); // from the test thread: the intake path
        ctx.execute(() -> {
            ctx.runUntil(flag::get);
            returned.set(true);
        });
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait never returned");
    }

    /**
     * With rechecks an hour apart, only the timer's own deadline can end the nested wait's sleep: the
     * sleep must be bounded by the earliest timer.
     */
    @Test
    void aNestedWaitSleepsOnlyUntilTheEarliestTimer() {
        ctx = AioContext.builder().recheckInterval(Duration.ofHours(1)).build();
        AtomicInteger order = new AtomicInteger();
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        AtomicBoolean returned = new AtomicBoolean();
        ctx.execute(() -> {
            ctx.schedule(() -> second.set(order.incrementAndGet()), 40, TimeUnit.MILLISECONDS);
            ctx.schedule(() -> first.set(order.incrementAndGet()), 10, TimeUnit.MILLISECONDS);
            ctx.runUntil(() -> second.get() != 0);
            returned.set(true);
        });
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait overslept its timers");
        assertEquals(1, first.get());
        assertEquals(2, second.get());
    }

    /** A timer scheduled from another thread while the nested wait sleeps wakes it (the intake bottom half). */
    @Test
    void aTimerScheduledFromAnotherThreadWakesASleepingNestedWait() throws Exception {
        ctx = AioContext.builder().recheckInterval(Duration.ofHours(1)).build();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        ctx.execute(() -> {
            waiting.countDown();
            ctx.runUntil(flag::get);
            returned.set(true);
        });
        waiting.await();
        Thread.sleep(20); // most likely parked by now; either way the timer must get in
        ctx.schedule(() -> flag.set(true), 1, TimeUnit.MILLISECONDS);
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait missed the new timer");
    }

    /** A deadline earlier than the only timer ends the nested wait; the timer still runs later, once. */
    @Test
    void aNestedWaitWithATimeoutGivesUpBeforeALaterTimer() {
        ctx = AioContext.create();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Boolean> nestedResult = new AtomicReference<>();
        ctx.execute(() -> {
            ctx.schedule(runs::incrementAndGet, 300, TimeUnit.MILLISECONDS);
            nestedResult.set(ctx.runUntil(() -> runs.get() > 0, Duration.ofMillis(20)));
        });
        assertTrue(ctx.runUntil(() -> nestedResult.get() != null, Duration.ofSeconds(10)));
        assertFalse(nestedResult.get(), "the nested wait did not give up at its deadline");
        assertTrue(ctx.runUntil(() -> runs.get() > 0, Duration.ofSeconds(10)), "the timer never ran after the wait");
        flushLoop();
        assertEquals(1, runs.get());
    }

    /** A timer cancelled from another thread while a nested wait runs is not run by it. */
    @Test
    void aTimerCancelledFromAnotherThreadDoesNotRunInANestedWait() throws Exception {
        ctx = AioContext.create();
        AtomicInteger cancelledRuns = new AtomicInteger();
        AtomicBoolean later = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        ScheduledFuture<?> doomed = ctx.schedule(cancelledRuns::incrementAndGet, 30, TimeUnit.MILLISECONDS);
        CountDownLatch waiting = new CountDownLatch(1);
        ctx.execute(() -> {
            ctx.schedule(() -> later.set(true), 60, TimeUnit.MILLISECONDS);
            waiting.countDown();
            ctx.runUntil(later::get);
            returned.set(true);
        });
        waiting.await();
        assertTrue(doomed.cancel(false));
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)));
        assertEquals(0, cancelledRuns.get());
        assertTrue(doomed.isCancelled());
    }

    /** A timer's callback may itself wait nested for a later timer: the outer run goes on afterwards. */
    @Test
    void aTimerMayWaitNestedForAnotherTimer() {
        ctx = AioContext.create();
        AtomicBoolean inner = new AtomicBoolean();
        AtomicBoolean third = new AtomicBoolean();
        AtomicBoolean outerDone = new AtomicBoolean();
        ctx.schedule(() -> {
            ctx.schedule(() -> inner.set(true), 5, TimeUnit.MILLISECONDS);
            ctx.runUntil(inner::get);
            outerDone.set(true);
        }, 1, TimeUnit.MILLISECONDS);
        ctx.schedule(() -> third.set(true), 20, TimeUnit.MILLISECONDS);
        assertTrue(ctx.runUntil(() -> outerDone.get() && third.get(), Duration.ofSeconds(10)));
    }

    /**
     * A bottom half that reschedules itself for ever does not keep a nested wait from seeing its timer or
     * its condition: the wait runs one round of bottom halves per turn.
     */
    @Test
    void aSelfReschedulingBottomHalfDoesNotStarveANestedWait() {
        ctx = AioContext.create();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        AtomicReference<BottomHalf> spinner = new AtomicReference<>();
        spinner.set(ctx.newBottomHalf(() -> {
            if (!stop.get()) {
                spinner.get().schedule();
            }
        }));
        ctx.execute(() -> {
            spinner.get().schedule();
            ctx.schedule(() -> flag.set(true), 5, TimeUnit.MILLISECONDS);
            ctx.runUntil(flag::get);
            stop.set(true);
            returned.set(true);
        });
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait was starved");
    }

    /** Waits until everything queued on the loop so far has run. */
    private void flushLoop() {
        AtomicInteger done = new AtomicInteger();
        ctx.execute(done::incrementAndGet);
        ctx.runUntil(() -> done.get() == 1);
    }

    static void closeWithin(AioContext c, Duration limit) throws Exception {
        CompletableFuture<Void> closing = CompletableFuture.runAsync(c::close);
        try {
            closing.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(c + " did not close within " + limit + ": its loop is stuck", e);
        }
    }
}
