package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IoUringEngine#cancel} from off the loop while its context closes, or after: the answer is computed
 * by a loop task, which a closing loop may refuse; cancel then answers false (it cancelled nothing), and
 * neither hangs nor throws. The requests are reads blocked on an empty FIFO, so they stay outstanding until
 * a cancel or the context's close ends them — each exactly once, with -ECANCELED.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IoUringCancelAfterCloseTest {
    private static final int REQUESTS = 8;
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Arena arena;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        Requires.ioUring();
        arena = Arena.ofShared();
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cancel-after-close");
            t.setDaemon(true); // a cancel that hangs must not keep the JVM alive
            return t;
        });
    }

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (arena != null) {
            arena.close();
        }
    }

    @Test
    void cancelAfterTheContextClosedAnswersFalse() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        AioContext ctx = AioContext.builder().transport(Transport.IO_URING).build();
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite()); AioRequest req = new AioRequest()) {
            Blocked blocked = submitBlocked(ctx, engine, fh, new AioRequest[]{req});
            ctx.close();
            assertEquals(1, blocked.calls.get(0), "the blocked read completes once when the context closes");
            assertEquals(-Errno.ECANCELED, blocked.results.get(0));
            assertFalse(assertTimeoutPreemptively(BOUND, () -> engine.cancel(req)), "cancel after the context closed");
            engine.close();
        } finally {
            ctx.close();
        }
    }

    /**
     * Rounds of a canceller calling cancel over and over from off the loop while the context closes, at random
     * moments: every call returns (true or false) within the bound and none throws.
     */
    @Test
    void cancelRacingTheContextsCloseNeitherHangsNorThrows() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Path fifo = Requires.fifo(dir, "fifo");
        AioRequest[] reqs = new AioRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            reqs[i] = new AioRequest();
        }
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite())) {
            for (int round = 0; round < 40; round++) {
                String what = "round " + round + ", seed " + seed;
                AioContext ctx = AioContext.builder().transport(Transport.IO_URING).build();
                try {
                    IoUringEngine engine = new IoUringEngine(ctx);
                    Blocked blocked = submitBlocked(ctx, engine, fh, reqs);
                    CountDownLatch go = new CountDownLatch(1);
                    long cancelDelay = random.nextLong(2_000_000);
                    Future<Integer> canceller = threads.submit(() -> {
                        go.await();
                        spin(cancelDelay);
                        int calls = 0;
                        // Until the context is closed, then one more pass: it must answer false.
                        for (boolean last = false; ; last = ctx.isClosed()) {
                            for (AioRequest req : reqs) {
                                boolean cancelled = engine.cancel(req);
                                calls++;
                                if (last && cancelled) {
                                    throw new AssertionError("cancel answered true after the context closed");
                                }
                            }
                            if (last) {
                                return calls;
                            }
                        }
                    });
                    go.countDown();
                    spin(random.nextLong(2_000_000));
                    ctx.close();
                    try {
                        assertTrue(canceller.get(BOUND.toSeconds(), TimeUnit.SECONDS) >= REQUESTS, what);
                    } catch (TimeoutException e) {
                        fail(what + ": an off-loop cancel did not return within " + BOUND + " of the context closing");
                    } catch (ExecutionException e) {
                        throw new AssertionError(what + ": an off-loop cancel threw " + e.getCause(), e.getCause());
                    }
                    for (int i = 0; i < REQUESTS; i++) {
                        assertEquals(1, blocked.calls.get(i), what + ": completions of request " + i);
                        assertEquals(-Errno.ECANCELED, blocked.results.get(i), what + ": result of request " + i);
                    }
                    assertEquals(0, blocked.offLoop.get(), what + ": completions off the loop");
                    engine.close();
                } finally {
                    ctx.close();
                }
            }
        } finally {
            for (AioRequest req : reqs) {
                req.close();
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** Completions of reads blocked on the FIFO, per request. */
    private static final class Blocked {
        final AtomicIntegerArray calls;
        final AtomicIntegerArray results;
        final AtomicInteger offLoop = new AtomicInteger();

        Blocked(int n) {
            calls = new AtomicIntegerArray(n);
            results = new AtomicIntegerArray(n);
        }
    }

    /** Submits a read of the empty FIFO per request, on the loop, and waits until the engine holds them all. */
    private Blocked submitBlocked(AioContext ctx, IoUringEngine engine, FileHandle fifo, AioRequest[] reqs) {
        Blocked blocked = new Blocked(reqs.length);
        AtomicInteger submitted = new AtomicInteger();
        ctx.execute(() -> {
            for (int i = 0; i < reqs.length; i++) {
                int index = i;
                engine.submit(reqs[i].prepareRead(fifo, 0, arena.allocate(16)), r -> {
                    if (!ctx.inLoop()) {
                        blocked.offLoop.incrementAndGet();
                    }
                    blocked.results.set(index, r);
                    blocked.calls.incrementAndGet(index);
                });
            }
            submitted.set(1);
        });
        assertTrue(ctx.runUntil(() -> submitted.get() == 1, BOUND), "submitted");
        return blocked;
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
