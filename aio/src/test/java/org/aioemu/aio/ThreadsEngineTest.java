package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ThreadPool;
import org.aioemu.engine.ThreadPoolConfig;
import org.junit.jupiter.api.Test;

class ThreadsEngineTest extends AioEngineContractTest {
    @Override
    AioEngine newEngine(AioContext ctx) {
        return new ThreadsEngine(ctx);
    }

    /** With the only worker busy, queued requests are stolen by cancel and complete once with -ECANCELED. */
    @Test
    void cancelStealsQueuedRequests() throws Exception {
        Path path = dir.resolve("q");
        Files.write(path, new byte[64 * 4096]);
        ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withLimits(0, 1));
        ThreadsEngine threads = new ThreadsEngine(pool);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(10, java.util.concurrent.TimeUnit.SECONDS), "the worker is busy");
        int n = 64;
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            AioRequest[] reqs = new AioRequest[n];
            AtomicIntegerArray results = new AtomicIntegerArray(n);
            AtomicIntegerArray calls = new AtomicIntegerArray(n);
            AtomicInteger done = new AtomicInteger();
            boolean[] cancelled = new boolean[n];
            for (int i = 0; i < n; i++) {
                MemorySegment buf = arena.allocate(4096);
                reqs[i] = new AioRequest().prepareRead(fh, i * 4096L, buf);
                int index = i;
                threads.submit(reqs[i], r -> {
                    results.set(index, r);
                    calls.incrementAndGet(index);
                    done.incrementAndGet();
                });
            }
            for (int i = 0; i < n; i += 2) {
                cancelled[i] = threads.cancel(reqs[i]);
            }
            release.countDown();
            assertTrue(ctx.runUntil(() -> done.get() == n, Duration.ofSeconds(30)), done.get() + " of " + n);
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), "completions of " + i);
                assertEquals(i % 2 == 0 ? -Errno.ECANCELED : 4096, results.get(i), "request " + i);
                assertEquals(i % 2 == 0, cancelled[i], "cancel's answer for " + i);
                assertFalse(threads.cancel(reqs[i]), "a completed request cannot be cancelled: " + i);
                reqs[i].close();
            }
        }
    }
}
