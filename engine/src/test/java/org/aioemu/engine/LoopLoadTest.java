package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The loop's work share and what the hand-off makes of it: the cores a busy loop keeps and a waiting loop leaves to
 * CPU-bound workers, and no polling on a core those workers need.
 */
class LoopLoadTest {
    private static final long MS = 1_000_000;

    @Test
    void theShareIsTheTimeBetweenWaitsOverEachWindow() {
        LoopLoad l = new LoopLoad();
        assertEquals(1000, l.workPermille(), "a whole core until measured");
        l.waitBegins(0); // the loop's first wait opens the first window
        l.waitEnded(0);
        long t = 0;
        // 3 ms of work, then 1 ms of waiting: 75 % over the first window (12 ms)
        for (int i = 0; i < 5; i++) {
            l.waitBegins(t + 3 * MS);
            l.waitEnded(t + 4 * MS);
            t += 4 * MS;
        }
        assertEquals(750, l.workPermille());
        // then mostly waiting: 1 ms of work per 10 ms
        for (int i = 0; i < 3; i++) {
            l.waitBegins(t + MS);
            l.waitEnded(t + 10 * MS);
            t += 10 * MS;
        }
        assertEquals(100, l.workPermille());
    }

    @Test
    void aWindowShorterThanTheMinimumPublishesNothing() {
        LoopLoad l = new LoopLoad();
        l.waitBegins(0);
        l.waitEnded(LoopLoad.WINDOW_NANOS - 1);
        assertEquals(1000, l.workPermille());
        l.waitBegins(LoopLoad.WINDOW_NANOS - 1);
        l.waitEnded(LoopLoad.WINDOW_NANOS);
        assertEquals(0, l.workPermille(), "a window spent waiting is no work");
    }

    @Test
    void cpuBoundWorkersGetTheCoresTheLoopLeaves() {
        AtomicInteger loop = new AtomicInteger(1000);
        HandoffPolicy p = new HandoffPolicy(50_000, loop::get);
        p.publishCpu(1000); // each busy worker uses a whole core
        int cores = HandoffPolicy.CORES;
        assertEquals(Math.max(1, cores - 1), p.busyLimit(), "a loop busy all the time keeps its core");
        loop.set(100);
        assertEquals(cores, p.busyLimit(), "a loop that mostly waits leaves its core");
        loop.set(500);
        assertEquals(Math.max(1, cores - 1), p.busyLimit(), "half a core left is not room for another worker");
        p.publishCpu(50); // O_DIRECT: workers asleep in the kernel
        assertTrue(p.busyLimit() >= 20 * Math.max(1, cores - 1), "sleeping workers: many fit (" + p.busyLimit() + ")");
        HandoffPolicy unmeasured = new HandoffPolicy(50_000);
        unmeasured.publishCpu(1000);
        assertEquals(Math.max(1, cores - 1), unmeasured.busyLimit(), "without a loop to measure: a whole core");
    }

    /** A real loop that only waits for a timer now and then measures a small share, and a pool on it sees that. */
    @Test
    void aWaitingLoopMeasuresLittleWork() throws Exception {
        try (AioContext ctx = AioContext.builder().name("loop-load").build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ctx.loopWorkPermille() == 1000 && System.nanoTime() < deadline) {
                ctx.schedule(() -> { }, 1, TimeUnit.MILLISECONDS);
                Thread.sleep(5);
            }
            Thread.sleep(3 * LoopLoad.WINDOW_NANOS / MS);
            int share = ctx.loopWorkPermille();
            assertTrue(share < 500, "an idle loop's work share: " + share + "/1000");
        }
    }
}
