package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A callback that waits on the loop ({@code AioContext.runUntil} there, QEMU's nested {@code aio_poll}) for
 * its own io_uring requests: the nested wait reaps their CQEs. A wait that cannot reap them hangs the loop,
 * so each test is bounded and the context is closed with a bounded wait.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoUringEngineNestedWaitTest {
    @TempDir
    Path dir;

    private AioContext ctx;
    private Arena arena;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        ctx = AioContext.builder().transport(Transport.IO_URING).build();
        arena = Arena.ofShared();
    }

    @AfterEach
    void stop() throws Exception {
        if (ctx == null) {
            return;
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(ctx::close);
        try {
            closing.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(ctx + " did not close: its loop is stuck in a nested wait", e);
        }
        arena.close();
    }

    /** The brief's case (b): a read blocked in the kernel (an empty FIFO) completes inside a nested wait. */
    @Test
    void aNestedWaitGetsTheCompletionOfARequestStillInTheKernel() throws Exception {
        Path fifo = fifo();
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite());
             OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE);
             AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(16);
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger result = new AtomicInteger();
            AtomicBoolean returned = new AtomicBoolean();
            CountDownLatch waiting = new CountDownLatch(1);
            ctx.execute(() -> {
                engine.submit(req.prepareRead(fh, 0, buf), r -> {
                    result.set(r);
                    calls.incrementAndGet();
                });
                waiting.countDown();
                ctx.runUntil(() -> calls.get() > 0);
                returned.set(true);
            });
            waiting.await();
            Thread.sleep(20); // the wait is most likely asleep in the ring by now
            byte[] data = TestSupport.randomBytes(new Random(5), 16);
            out.write(data);
            out.flush();
            assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the nested wait never got the CQE");
            assertEquals(16, result.get());
            assertEquals(1, calls.get());
            assertArrayEquals(data, buf.toArray(ValueLayout.JAVA_BYTE));
        } finally {
            engine.close();
        }
    }

    /**
     * Many file reads submitted on the loop, then waited for nested in the same callback: the SQEs reach the
     * kernel and every CQE is reaped inside the wait; each request completes once.
     */
    @Test
    void aCallbackSubmitsAndWaitsNestedForManyReads() throws Exception {
        int n = 300;
        Path path = dir.resolve("data");
        byte[] data = TestSupport.randomBytes(new Random(6), n * 512);
        Files.write(path, data);
        IoUringEngine engine = new IoUringEngine(ctx, 64);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            MemorySegment all = arena.allocate((long) n * 512);
            AioRequest[] reqs = new AioRequest[n];
            AtomicInteger[] calls = new AtomicInteger[n];
            AtomicInteger wrong = new AtomicInteger();
            AtomicBoolean returned = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                reqs[i] = new AioRequest().prepareRead(fh, i * 512L, all.asSlice(i * 512L, 512));
                calls[i] = new AtomicInteger();
            }
            ctx.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    engine.submit(reqs[i], r -> {
                        wrong.addAndGet(r == 512 ? 0 : 1);
                        calls[index].incrementAndGet();
                        done.incrementAndGet();
                    });
                }
                ctx.runUntil(() -> done.get() == n);
                returned.set(true);
            });
            assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(20)), "completed " + done.get() + " of " + n);
            assertEquals(0, wrong.get());
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls[i].get(), "completions of request " + i);
                reqs[i].close();
            }
            assertArrayEquals(data, all.toArray(ValueLayout.JAVA_BYTE));
        } finally {
            engine.close();
        }
    }

    /** close() on the loop with a read still in the kernel returns only after its CQE, once the FIFO gets data. */
    @Test
    void closeOnTheLoopWaitsForTheLastCqe() throws Exception {
        Path fifo = fifo();
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite());
             OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE);
             AioRequest req = new AioRequest()) {
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger callsWhenCloseReturned = new AtomicInteger(-1);
            CountDownLatch closing = new CountDownLatch(1);
            ctx.execute(() -> {
                engine.submit(req.prepareRead(fh, 0, arena.allocate(8)), r -> calls.incrementAndGet());
                closing.countDown();
                engine.close();
                callsWhenCloseReturned.set(calls.get());
            });
            closing.await();
            Thread.sleep(50);
            assertEquals(-1, callsWhenCloseReturned.get(), "close on the loop returned with a read in the kernel");
            out.write(new byte[8]);
            out.flush();
            assertTrue(ctx.runUntil(() -> callsWhenCloseReturned.get() >= 0, Duration.ofSeconds(10)));
            assertEquals(1, callsWhenCloseReturned.get(), "close returned before the request completed");
            assertThrows(IllegalStateException.class, () -> engine.submit(new AioRequest().prepareRead(fh, 0,
                    arena.allocate(8)), r -> { }));
        }
    }

    /**
     * close() on the loop while a submission from another thread is still on its way there (a Netty task a
     * nested wait does not run) returns at once rather than wait for ever; the request still completes once,
     * and the engine unregisters after it.
     */
    @Test
    void closeOnTheLoopDoesNotWaitForASubmissionStillOnItsWay() throws Exception {
        Path path = dir.resolve("small");
        Files.write(path, new byte[4096]);
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            CountDownLatch holdLoop = new CountDownLatch(1);
            AtomicBoolean closeReturned = new AtomicBoolean();
            ctx.execute(() -> {
                try {
                    holdLoop.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                engine.close(); // the submit below is queued behind this task
                closeReturned.set(true);
            });
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger result = new AtomicInteger();
            engine.submit(req.prepareRead(fh, 0, arena.allocate(4096)), r -> {
                result.set(r);
                calls.incrementAndGet();
            });
            holdLoop.countDown();
            assertTrue(ctx.runUntil(closeReturned::get, Duration.ofSeconds(10)), "close waited for a task");
            assertTrue(ctx.runUntil(() -> calls.get() == 1, Duration.ofSeconds(10)));
            assertEquals(4096, result.get());
        }
    }

    private Path fifo() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo failed");
        return fifo;
    }
}
