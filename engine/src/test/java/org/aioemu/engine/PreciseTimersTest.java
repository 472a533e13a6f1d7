package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link AioContext.Builder#preciseTimers}: the loop wakes early and polls up to each timer's deadline. What a
 * user relies on: a timer never runs before its deadline however early the loop wakes, every timer runs exactly
 * once, and the polling is bounded — a loop waiting for a distant timer, or for none, still sleeps. (How close to
 * the deadline timers run is a host's property, measured by the replay benchmark, not asserted here.)
 */
class PreciseTimersTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void cpuTimeIsMeasurable() {
        assumeTrue(THREADS.isThreadCpuTimeSupported(), "no thread CPU clock");
        THREADS.setThreadCpuTimeEnabled(true);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void timersRunOnceAndNeverBeforeTheirDeadline(Transport t) throws Exception {
        assumeTrue(AioContext.isAvailable(t), t + " is not available here");
        Random rnd = new Random(42);
        int n = 400;
        AtomicLongArray due = new AtomicLongArray(n);
        AtomicLongArray ran = new AtomicLongArray(n);
        AtomicInteger runs = new AtomicInteger();
        try (AioContext ctx = AioContext.builder().transport(t).preciseTimers(true).build()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                long delay = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3_000_000); // 0 to 3 ms, some due at once
                Runnable task = () -> {
                    ran.set(id, System.nanoTime());
                    runs.incrementAndGet();
                };
                if (rnd.nextBoolean()) {
                    due.set(id, System.nanoTime() + delay);
                    ctx.schedule(task, delay, TimeUnit.NANOSECONDS); // from another thread
                } else {
                    ctx.execute(() -> { // from the loop itself
                        due.set(id, System.nanoTime() + delay);
                        ctx.schedule(task, delay, TimeUnit.NANOSECONDS);
                    });
                }
                if (rnd.nextInt(8) == 0) {
                    Thread.sleep(0, rnd.nextInt(500_000));
                }
            }
            assertTrue(ctx.runUntil(() -> runs.get() >= n, Duration.ofSeconds(30)), "timers run: " + runs.get());
            Thread.sleep(20);
            assertEquals(n, runs.get(), "a timer ran twice");
        }
        for (int i = 0; i < n; i++) {
            assertTrue(ran.get(i) - due.get(i) >= 0, "timer " + i + " ran " + (due.get(i) - ran.get(i)) + " ns early");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void aLoopWaitingForADistantTimerOrForNoneSleeps(Transport t) throws Exception {
        assumeTrue(AioContext.isAvailable(t), t + " is not available here");
        try (AioContext ctx = AioContext.builder().transport(t).preciseTimers(true).build()) {
            // Teach it some slack first: short timers, some of them after pauses.
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 50; i++) {
                ctx.schedule(done::incrementAndGet, (i % 5) * 2, TimeUnit.MILLISECONDS);
            }
            assertTrue(ctx.runUntil(() -> done.get() == 50, Duration.ofSeconds(10)));

            long id = ctx.loopThread().threadId();
            ctx.schedule(done::incrementAndGet, 1_000, TimeUnit.MILLISECONDS);
            long before = THREADS.getThreadCpuTime(id);
            Thread.sleep(800); // the timer is pending: the loop blocks until a little before it
            long waiting = THREADS.getThreadCpuTime(id) - before;
            assertTrue(ctx.runUntil(() -> done.get() == 51, Duration.ofSeconds(5)));
            before = THREADS.getThreadCpuTime(id);
            Thread.sleep(500); // nothing pending at all
            long idle = THREADS.getThreadCpuTime(id) - before;
            System.out.printf("precise timers, %s: %d µs CPU waiting 800 ms for a timer, %d µs idle 500 ms%n", t,
                    waiting / 1_000, idle / 1_000);
            assertTrue(waiting < TimeUnit.MILLISECONDS.toNanos(50), "waiting for a distant timer used "
                    + waiting / 1_000 + " µs of CPU");
            assertTrue(idle < TimeUnit.MILLISECONDS.toNanos(50), "an idle loop used " + idle / 1_000 + " µs of CPU");
        }
    }
}
