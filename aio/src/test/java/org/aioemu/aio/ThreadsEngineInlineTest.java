package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.ThreadPool;
import org.aioemu.engine.ThreadPoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The threads engine's loop-side reads on a real kernel: a buffered read whose data is in the page cache
 * completes on the loop without a worker (preadv2 RWF_NOWAIT); data that is not cached, a read that runs past
 * end of file and anything that fails go to a worker, and every way gives the same bytes and errors.
 */
class ThreadsEngineInlineTest {
    private static final int SIZE = 1 << 20;

    private Path dir;
    private Path path;
    private byte[] data;
    private AioContext ctx;
    private ThreadPool pool;
    private ThreadsEngine engine;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(LibC.hasPreadv2(), "libc has no preadv2 (glibc < 2.26): reads are never tried on the loop");
        dir = TestSupport.freshDirectDir(); // not tmpfs: one test writes with O_DIRECT
        path = dir.resolve("img");
        data = TestSupport.randomBytes(new Random(11), SIZE);
        Files.write(path, data); // through the page cache: cached from now on
        ctx = AioContext.create();
        pool = ctx.threadPool();
        engine = new ThreadsEngine(ctx);
        arena = Arena.ofShared();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (ctx != null) {
            ctx.close();
        }
        if (arena != null) {
            arena.close();
        }
        TestSupport.deleteTree(dir);
    }

    /** Submits {@code req} on the loop; its result, checked to arrive on the loop. */
    private int onLoop(AioEngine e, AioRequest req) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        ctx.execute(() -> e.submit(req, r -> {
            if (ctx.inLoop()) {
                done.complete(r);
            } else {
                done.completeExceptionally(new AssertionError("completion off the loop"));
            }
        }));
        return done.get(30, TimeUnit.SECONDS);
    }

    private byte[] expected(long offset, int length) {
        byte[] out = new byte[length];
        if (offset < data.length) {
            int n = (int) Math.min(length, data.length - offset);
            System.arraycopy(data, (int) offset, out, 0, n);
        }
        return out;
    }

    @Test
    void cachedReadsCompleteOnTheLoopWithTheFileData() throws Exception {
        Random rnd = new Random(3);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            for (int i = 0; i < 500; i++) {
                int length = 512 * (1 + rnd.nextInt(32));
                long offset = rnd.nextInt(SIZE - length);
                MemorySegment buf = arena.allocate(length);
                buf.fill((byte) 0x5a);
                assertEquals(length, onLoop(engine, req.prepareRead(fh, offset, buf)), "read " + i);
                assertArrayEquals(expected(offset, length), TestSupport.bytes(buf), "read " + i + " at " + offset);
                assertEquals(length, req.result());
            }
        }
        long inline = pool.stats().ranInline();
        assertTrue(inline >= 400, "of 500 cached reads at depth 1, " + inline + " ran on the loop: " + pool);
    }

    @Test
    void aVectoredCachedReadFillsEverySegment() throws Exception {
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment a = arena.allocate(100);
            MemorySegment b = arena.allocate(4000);
            MemorySegment c = arena.allocate(1);
            assertEquals(4101, onLoop(engine, req.prepareRead(fh, 777, a, b, c)));
            byte[] all = expected(777, 4101);
            assertArrayEquals(Arrays.copyOfRange(all, 0, 100), TestSupport.bytes(a));
            assertArrayEquals(Arrays.copyOfRange(all, 100, 4100), TestSupport.bytes(b));
            assertArrayEquals(Arrays.copyOfRange(all, 4100, 4101), TestSupport.bytes(c));
            assertEquals(1, pool.stats().ranInline());
        }
    }

    @Test
    void dataNotInThePageCacheIsReadByAWorkerAndThenIsCached() throws Exception {
        Path fresh = dir.resolve("fresh");
        byte[] payload = TestSupport.randomBytes(new Random(5), 64 * 1024);
        // Written with O_DIRECT into a new file: the data never passes through the page cache.
        try (FileHandle direct = openDirect(fresh); AioRequest req = new AioRequest()) {
            MemorySegment out = AlignedBuffers.allocate(arena, payload.length);
            out.copyFrom(MemorySegment.ofArray(payload));
            assertEquals(payload.length, RawIo.execute(req.prepareWrite(direct, 0, out)), String.valueOf(req.errorDetail()));
        }
        try (FileHandle fh = FileHandle.open(fresh, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(8192);
            assertEquals(8192, onLoop(engine, req.prepareRead(fh, 16384, buf)));
            assertArrayEquals(Arrays.copyOfRange(payload, 16384, 16384 + 8192), TestSupport.bytes(buf));
            assertEquals(0, pool.stats().ranInline(), "an uncached read completed on the loop: " + pool);
            // The worker's buffered read brought those pages in: the same read now needs no worker.
            buf.fill((byte) 0);
            assertEquals(8192, onLoop(engine, req.prepareRead(fh, 16384, buf)));
            assertArrayEquals(Arrays.copyOfRange(payload, 16384, 16384 + 8192), TestSupport.bytes(buf));
            assertEquals(1, pool.stats().ranInline(), pool.toString());
        }
    }

    private static FileHandle openDirect(Path p) throws ErrnoException {
        try {
            return FileHandle.open(p, OpenOptions.readWrite().withCreate().withDirect());
        } catch (ErrnoException e) {
            assumeTrue(e.errno() != Errno.EINVAL, "no O_DIRECT on this file system: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void readsThatRunPastEndOfFileReadZeroesBeyondIt() throws Exception {
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment straddling = arena.allocate(8192);
            straddling.fill((byte) 0x33);
            assertEquals(8192, onLoop(engine, req.prepareRead(fh, SIZE - 1000, straddling)));
            assertArrayEquals(expected(SIZE - 1000, 8192), TestSupport.bytes(straddling));
            MemorySegment beyond = arena.allocate(4096);
            beyond.fill((byte) 0x33);
            assertEquals(4096, onLoop(engine, req.prepareRead(fh, 4L * SIZE, beyond)));
            assertArrayEquals(new byte[4096], TestSupport.bytes(beyond));
        }
    }

    @Test
    void failuresReadTheSameAsOnAWorker() throws Exception {
        FileHandle fh = FileHandle.open(path, OpenOptions.readOnly());
        fh.close();
        try (AioRequest req = new AioRequest(); FileHandle open = FileHandle.open(path, OpenOptions.readOnly())) {
            MemorySegment buf = arena.allocate(4096);
            assertEquals(-Errno.EBADF, onLoop(engine, req.prepareRead(fh, 0, buf)));
            assertEquals(path + " is closed", req.errorDetail());
            assertEquals(-Errno.EINVAL, onLoop(engine, req.prepareRead(open, -4096, buf)));
            assertTrue(req.errorDetail() != null && req.errorDetail().contains("offset"), req.errorDetail());
        }
        assertEquals(0, pool.stats().ranInline());
    }

    @Test
    void writesAndDirectReadsAreNeverTriedOnTheLoop() throws Exception {
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(4096);
            buf.fill((byte) 7);
            assertFalse(req.prepareWrite(fh, 0, buf).mayCompleteWithoutBlocking());
            assertEquals(4096, onLoop(engine, req));
            assertFalse(req.prepareFlush(fh, true).mayCompleteWithoutBlocking());
            assertTrue(req.prepareRead(fh, 0, buf).mayCompleteWithoutBlocking());
        }
        try (FileHandle direct = openDirect(path); AioRequest req = new AioRequest()) {
            MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
            assertFalse(req.prepareRead(direct, 0, buf).mayCompleteWithoutBlocking());
            assertEquals(4096, onLoop(engine, req));
        }
        assertEquals(0, pool.stats().ranInline());
    }

    @Test
    void withInlineAttemptsOffEveryReadGoesToAWorker() throws Exception {
        ThreadPool off = ctx.newThreadPool(ThreadPoolConfig.defaults().withName("off").withInlineAttempts(false));
        ThreadsEngine offEngine = new ThreadsEngine(off);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(4096);
            for (int i = 0; i < 50; i++) {
                assertEquals(4096, onLoop(offEngine, req.prepareRead(fh, 4096L * i, buf)));
                assertArrayEquals(expected(4096L * i, 4096), TestSupport.bytes(buf));
            }
        } finally {
            off.close();
        }
        assertEquals(0, off.stats().ranInline());
        assertEquals(50, off.stats().completed());
    }
}
