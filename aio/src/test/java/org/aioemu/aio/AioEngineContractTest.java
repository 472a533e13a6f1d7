package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link AioEngine} promises: data round trips, errno results, and exactly one completion per
 * request, on the loop thread — also under cancel, close with requests in flight, and a randomized load.
 * Subclassed per engine; the engines must give the same results.
 */
abstract class AioEngineContractTest {
    @TempDir
    Path dir;

    AioContext ctx;
    AioEngine engine;
    Arena arena;

    abstract AioEngine newEngine(AioContext ctx);

    /**
     * Skips every test (by an assumption naming what is missing) where the engine cannot run here. Called
     * before anything is built, so a skip leaves nothing to tear down. Engines that run anywhere keep this.
     */
    void assumeAvailable() {
    }

    @BeforeEach
    void start() {
        assumeAvailable();
        ctx = AioContext.create();
        engine = newEngine(ctx);
        arena = Arena.ofShared();
    }

    /** Undoes what {@link #start} built, however far it got (a constructor that threw leaves the rest null). */
    @AfterEach
    void stop() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            try {
                if (ctx != null) {
                    ctx.close();
                }
            } finally {
                if (arena != null) {
                    arena.close();
                }
            }
        }
    }

    /** Submits on the loop and waits; returns the result. Asserts the completion ran once, on the loop. */
    int run(AioRequest req) {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger result = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        ctx.execute(() -> engine.submit(req, r -> {
            if (!ctx.inLoop()) {
                offLoop.incrementAndGet();
            }
            result.set(r);
            calls.incrementAndGet();
        }));
        ctx.runUntil(() -> calls.get() > 0);
        AtomicInteger flushed = new AtomicInteger();
        ctx.execute(flushed::incrementAndGet);
        ctx.runUntil(() -> flushed.get() == 1);
        assertEquals(1, calls.get(), "completions of " + req);
        assertEquals(0, offLoop.get(), "completion off the loop");
        return result.get();
    }

    @Test
    void randomConcurrentWritesThenReadsRoundTrip() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int blocks = 256;
        int block = 4096;
        Path path = dir.resolve("img");
        byte[] model = new byte[blocks * block];
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite().withCreate())) {
            // Write every block once, all 256 in flight at once, each as a random vector of 1..4 segments.
            List<AioRequest> reqs = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                byte[] data = new byte[block];
                rnd.nextBytes(data);
                System.arraycopy(data, 0, model, b * block, block);
                int parts = 1 + rnd.nextInt(4);
                MemorySegment[] iov = new MemorySegment[parts];
                int cut = 0;
                for (int p = 0; p < parts; p++) {
                    int len = p == parts - 1 ? block - cut : (block / parts);
                    iov[p] = arena.allocate(len);
                    MemorySegment.copy(data, cut, iov[p], ValueLayout.JAVA_BYTE, 0, len);
                    cut += len;
                }
                reqs.add(new AioRequest().prepareWrite(fh, (long) b * block, iov));
            }
            assertEquals(blocks, submitAll(reqs, block), "seed " + seed);
            // Read back in random order, all in flight, and compare.
            List<AioRequest> reads = new ArrayList<>();
            MemorySegment[] bufs = new MemorySegment[blocks];
            for (int b = 0; b < blocks; b++) {
                bufs[b] = AlignedBuffers.allocate(arena, block);
                reads.add(new AioRequest().prepareRead(fh, (long) b * block, bufs[b]));
            }
            java.util.Collections.shuffle(reads, new java.util.Random(seed));
            assertEquals(blocks, submitAll(reads, block), "seed " + seed);
            for (int b = 0; b < blocks; b++) {
                byte[] got = bufs[b].toArray(ValueLayout.JAVA_BYTE);
                byte[] want = java.util.Arrays.copyOfRange(model, b * block, (b + 1) * block);
                assertArrayEquals(want, got, "block " + b + ", seed " + seed);
            }
            assertArrayEquals(model, Files.readAllBytes(path), "file contents, seed " + seed);
            for (AioRequest r : reqs) {
                r.close();
            }
            for (AioRequest r : reads) {
                r.close();
            }
        }
    }

    /** Submits every request at once from the loop; returns how many completed with {@code expected}. */
    private int submitAll(List<AioRequest> reqs, int expected) {
        AtomicIntegerArray calls = new AtomicIntegerArray(reqs.size());
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        ctx.execute(() -> {
            for (int i = 0; i < reqs.size(); i++) {
                int index = i;
                engine.submit(reqs.get(i), r -> {
                    if (!ctx.inLoop()) {
                        offLoop.incrementAndGet();
                    }
                    calls.incrementAndGet(index);
                    if (r == expected) {
                        ok.incrementAndGet();
                    }
                    total.incrementAndGet();
                });
            }
        });
        ctx.runUntil(() -> total.get() == reqs.size());
        assertEquals(0, offLoop.get(), "completions off the loop");
        for (int i = 0; i < reqs.size(); i++) {
            assertEquals(1, calls.get(i), "completions of request " + i);
        }
        return ok.get();
    }

    @Test
    void readPastEndOfFileReadsZeroes() throws Exception {
        Path path = dir.resolve("short");
        Files.write(path, new byte[]{1, 2, 3});
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(8192);
            buf.fill((byte) 0x55);
            assertEquals(8192, run(req.prepareRead(fh, 0, buf)));
            assertEquals(1, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(3, buf.get(ValueLayout.JAVA_BYTE, 2));
            for (long i = 3; i < 8192; i++) {
                assertEquals(0, buf.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void errorsCarryTheirErrno() throws Exception {
        Requires.devFull();
        Path path = dir.resolve("e");
        MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
        try (AioRequest req = new AioRequest()) {
            FileHandle closed = FileHandle.open(path, OpenOptions.readWrite().withCreate());
            closed.close();
            assertEquals(-Errno.EBADF, run(req.prepareRead(closed, 0, buf)));
            try (FileHandle ro = FileHandle.open(path, OpenOptions.readOnly())) {
                assertEquals(-Errno.EBADF, run(req.prepareWrite(ro, 0, buf)));
                assertEquals(-Errno.EINVAL, run(req.prepareRead(ro, -4096, buf)));
                assertNotNull(req.errorDetail());
            }
            try (FileHandle full = FileHandle.open(Path.of("/dev/full"), OpenOptions.readWrite())) {
                assertEquals(-Errno.ENOSPC, run(req.prepareWrite(full, 0, buf)));
            }
        }
    }

    @Test
    void flushDiscardAndWriteZeroes() throws Exception {
        Path path = dir.resolve("z");
        MemorySegment buf = AlignedBuffers.allocate(arena, 65536);
        buf.fill((byte) 7);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite().withCreate()); AioRequest req = new AioRequest()) {
            assertEquals(65536, run(req.prepareWrite(fh, 0, buf)));
            assertEquals(0, run(req.prepareFlush(fh, true)));
            assertEquals(0, run(req.prepareDiscard(fh, 0, 4096)));
            assertEquals(0, run(req.prepareWriteZeroes(fh, 8192, 4096)));
            byte[] data = Files.readAllBytes(path);
            assertEquals(65536, data.length, "discard keeps the size");
            for (int i = 0; i < 65536; i++) {
                boolean zeroed = i < 4096 || (i >= 8192 && i < 12288);
                assertEquals(zeroed ? 0 : 7, data[i], "byte " + i);
            }
        }
    }

    /** Whether a range flush syncs only its range; the mmap engine msyncs the whole mapping, as fio's does. */
    boolean syncRangeIsExact() {
        return true;
    }

    @Test
    void aRangeFlushWritesBackItsRange() throws Exception {
        MemorySegment buf = AlignedBuffers.allocate(arena, 65536);
        buf.fill((byte) 3);
        try (FileHandle fh = FileHandle.open(dir.resolve("r"), OpenOptions.readWrite().withCreate()); AioRequest req = new AioRequest()) {
            assertEquals(65536, run(req.prepareWrite(fh, 0, buf)));
            assertEquals(65536, run(req.prepareWrite(fh, 1 << 20, buf)));
            long before = CacheStat.dirtyPages(fh, 0, 65536);
            assumeTrue(before >= 0, "no cachestat(2) in this kernel (Linux 6.5+): writeback cannot be seen");
            assumeTrue(before > 0, "no dirty pages after a buffered write: the file system of " + dir + " writes through");
            int flags = AioRequest.SYNC_RANGE_WAIT_BEFORE | AioRequest.SYNC_RANGE_WRITE | AioRequest.SYNC_RANGE_WAIT_AFTER;
            assertEquals(0, run(req.prepareSyncRange(fh, 0, 65536, flags)), String.valueOf(req.errorDetail()));
            assertEquals(0, CacheStat.dirtyPages(fh, 0, 65536), "the range is written back (it had " + before + " dirty pages)");
            if (syncRangeIsExact()) {
                assertTrue(CacheStat.dirtyPages(fh, 1 << 20, 65536) > 0, "the write outside the range is still dirty");
            }
            assertEquals(0, run(req.prepareSyncRange(fh, 0, 0, AioRequest.SYNC_RANGE_WRITE | AioRequest.SYNC_RANGE_WAIT_AFTER)));
            assertEquals(0, CacheStat.dirtyPages(fh, 1 << 20, 65536), "length 0: to the end of the file");
            assertEquals(-Errno.EINVAL, run(req.prepareSyncRange(fh, -4096, 4096, AioRequest.SYNC_RANGE_WRITE)));
            assertThrows(IllegalArgumentException.class, () -> req.prepareSyncRange(fh, 0, 4096, 0));
            assertThrows(IllegalArgumentException.class, () -> req.prepareSyncRange(fh, 0, 4096, 8));
        }
    }

    @Test
    void vectoredReadAcrossEndOfFileFillsZeroes() throws Exception {
        Path path = dir.resolve("v");
        byte[] data = TestSupport.randomBytes(new java.util.Random(3), 5000);
        Files.write(path, data);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly()); AioRequest req = new AioRequest()) {
            MemorySegment[] iov = {arena.allocate(1000), arena.allocate(3000), arena.allocate(4096)};
            for (MemorySegment m : iov) {
                m.fill((byte) 0x55);
            }
            assertEquals(8096, run(req.prepareRead(fh, 0, iov)));
            byte[] got = new byte[8096];
            int at = 0;
            for (MemorySegment m : iov) {
                MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, got, at, (int) m.byteSize());
                at += (int) m.byteSize();
            }
            assertArrayEquals(data, java.util.Arrays.copyOf(got, 5000));
            assertArrayEquals(new byte[8096 - 5000], java.util.Arrays.copyOfRange(got, 5000, 8096));
        }
    }

    @Test
    void kernelErrnosComeBackUnchanged() throws Exception {
        Requires.devFull();
        MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
        try (AioRequest req = new AioRequest()) {
            try (FileHandle directory = FileHandle.open(dir, OpenOptions.readOnly())) {
                assertEquals(-Errno.EISDIR, run(req.prepareRead(directory, 0, buf)), "read of a directory");
            }
            try (FileHandle full = FileHandle.open(Path.of("/dev/full"), OpenOptions.readWrite())) {
                assertEquals(-Errno.ENOSPC, run(req.prepareWrite(full, 0, buf, buf)), "vectored write to /dev/full");
                assertTrue(req.errorDetail().contains("ENOSPC"), req.errorDetail());
            }
        }
    }

    @Test
    void misalignedDirectIoIsEinval() throws Exception {
        Path ddir = TestSupport.freshDirectDir();
        try {
            FileHandle fh;
            try {
                fh = FileHandle.open(ddir.resolve("d"), OpenOptions.readWrite().withCreate().withDirect());
            } catch (ErrnoException e) {
                assumeTrue(false, "no O_DIRECT here: " + e.getMessage());
                return;
            }
            try (fh; AioRequest req = new AioRequest()) {
                MemorySegment buf = AlignedBuffers.allocate(arena, 8192);
                buf.fill((byte) 9);
                assertEquals(8192, run(req.prepareWrite(fh, 0, buf)));
                assertEquals(-Errno.EINVAL, run(req.prepareRead(fh, 0, buf.asSlice(1, 4096))), "misaligned address");
                assertNotNull(req.errorDetail());
                assertEquals(-Errno.EINVAL, run(req.prepareRead(fh, 100, buf.asSlice(0, 4096))), "misaligned offset");
                assertEquals(-Errno.EINVAL, run(req.prepareWrite(fh, 0, buf.asSlice(0, 1000))), "misaligned length");
                assertEquals(8192, run(req.prepareRead(fh, 0, buf.asSlice(0, 4096), buf.asSlice(4096, 4096))));
            }
        } finally {
            TestSupport.deleteTree(ddir);
        }
    }

    /** tmpfs has no FALLOC_FL_ZERO_RANGE: write-zeroes punches within the file and writes zeroes past its end. */
    @Test
    void writeZeroesFallsBackWhereZeroRangeIsMissing() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
        Path path = Files.createTempFile(shm, "aioemu-wz", ".img");
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite()); AioRequest req = new AioRequest()) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 7);
            assertEquals(65536, run(req.prepareWrite(fh, 0, buf)));
            assertEquals(0, run(req.prepareWriteZeroes(fh, 8192, 4096)), req.errorDetail());
            assertEquals(0, run(req.prepareWriteZeroes(fh, 65536 - 1024, 3 << 20)), req.errorDetail());
            byte[] data = Files.readAllBytes(path);
            assertEquals(65536 - 1024 + (3 << 20), data.length, "zeroes past the end extend the file");
            for (int i = 0; i < data.length; i++) {
                boolean zeroed = (i >= 8192 && i < 12288) || i >= 65536 - 1024;
                if (data[i] != (zeroed ? 0 : 7)) {
                    assertEquals(zeroed ? 0 : 7, data[i], "byte " + i);
                }
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** Cancel, whatever the engine can do: each request still completes exactly once, with a legal result. */
    @Test
    void cancelledRequestsCompleteExactlyOnce() throws Exception {
        int n = 256;
        Path path = dir.resolve("c");
        byte[] data = TestSupport.randomBytes(new java.util.Random(5), n * 4096);
        Files.write(path, data);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            AioRequest[] reqs = new AioRequest[n];
            MemorySegment[] bufs = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                bufs[i] = arena.allocate(4096);
                reqs[i] = new AioRequest().prepareRead(fh, i * 4096L, bufs[i]);
            }
            AtomicIntegerArray calls = new AtomicIntegerArray(n);
            int[] results = new int[n];
            boolean[] cancelled = new boolean[n];
            AtomicInteger total = new AtomicInteger();
            ctx.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    engine.submit(reqs[i], r -> {
                        results[index] = r;
                        calls.incrementAndGet(index);
                        total.incrementAndGet();
                    });
                }
                for (int i = 0; i < n; i += 2) {
                    cancelled[i] = engine.cancel(reqs[i]);
                }
            });
            assertTrue(ctx.runUntil(() -> total.get() == n, Duration.ofSeconds(30)), total.get() + " of " + n + " completed");
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), "completions of request " + i);
                if (results[i] == -Errno.ECANCELED) {
                    assertTrue(cancelled[i], "request " + i + " was cancelled though cancel said no");
                } else {
                    assertEquals(4096, results[i], "request " + i);
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096),
                            bufs[i].toArray(ValueLayout.JAVA_BYTE), "data of request " + i);
                }
                assertFalse(engine.cancel(reqs[i]), "cancel of a completed request " + i);
                reqs[i].close();
            }
        }
    }

    /** Close with requests in flight, submitted on and off the loop: all complete, once; later submits throw. */
    @Test
    void closeWithRequestsInFlightCompletesEachExactlyOnce() throws Exception {
        int n = 512;
        Path path = dir.resolve("s");
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite().withCreate())) {
            AtomicIntegerArray calls = new AtomicIntegerArray(n);
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger total = new AtomicInteger();
            AioRequest[] reqs = new AioRequest[n];
            for (int i = 0; i < n; i++) {
                MemorySegment buf = arena.allocate(4096);
                buf.fill((byte) i);
                reqs[i] = new AioRequest().prepareWrite(fh, i * 4096L, buf);
            }
            java.util.function.IntConsumer submit = i -> engine.submit(reqs[i], r -> {
                if (r != 4096 || !ctx.inLoop()) {
                    wrong.incrementAndGet();
                }
                calls.incrementAndGet(i);
                total.incrementAndGet();
            });
            AtomicInteger onLoop = new AtomicInteger();
            ctx.execute(() -> {
                for (int i = 0; i < n; i += 2) {
                    submit.accept(i);
                }
                onLoop.set(1);
            });
            ctx.runUntil(() -> onLoop.get() == 1); // close must not overtake these submits
            for (int i = 1; i < n; i += 2) {
                submit.accept(i);
            }
            engine.close();
            AioRequest late = new AioRequest().prepareRead(fh, 0, arena.allocate(16));
            assertThrows(IllegalStateException.class, () -> engine.submit(late, r -> { }));
            assertTrue(ctx.runUntil(() -> total.get() == n, Duration.ofSeconds(30)), total.get() + " of " + n + " completed");
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), "completions of request " + i);
                reqs[i].close();
            }
            assertEquals(0, wrong.get(), "completions with a wrong result or off the loop");
            assertEquals(n * 4096L, fh.size());
            late.close();
        }
    }

    /**
     * Close called by a completion, on the loop: the rest still complete, once each, whether close waits for
     * them there (io_uring, in a nested wait: they complete inside the first callback) or returns at once.
     */
    @Test
    void closeOnTheLoopLetsTheRestComplete() throws Exception {
        int n = 64;
        Path path = dir.resolve("l");
        Files.write(path, new byte[n * 4096]);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            AtomicIntegerArray calls = new AtomicIntegerArray(n);
            AtomicInteger total = new AtomicInteger();
            AtomicInteger finished = new AtomicInteger();
            AtomicInteger refusedAfterClose = new AtomicInteger();
            List<AioRequest> reqs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                reqs.add(new AioRequest().prepareRead(fh, i * 4096L, arena.allocate(4096)));
            }
            ctx.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    engine.submit(reqs.get(i), r -> {
                        if (total.getAndIncrement() == 0) {
                            engine.close();
                            try {
                                engine.submit(reqs.get(index), x -> { });
                            } catch (IllegalStateException expected) {
                                refusedAfterClose.incrementAndGet();
                            }
                        }
                        calls.incrementAndGet(index);
                        finished.incrementAndGet(); // last: the first callback finishes after the others here
                    });
                }
            });
            assertTrue(ctx.runUntil(() -> finished.get() == n, Duration.ofSeconds(30)),
                    finished.get() + " of " + n + " completed");
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), "completions of request " + i);
                reqs.get(i).close();
            }
            assertEquals(1, refusedAfterClose.get());
        }
    }

    @Test
    void randomizedLoadCompletesEachRequestExactlyOnceWithTheRightData() throws Exception {
        long seed = System.nanoTime();
        int total = 20_000;
        ExecutorService offLoop = Executors.newSingleThreadExecutor();
        Path path = dir.resolve("stress");
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite().withCreate())) {
            EngineStress stress = new EngineStress(ctx, engine, fh, arena, offLoop, seed, total);
            ctx.execute(stress::start);
            boolean finished = ctx.runUntil(() -> stress.completed.get() == total || stress.failures.size() > 10,
                    Duration.ofSeconds(120));
            assertEquals(List.of(), stress.failures, "seed " + seed);
            assertTrue(finished, stress.completed.get() + " of " + total + " completed, seed " + seed);
            stress.assertExactlyOnce();
            byte[] file = Files.readAllBytes(path);
            assertArrayEquals(java.util.Arrays.copyOf(stress.model, file.length), file, "file contents, seed " + seed);
            for (int i = file.length; i < stress.model.length; i++) {
                assertEquals(0, stress.model[i], "model byte " + i + " past the end of the file, seed " + seed);
            }
            stress.closeRequests();
        } finally {
            offLoop.shutdownNow();
        }
    }
}
