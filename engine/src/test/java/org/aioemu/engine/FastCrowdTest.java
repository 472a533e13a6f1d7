package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Fast requests queued deep (a page-cached read at depth 16) run on no more workers at once than there are
 * cores beside the loop's: a second busy worker would not drain the queue sooner, it would take the loop's
 * core. Before workers left a covered queue alone, 15-31% of such requests started beside another busy
 * worker on 2 cores; since, about 0.02%.
 */
abstract class FastCrowdTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    private static final int DEPTH = 16;
    private static final long RUN_NANOS = 1_500_000_000L;
    /** Counted only after the pool has learnt the requests are fast and settled its workers. */
    private static final long WARM_NANOS = 500_000_000L;

    @Test
    void fastRequestsAtDepthRunOnNoMoreWorkersThanSpareCores() throws Exception {
        int spare = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        try (AioContext ctx = AioContext.create()) {
            ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model()));
            long start = System.nanoTime();
            long countFrom = start + WARM_NANOS;
            long until = start + RUN_NANOS;
            AtomicInteger running = new AtomicInteger();
            AtomicLong counted = new AtomicLong();
            AtomicLong crowded = new AtomicLong();
            BlockingTask fast = () -> {
                int beside = running.incrementAndGet();
                long now = System.nanoTime();
                if (now - countFrom > 0) {
                    counted.incrementAndGet();
                    if (beside > spare) {
                        crowded.incrementAndGet();
                    }
                }
                while (System.nanoTime() - now < 1_000) {
                    Thread.onSpinWait(); // ~1 µs of work, as a page-cached 4 KiB read
                }
                running.decrementAndGet();
                return 0;
            };
            // Loop only: keeps DEPTH requests in flight until the deadline.
            int[] inFlight = {0};
            long[] completed = {0};
            IntCompletion[] refill = new IntCompletion[1];
            refill[0] = r -> {
                assertEquals(0, r);
                inFlight[0]--;
                completed[0]++;
                if (System.nanoTime() - until < 0) {
                    inFlight[0]++;
                    pool.submit(fast, refill[0]);
                }
            };
            ctx.execute(() -> {
                for (int i = 0; i < DEPTH; i++) {
                    inFlight[0]++;
                    pool.submit(fast, refill[0]);
                }
            });
            assertTrue(ctx.runUntil(() -> System.nanoTime() - until > 0 && inFlight[0] == 0, Duration.ofSeconds(30)));
            assertTrue(counted.get() > 10_000, "too few requests ran to judge: " + counted.get());
            double share = (double) crowded.get() / counted.get();
            assertTrue(share < 0.01, String.format("%.2f%% of %d fast requests started while more than %d workers were busy",
                    100 * share, counted.get(), spare));
        }
    }
}
