package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link AioEngine} promises: data round trips, errno results, and exactly one completion per
 * request, on the loop thread. Subclassed per engine.
 */
abstract class AioEngineContractTest {
    @TempDir
    Path dir;

    AioContext ctx;
    AioEngine engine;
    Arena arena;

    abstract AioEngine newEngine(AioContext ctx);

    @BeforeEach
    void start() {
        ctx = AioContext.create();
        engine = newEngine(ctx);
        arena = Arena.ofShared();
    }

    @AfterEach
    void stop() {
        engine.close();
        ctx.close();
        arena.close();
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
}
