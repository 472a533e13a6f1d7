package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedding program gets wrong, and what it gets back: argument errors thrown on its own thread at once
 * (as AsynchronousFileChannel throws them), never a future that hangs; buffers the I/O could not use safely
 * refused before any I/O; every future completing even when the context closes under it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockBackendMisuseTest {
    @TempDir
    Path dir;

    private AioContext ctx;
    private Arena arena;
    private BlockBackend disk;

    @BeforeEach
    void start() throws ErrnoException {
        ctx = AioContext.create();
        arena = Arena.ofShared();
        disk = BlockBackend.create(ctx, dir.resolve("d.raw"), 1 << 20, BlockBackendOptions.defaults());
    }

    @AfterEach
    void stop() {
        try {
            disk.close();
        } finally {
            ctx.close();
            arena.close();
        }
    }

    @Test
    void argumentErrorsAreThrownOnTheCallersThread() throws Exception {
        MemorySegment buf = arena.allocate(4096);
        assertThrows(NullPointerException.class, () -> disk.read(0, null));
        assertThrows(NullPointerException.class, () -> disk.write(0, null));
        String neg = assertThrows(IllegalArgumentException.class, () -> disk.read(-4096, buf)).getMessage();
        assertTrue(neg.contains("-4096"), neg);
        assertThrows(IllegalArgumentException.class, () -> disk.write(-1, buf));
        assertThrows(IllegalArgumentException.class, () -> disk.discard(0, -1));
        assertThrows(IllegalArgumentException.class, () -> disk.writeZeroes(-8, 8));
        // The loop form says the same, on the loop.
        AtomicReference<Throwable> onLoop = new AtomicReference<>();
        ctx.execute(() -> {
            try {
                disk.read(-1, buf, (r, d) -> { });
            } catch (Throwable t) {
                onLoop.set(t);
            }
        });
        ctx.runUntil(() -> onLoop.get() != null);
        assertTrue(onLoop.get() instanceof IllegalArgumentException, String.valueOf(onLoop.get()));
        // The backend still works, and nothing was left counted in flight.
        assertEquals(4096, ctx.await(disk.write(0, buf)));
    }

    @Test
    void aTransferBeyondTheEnginesLimitIsRefusedAtOnce() throws Exception {
        // A segment of 3 GiB that is never touched: reserved address space, no memory.
        MemorySegment huge = MemorySegment.ofAddress(arena.allocate(8).address()).reinterpret(3L << 30);
        String m = assertThrows(IllegalArgumentException.class, () -> disk.read(0, huge)).getMessage();
        assertTrue(m.contains("3221225472"), m);
        assertEquals(4096, ctx.await(disk.read(0, arena.allocate(4096))), "nothing left in flight: the backend goes on");
    }

    @Test
    void buffersTheIoCannotUseSafelyAreRefusedBeforeAnyIo() throws Exception {
        MemorySegment data = arena.allocate(4096);
        data.fill((byte) 7);
        assertEquals(4096, ctx.await(disk.write(0, data)));
        MemorySegment readOnly = arena.allocate(4096).asReadOnly();
        String ro = assertThrows(IllegalArgumentException.class, () -> disk.read(0, readOnly)).getMessage();
        assertTrue(ro.contains("read-only"), ro);
        assertEquals(4096, ctx.await(disk.write(0, readOnly)), "a read-only buffer is fine to write from");
        String heap = assertThrows(IllegalArgumentException.class, () -> disk.read(0, MemorySegment.ofArray(new byte[4096])))
                .getMessage();
        assertTrue(heap.contains("native"), heap);
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment mine = confined.allocate(4096);
            String c = assertThrows(IllegalArgumentException.class, () -> disk.read(0, mine)).getMessage();
            assertTrue(c.contains("confined"), c);
        }
        MemorySegment freed;
        try (Arena gone = Arena.ofShared()) {
            freed = gone.allocate(4096);
        }
        MemorySegment dead = freed;
        assertThrows(IllegalStateException.class, () -> disk.read(0, dead));
    }

    @Test
    void closingTheContextUnderRequestsCompletesEveryFuture() throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            futures.add(disk.write(i * 4096L, arena.allocate(4096)));
        }
        ctx.close();
        for (CompletableFuture<Integer> f : futures) {
            assertTrue(f.isDone(), "a future left pending by the close");
            if (!f.isCompletedExceptionally()) {
                assertEquals(4096, f.join());
            }
        }
        disk.close(); // the backend closes after its context without complaint
        CompletableFuture<Integer> late = disk.read(0, arena.allocate(4096));
        assertTrue(late.isCompletedExceptionally(), "a request after the close fails at once");
    }

    /**
     * A refused request waited for inside a loop callback (a nested wait runs bottom halves, not Netty tasks)
     * completes: refusals are owed through a bottom half, not a task queued behind the waiting callback.
     */
    @Test
    void aRefusalAwaitedInANestedWaitOnTheLoopCompletes() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        MemorySegment buf = arena.allocate(4096);
        ctx.execute(() -> {
            CompletableFuture<Integer> past = disk.read(disk.size(), buf);
            CompletableFuture<Integer> flushed = disk.flush();
            boolean done = ctx.runUntil(() -> past.isDone() && flushed.isDone(), java.time.Duration.ofSeconds(20));
            outcome.complete(done + " " + past.isCompletedExceptionally() + " " + flushed.getNow(-1));
        });
        assertEquals("true true 0", ctx.await(outcome));
    }

    @Test
    void anErrorNamesItsErrnoOnce() {
        String m = new BlockIOException(-Errno.EIO, "read", 0, 4096, "/x.raw", "pread failed: EIO (Input/output error)")
                .getMessage();
        assertEquals("read of 4096 bytes at offset 0 on /x.raw failed: EIO (Input/output error); pread failed", m);
        String other = new BlockIOException(-Errno.EINVAL, "read", 0, 4096, "/x.raw", "O_DIRECT needs 512-byte alignment")
                .getMessage();
        assertTrue(other.endsWith("EINVAL (Invalid argument); O_DIRECT needs 512-byte alignment"), other);
    }

    @Test
    void aDirectoryIsNoImage() throws Exception {
        Path d = Files.createDirectory(dir.resolve("not-an-image"));
        for (boolean readOnly : new boolean[] {true, false}) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> BlockBackend.open(ctx, d, BlockBackendOptions.defaults().withReadOnly(readOnly)));
            assertEquals(Errno.EISDIR, e.errno(), e.getMessage());
        }
    }
}
