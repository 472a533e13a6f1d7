package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More requests finish while the loop is busy than the done ring holds ({@link ThreadPool#DONE_RING_CAPACITY}): the
 * rest take the done stack ({@link DoneStack}), and every one still completes exactly once, on the loop, with its
 * own result.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoneStackOverflowTest {
    static final int REQUESTS = ThreadPool.DONE_RING_CAPACITY * 2 + 100;

    private AioContext ctx;

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void requestsPastTheDoneRingCompleteOnceEach() throws Exception {
        ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withLimits(2, 2)).build();
        ThreadPool pool = ctx.threadPool();
        AtomicIntegerArray completions = new AtomicIntegerArray(REQUESTS);
        CountDownLatch ran = new CountDownLatch(REQUESTS);
        CountDownLatch delivered = new CountDownLatch(REQUESTS);
        int[] wrong = new int[1]; // loop only
        ctx.execute(() -> {
            for (int i = 0; i < REQUESTS; i++) {
                int id = i;
                pool.submit(() -> {
                    ran.countDown();
                    return id;
                }, result -> {
                    if (!ctx.inLoop() || result != id) {
                        wrong[0]++;
                    }
                    completions.incrementAndGet(id);
                    delivered.countDown();
                });
            }
            // Hold the loop until every request has run: their completions pile up past the ring's capacity.
            try {
                assertTrue(ran.await(60, TimeUnit.SECONDS), "the workers did not run everything");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(delivered.await(60, TimeUnit.SECONDS), "completions missing: " + delivered.getCount());
        Thread.sleep(200); // a duplicate would arrive meanwhile
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals(1, completions.get(i), "completions of request " + i);
        }
        CountDownLatch read = new CountDownLatch(1);
        int[] wrongSeen = new int[1];
        ctx.execute(() -> {
            wrongSeen[0] = wrong[0];
            read.countDown();
        });
        read.await(10, TimeUnit.SECONDS);
        assertEquals(0, wrongSeen[0], "completions off the loop or with another request's result");
    }
}
