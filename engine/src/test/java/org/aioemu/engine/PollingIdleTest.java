package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What adaptive polling costs when there is nothing to do, measured as the loop thread's CPU time: an
 * idle loop must block (no CPU) even right after a burst that grew the window, and — the positive
 * control, so that the measure can fail — a loop whose work keeps arriving within the window must spin.
 */
class PollingIdleTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void cpuTimeIsMeasurable() {
        assumeTrue(THREADS.isThreadCpuTimeSupported(), "no thread CPU clock");
        THREADS.setThreadCpuTimeEnabled(true);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void anIdleLoopUsesNoCpuAfterABurstWithDefaultPolling(Transport t) throws Exception {
        assumeTrue(AioContext.isAvailable(t), t + " is not available here");
        try (AioContext ctx = AioContext.builder().transport(t).build()) {
            roundTrips(ctx, 20_000);
            PollStats afterBurst = ctx.pollStats();
            assertTrue(afterBurst.grows() > 0, "the burst never made the loop poll: " + afterBurst);
            long cpu = loopCpuOver(ctx, Duration.ofSeconds(1));
            System.out.printf("idle %s loop: %d µs CPU in 1 s after a burst (%s)%n", t, cpu / 1_000, afterBurst);
            assertTrue(cpu < TimeUnit.MILLISECONDS.toNanos(50),
                    "idle loop used " + cpu / 1_000_000 + " ms CPU in 1 s; " + ctx.pollStats());
        }
    }

    @Test
    void aLoopWhoseWorkKeepsComingWithinTheWindowSpins() throws Exception {
        // A task every ~50-100 µs (parkNanos sleeps with the kernel's timer slack): within a 1 ms window,
        // so the loop should find each one by polling, never block, and burn its core doing so.
        try (AioContext ctx = AioContext.builder().pollMaxNs(1_000_000).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ran = new AtomicInteger();
            Thread sender = new Thread(() -> {
                while (!stop.get()) {
                    ctx.execute(ran::incrementAndGet);
                    LockSupport.parkNanos(20_000);
                }
            }, "polling-control-sender");
            sender.start();
            try {
                Thread.sleep(100); // let the window grow
                PollStats before = ctx.pollStats();
                long cpu = loopCpuOver(ctx, Duration.ofSeconds(1));
                PollStats after = ctx.pollStats();
                long waits = after.waits() - before.waits();
                long hits = after.hits() - before.hits();
                System.out.printf("busy loop: %d µs CPU in 1 s, %d of %d waits ended polling%n", cpu / 1_000, hits, waits);
                assertTrue(hits * 2 > waits, "most waits should end while polling: " + hits + " of " + waits);
                assertTrue(cpu > TimeUnit.MILLISECONDS.toNanos(200),
                        "a polling loop used only " + cpu / 1_000_000 + " ms CPU in 1 s; " + after);
            } finally {
                stop.set(true);
                sender.join();
            }
            assertTrue(ran.get() > 1_000, "tasks run: " + ran.get());
        }
    }

    /** Sleeps on this thread for {@code d} and returns the CPU time the loop thread used meanwhile. */
    private static long loopCpuOver(AioContext ctx, Duration d) throws InterruptedException {
        long id = ctx.loopThread().threadId();
        long before = THREADS.getThreadCpuTime(id);
        Thread.sleep(d.toMillis());
        return THREADS.getThreadCpuTime(id) - before;
    }

    /** {@code n} depth-1 round trips of a null task through the pool, driven from the loop. */
    static void roundTrips(AioContext ctx, int n) {
        ThreadPool pool = ctx.threadPool();
        AtomicInteger done = new AtomicInteger();
        IntCompletion[] next = new IntCompletion[1];
        next[0] = r -> {
            if (done.incrementAndGet() < n) {
                pool.submit(() -> 0, next[0]);
            }
        };
        ctx.execute(() -> pool.submit(() -> 0, next[0]));
        assertTrue(ctx.runUntil(() -> done.get() == n, Duration.ofSeconds(60)), "round trips done: " + done.get());
    }
}
