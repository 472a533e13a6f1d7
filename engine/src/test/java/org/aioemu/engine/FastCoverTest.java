package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Busy workers running fast requests cover the queue without waking others; a fast worker whose request
 * then blocks must not strand the requests behind it: the loop's stall check wakes or starts workers.
 */
abstract class FastCoverTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    @Test
    void aBlockedFastWorkerDoesNotStrandTheQueue() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (AioContext ctx = AioContext.create()) {
                // No spinning: an idle worker parks at once, so only a wake-up can bring a second one to B.
                ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model()).withWorkerSpinNanos(round % 2 == 0 ? 0 : 50_000));
                List<CompletableFuture<Integer>> warm = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    warm.add(pool.submitAsync(() -> 1)); // fast: the pool learns its requests are short
                }
                for (CompletableFuture<Integer> f : warm) {
                    assertEquals(1, f.get(10, TimeUnit.SECONDS));
                }
                Thread.sleep(200); // the warm-up workers settle: parked, none woken or spinning
                CountDownLatch running = new CountDownLatch(1);
                CountDownLatch partner = new CountDownLatch(1);
                // A blocks until B has run: only a second worker can run B while A holds the first.
                CompletableFuture<Boolean> a = pool.submitAsync(() -> {
                    running.countDown();
                    return partner.await(20, TimeUnit.SECONDS);
                });
                assertTrue(running.await(10, TimeUnit.SECONDS));
                long start = System.nanoTime();
                CompletableFuture<Boolean> b = pool.submitAsync(() -> {
                    partner.countDown();
                    return true;
                });
                assertTrue(b.get(15, TimeUnit.SECONDS), "B ran beside the blocked A");
                assertTrue(a.get(15, TimeUnit.SECONDS), "A saw B run (round " + round + ")");
                long waitedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waitedMs < 5_000, "B waited " + waitedMs + " ms behind a blocked worker");
            }
        }
    }

    /**
     * Two requests handed over in one loop task while no worker is busy (so neither enqueue counted on a
     * busy worker and none armed the stall check): A blocks until B has run. The worker woken for B finds
     * A's worker busy on a "fast" request and leaves B to it; the stall check it arms must still bring B
     * to a worker.
     */
    @Test
    void aRequestLeftToABusyFastWorkerThatBlocksIsNotStranded() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (AioContext ctx = AioContext.create()) {
                ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model()).withWorkerSpinNanos(0));
                List<CompletableFuture<Integer>> warm = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    warm.add(pool.submitAsync(() -> 1));
                }
                for (CompletableFuture<Integer> f : warm) {
                    assertEquals(1, f.get(10, TimeUnit.SECONDS));
                }
                Thread.sleep(200); // every worker parked
                CountDownLatch partner = new CountDownLatch(1);
                CompletableFuture<Boolean> a = new CompletableFuture<>();
                CompletableFuture<Boolean> b = new CompletableFuture<>();
                long start = System.nanoTime();
                ctx.execute(() -> {
                    pool.submit(() -> partner.await(20, TimeUnit.SECONDS) ? 1 : 0, r -> a.complete(r == 1));
                    pool.submit(() -> {
                        partner.countDown();
                        return 1;
                    }, r -> b.complete(r == 1));
                });
                assertTrue(b.get(15, TimeUnit.SECONDS), "B ran beside the blocked A");
                assertTrue(a.get(15, TimeUnit.SECONDS), "A saw B run (round " + round + ")");
                long waitedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waitedMs < 5_000, "B waited " + waitedMs + " ms behind a blocked worker (round " + round + ")");
            }
        }
    }
}
