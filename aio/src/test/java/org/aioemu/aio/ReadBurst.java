package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.IntCompletion;

/**
 * Many prepared reads handed over in ONE loop task, so that no completion can run between them (the way
 * to fill a ring, a tag table or a queue past its limit), counted as they complete: how often each one
 * completed, and how many with a result other than the expected byte count.
 */
final class ReadBurst {
    /** How a burst hands one request over: an engine's submit, or a queue's accept. */
    interface Submitter {
        void submit(AioRequest req, IntCompletion completion);
    }

    private final AioContext ctx;
    private final int n;
    private final AtomicIntegerArray calls;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger wrong = new AtomicInteger();

    private ReadBurst(AioContext ctx, int n) {
        this.ctx = ctx;
        this.n = n;
        this.calls = new AtomicIntegerArray(n);
    }

    /** Submits every request of {@code reqs}, each expected to read {@code expected} bytes, in one loop task. */
    static ReadBurst start(AioContext ctx, AioRequest[] reqs, int expected, Submitter submitter) {
        ReadBurst burst = new ReadBurst(ctx, reqs.length);
        ctx.execute(() -> {
            for (int i = 0; i < reqs.length; i++) {
                int index = i;
                submitter.submit(reqs[i], r -> {
                    burst.wrong.addAndGet(r == expected ? 0 : 1);
                    burst.calls.incrementAndGet(index);
                    burst.total.incrementAndGet();
                });
            }
        });
        return burst;
    }

    /** Waits for all to complete, then asserts each completed exactly once with the expected result. */
    void assertAllCompleteOnce(Duration timeout, String what) {
        assertTrue(ctx.runUntil(() -> total.get() == n, timeout), what + ": completed " + total.get() + " of " + n);
        assertEquals(0, wrong.get(), what + ": requests with an unexpected result");
        for (int i = 0; i < n; i++) {
            assertEquals(1, calls.get(i), what + ": completions of request " + i);
        }
    }
}
