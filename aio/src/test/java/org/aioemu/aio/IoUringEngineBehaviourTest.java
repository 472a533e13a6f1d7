package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the io_uring engine has: its own queue beyond the ring, short reads the kernel really returns
 * (from a FIFO, which io_uring reads as a stream), ASYNC_CANCEL of an SQE that is blocked in the kernel,
 * close waiting for CQEs, and the refusal where io_uring cannot run.
 */
class IoUringEngineBehaviourTest {
    @TempDir
    Path dir;

    private AioContext ctx;
    private Arena arena;

    @BeforeEach
    void start() {
        Requires.ioUring();
        ctx = AioContext.builder().transport(Transport.IO_URING).build();
        arena = Arena.ofShared();
    }

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.close();
            arena.close();
        }
    }

    /** 2,000 reads in one loop task: beyond the SQ (128), beyond the engine's limit, and with a tiny limit. */
    @Test
    void moreRequestsThanTheRingHoldsAllCompleteOnce() throws Exception {
        int n = 2000;
        Path path = dir.resolve("many");
        byte[] data = TestSupport.randomBytes(new Random(1), n * 512);
        Files.write(path, data);
        for (int limit : new int[]{128, 1024, 3}) {
            IoUringEngine engine = new IoUringEngine(ctx, limit);
            try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
                AioRequest[] reqs = new AioRequest[n];
                MemorySegment[] bufs = new MemorySegment[n];
                for (int i = 0; i < n; i++) {
                    bufs[i] = arena.allocate(512);
                    reqs[i] = new AioRequest().prepareRead(fh, i * 512L, bufs[i]);
                }
                ReadBurst.start(ctx, reqs, 512, engine::submit).assertAllCompleteOnce(Duration.ofSeconds(30), "limit " + limit);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(Arrays.copyOfRange(data, i * 512, (i + 1) * 512), bufs[i].toArray(ValueLayout.JAVA_BYTE));
                    reqs[i].close();
                }
            } finally {
                engine.close();
            }
        }
    }

    /**
     * More requests outstanding than the engine has tags for (65,536, all submitted in one loop task, so
     * none can complete in between): the rest wait in the engine's own overflow queue and still complete
     * exactly once with their data.
     */
    @Test
    void moreRequestsThanTagsWaitInOrderAndCompleteOnce() throws Exception {
        int n = UringSlots.MAX_SLOTS + 4_464; // 70,000
        int size = 512;
        Path path = dir.resolve("tags");
        byte[] data = TestSupport.randomBytes(new Random(2), n * size);
        Files.write(path, data);
        IoUringEngine engine = new IoUringEngine(ctx, 128);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            MemorySegment all = arena.allocate((long) n * size, 4096);
            AioRequest[] reqs = new AioRequest[n];
            for (int i = 0; i < n; i++) {
                reqs[i] = new AioRequest().prepareRead(fh, (long) i * size, all.asSlice((long) i * size, size));
            }
            ReadBurst.start(ctx, reqs, size, engine::submit).assertAllCompleteOnce(Duration.ofSeconds(60), n + " reads");
            assertArrayEquals(data, all.toArray(ValueLayout.JAVA_BYTE));
            for (AioRequest req : reqs) {
                req.close();
            }
        } finally {
            engine.close();
        }
    }

    /** A FIFO gives a real short read: the engine continues it, single and vectored, until all bytes came. */
    @Test
    void shortReadsAreContinuedWhereTheyStopped() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite());
             OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE);
             AioRequest single = new AioRequest(); AioRequest vectored = new AioRequest()) {
            byte[] data = TestSupport.randomBytes(new Random(2), 4096);
            MemorySegment buf = arena.allocate(4096);
            Pending first = submit(engine, single.prepareRead(fh, 0, buf));
            out.write(data, 0, 100);
            out.flush();
            assertFalse(first.awaitFor(Duration.ofMillis(200)), "completed after a short read");
            out.write(data, 100, 4096 - 100);
            out.flush();
            assertEquals(4096, first.await());
            assertArrayEquals(data, buf.toArray(ValueLayout.JAVA_BYTE));

            MemorySegment[] iov = {arena.allocate(1000), arena.allocate(3096)};
            Pending second = submit(engine, vectored.prepareRead(fh, 0, iov));
            out.write(data, 0, 1500); // ends inside the second segment
            out.flush();
            assertFalse(second.awaitFor(Duration.ofMillis(200)), "completed after a short read");
            out.write(data, 1500, 4096 - 1500);
            out.flush();
            assertEquals(4096, second.await());
            byte[] got = new byte[4096];
            MemorySegment.copy(iov[0], ValueLayout.JAVA_BYTE, 0, got, 0, 1000);
            MemorySegment.copy(iov[1], ValueLayout.JAVA_BYTE, 0, got, 1000, 3096);
            assertArrayEquals(data, got);
        } finally {
            engine.close();
        }
    }

    @Test
    void readAcrossEndOfFileIsZeroFilledFromWhereTheDataStops() throws Exception {
        Path path = dir.resolve("eof");
        byte[] data = TestSupport.randomBytes(new Random(4), 10_000);
        Files.write(path, data);
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(16384);
            buf.fill((byte) 0x77);
            assertEquals(16384, submit(engine, req.prepareRead(fh, 8192, buf)).await());
            byte[] want = new byte[16384];
            System.arraycopy(data, 8192, want, 0, 10_000 - 8192);
            assertArrayEquals(want, buf.toArray(ValueLayout.JAVA_BYTE));
        } finally {
            engine.close();
        }
    }

    /** A read blocked on an empty FIFO ends only by ASYNC_CANCEL: -ECANCELED, once; on and off the loop. */
    @Test
    void cancelOfABlockedSqeCompletesItWithEcanceled() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite());
             AioRequest a = new AioRequest(); AioRequest b = new AioRequest()) {
            Pending onLoop = submit(engine, a.prepareRead(fh, 0, arena.allocate(4096)));
            Pending offLoop = submit(engine, b.prepareRead(fh, 0, arena.allocate(4096)));
            assertFalse(onLoop.awaitFor(Duration.ofMillis(100)));
            CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
            ctx.execute(() -> cancelled.complete(engine.cancel(a)));
            assertTrue(cancelled.get(10, TimeUnit.SECONDS));
            assertEquals(-Errno.ECANCELED, onLoop.await());
            assertTrue(engine.cancel(b), "cancel from a thread other than the loop");
            assertEquals(-Errno.ECANCELED, offLoop.await());
            assertFalse(engine.cancel(a), "cancel after completion");
            assertEquals(1, onLoop.calls.get());
            assertEquals(1, offLoop.calls.get());
        } finally {
            engine.close();
        }
    }

    /** With room for one SQE, a second request waits in the engine; cancelling it there needs no kernel. */
    @Test
    void cancelOfAQueuedRequestCompletesItWithEcanceled() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        Path file = dir.resolve("f");
        Files.write(file, new byte[4096]);
        IoUringEngine engine = new IoUringEngine(ctx, 1);
        try (FileHandle pipe = FileHandle.open(fifo, OpenOptions.readWrite());
             FileHandle fh = FileHandle.open(file, OpenOptions.readOnly());
             OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE);
             AioRequest blocked = new AioRequest(); AioRequest queued = new AioRequest()) {
            Pending first = submit(engine, blocked.prepareRead(pipe, 0, arena.allocate(64)));
            Pending second = submit(engine, queued.prepareRead(fh, 0, arena.allocate(4096)));
            assertFalse(second.awaitFor(Duration.ofMillis(100)), "ran though the ring limit is 1");
            assertTrue(engine.cancel(queued));
            assertEquals(-Errno.ECANCELED, second.await());
            out.write(new byte[64]);
            out.flush();
            assertEquals(64, first.await());
        } finally {
            engine.close();
        }
    }

    /** close() from another thread returns only after the last CQE: here, once the FIFO gets data. */
    @Test
    void closeWaitsForTheLastCqe() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        IoUringEngine engine = new IoUringEngine(ctx);
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite());
             OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE);
             AioRequest req = new AioRequest()) {
            Pending read = submit(engine, req.prepareRead(fh, 0, arena.allocate(8)));
            // In flight before close begins: a close that wins the race refuses the submit instead.
            assertTrue(ctx.runUntil(read.accepted::get, Duration.ofSeconds(10)));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
            assertThrows(TimeoutException.class, () -> closing.get(300, TimeUnit.MILLISECONDS));
            assertEquals(0, read.calls.get());
            out.write(new byte[8]);
            out.flush();
            closing.get(10, TimeUnit.SECONDS);
            assertEquals(1, read.calls.get(), "close returned before the request completed");
            assertEquals(8, read.result.get());
        }
    }

    /** The context closed under an open engine: Netty closes the handle; every request still completes once. */
    @Test
    void closingTheContextFirstCompletesEveryRequestOnce() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        Path file = dir.resolve("g");
        Files.write(file, new byte[4096]);
        AioContext own = AioContext.builder().transport(Transport.IO_URING).build();
        IoUringEngine engine = new IoUringEngine(own, 1);
        try (FileHandle pipe = FileHandle.open(fifo, OpenOptions.readWrite());
             FileHandle fh = FileHandle.open(file, OpenOptions.readOnly());
             AioRequest blocked = new AioRequest(); AioRequest queued = new AioRequest()) {
            AtomicIntegerArray calls = new AtomicIntegerArray(2);
            int[] results = new int[2];
            AtomicInteger onLoop = new AtomicInteger();
            own.execute(() -> {
                engine.submit(blocked.prepareRead(pipe, 0, arena.allocate(64)), r -> {
                    results[0] = r;
                    calls.incrementAndGet(0);
                });
                engine.submit(queued.prepareRead(fh, 0, arena.allocate(4096)), r -> {
                    results[1] = r;
                    calls.incrementAndGet(1);
                });
                onLoop.set(1);
            });
            own.runUntil(() -> onLoop.get() == 1);
            own.close();
            assertEquals(1, calls.get(0), "the read blocked in the kernel");
            assertEquals(1, calls.get(1), "the read queued in the engine");
            assertEquals(-Errno.ECANCELED, results[0]);
            assertEquals(-Errno.ECANCELED, results[1]);
            engine.close(); // after the context: returns at once
        }
    }

    @Test
    void refusedWithAReasonWhereTheLoopIsNotIoUring() {
        Requires.epoll();
        try (AioContext epoll = AioContext.builder().transport(Transport.EPOLL).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AioEngines.create("io_uring", epoll));
            assertTrue(e.getMessage().contains("epoll") && e.getMessage().contains("the threads engine runs anywhere") && !e.getMessage().contains("--aio"), e.getMessage());
        }
        try (AioEngine engine = AioEngines.create("io_uring", ctx)) {
            assertInstanceOf(IoUringEngine.class, engine);
            assertEquals("io_uring", engine.name());
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** A submitted request's completion, counted. */
    private final class Pending {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger result = new AtomicInteger();
        /** Set on the loop once the engine has taken the request (the submit task ran). */
        final java.util.concurrent.atomic.AtomicBoolean accepted = new java.util.concurrent.atomic.AtomicBoolean();

        boolean awaitFor(Duration d) {
            return ctx.runUntil(() -> calls.get() > 0, d);
        }

        int await() {
            assertTrue(awaitFor(Duration.ofSeconds(10)), "no completion");
            return result.get();
        }
    }

    private Pending submit(AioEngine engine, AioRequest req) {
        Pending p = new Pending();
        ctx.execute(() -> {
            engine.submit(req, r -> {
                p.result.set(ctx.inLoop() ? r : Integer.MIN_VALUE); // off the loop shows as a wrong result
                p.calls.incrementAndGet();
            });
            p.accepted.set(true);
        });
        return p;
    }
}
