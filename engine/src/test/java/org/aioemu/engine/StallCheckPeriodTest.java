package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The stall check's period follows the service times the pool learns while it runs. The first requests a
 * pool sees may be slow ones (a blocked request, an fsync): a period fixed when the check was armed then left
 * every later blocked worker stranding the fast requests behind it for milliseconds, for the whole run.
 */
class StallCheckPeriodTest {
    @Test
    void thePeriodIsBoundedAndFollowsTheServiceTimes() {
        try (AioContext ctx = AioContext.create()) {
            ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withName("period"));
            Workers workers = pool.workers();
            StallCheck check = workers.stallCheck();
            workers.policy.publishService(100_000_000); // as if the first requests had slept 100 ms
            workers.armStallCheck();
            assertEquals(StallCheck.MAX_PERIOD_NANOS, check.periodNanos(), "a slow start arms a bounded period");
            workers.policy.publishService(2_000); // then fast requests: the threshold falls to its floor
            long wanted = Math.max(StallCheck.MIN_PERIOD_NANOS, workers.policy.stuckAfterNanos() / 2);
            assertTrue(ctx.runUntil(() -> check.periodNanos() == wanted, Duration.ofSeconds(5)),
                    "period " + check.periodNanos() + " ns, wanted " + wanted);
            // Back to slow: the period grows again, up to its bound.
            workers.policy.publishService(50_000_000);
            workers.armStallCheck(); // it may have disarmed meanwhile (nothing waits): a covered submit re-arms it
            assertTrue(ctx.runUntil(() -> check.periodNanos() == StallCheck.MAX_PERIOD_NANOS, Duration.ofSeconds(5)),
                    "period " + check.periodNanos() + " ns");
        }
    }

    @Test
    void aSteadyServiceTimeKeepsOneTimer() {
        try (AioContext ctx = AioContext.create()) {
            ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withName("steady"));
            Workers workers = pool.workers();
            StallCheck check = workers.stallCheck();
            workers.policy.publishService(100_000); // stuck after 800 µs: a 400 µs period
            workers.armStallCheck();
            long armed = check.periodNanos();
            assertEquals(400_000, armed);
            // Estimates that wander within the factor leave the running period alone.
            for (long s : new long[] {60_000, 150_000, 90_000, 180_000}) {
                workers.policy.publishService(s);
                workers.armStallCheck(); // relied on again: the check stays armed and keeps ticking
                java.util.concurrent.locks.LockSupport.parkNanos(3_000_000); // several ticks, within the linger
                assertTrue(check.isArmed(), "service " + s + " ns: the check stopped");
                assertEquals(armed, check.periodNanos(), "service " + s + " ns");
            }
        }
    }
}
