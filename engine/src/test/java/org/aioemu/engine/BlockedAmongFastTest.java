package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One request that blocks among fast ones (review finding 3): once the pool has learnt its requests are
 * fast, busy workers cover the queue; a worker whose request then blocks must stop covering, so the fast
 * requests behind it keep flowing at full speed on another worker — not at one request per stall period, as
 * when the blocked worker still counted as a fast busy worker — and the pool wakes parked workers rather than
 * starting new ones.
 */
class BlockedAmongFastTest {
    private static final int DEPTH = 16;
    private static final long BLOCK_MILLIS = 300;

    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void fastRequestsFlowPastABlockedOne(PoolModel model) throws Exception {
        try (AioContext ctx = AioContext.create()) {
            ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model));
            AtomicLong completed = new AtomicLong();
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            boolean[] stop = {false};
            int[] inFlight = {0};
            BlockingTask fast = () -> {
                long end = System.nanoTime() + 1_000;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait(); // ~1 µs, a page-cached read
                }
                return 0;
            };
            IntCompletion[] refill = new IntCompletion[1];
            refill[0] = r -> {
                inFlight[0]--;
                completed.incrementAndGet();
                if (!stop[0]) {
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
            Thread.sleep(300); // the pool learns the requests are fast and settles on few workers
            long base = completed.get();
            Thread.sleep(BLOCK_MILLIS);
            long unblocked = completed.get() - base; // the all-fast rate, for comparison in this run
            int threadsBefore = pool.stats().currentThreads();
            ctx.execute(() -> {
                inFlight[0]++;
                pool.submit(() -> {
                    blocking.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return 0;
                }, r -> inFlight[0]--);
            });
            assertTrue(blocking.await(5, TimeUnit.SECONDS));
            long before = completed.get();
            Thread.sleep(BLOCK_MILLIS);
            long during = completed.get() - before;
            ThreadPoolStats s = pool.stats();
            release.countDown();
            ctx.execute(() -> stop[0] = true);
            assertTrue(ctx.runUntil(() -> stop[0] && inFlight[0] == 0, Duration.ofSeconds(10)));
            // Blocked-as-covering let through one request per 200 µs stall period: 1,500 in 300 ms, against
            // hundreds of thousands without the blocked one (about 1 %). An eighth of the all-fast rate is still
            // ten times that, and leaves room for a host whose other processes take a core for part of the window
            // (a quarter failed at 22 % beside a concurrent test run on 2 vCPUs). The throughput target itself is
            // measured by benchmark, not here.
            assertTrue(during * 8 > unblocked, model + ": " + during + " fast requests completed in " + BLOCK_MILLIS
                    + " ms beside a blocked one, " + unblocked + " without: " + s + ", " + pool);
            // Workers parked since the first burst are woken rather than new ones started: one more for the
            // blocked worker's place, and one while the pool re-learns, at most (the first burst, submitted
            // before anything was known, may have started many; the old stall check started one per period).
            assertTrue(s.currentThreads() <= threadsBefore + 2, model + ": " + (s.currentThreads() - threadsBefore)
                    + " workers started beside one blocked: " + s);
        }
    }
}
