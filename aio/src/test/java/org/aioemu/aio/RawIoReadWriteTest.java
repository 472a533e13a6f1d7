package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.aioemu.aio.TestSupport.bytes;
import static org.aioemu.aio.TestSupport.randomBytes;
import static org.aioemu.aio.TestSupport.segmentOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** READ and WRITE through RawIo on buffered handles: vectored round trips, EOF, short transfers, flush. */
class RawIoReadWriteTest {
    private static final int SPAN = 1 << 20;
    private static final int MAX_SEGMENT = 8192;

    @TempDir
    Path dir;

    static Stream<Long> seeds() {
        // Fixed seeds, plus a fresh one per run (override with -Daioemu.test.seed=N to replay a failure).
        return Stream.of(1L, 42L, 0x5eedL, Long.getLong("aioemu.test.seed", System.nanoTime()));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomVectoredWritesAndReadsMatchAModel(long seed) throws Exception {
        Path path = dir.resolve("random.img");
        byte[] model = new byte[SPAN + 16 * MAX_SEGMENT];
        long modelSize = 0;
        Random random = new Random(seed);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withCreateNew());
             AioRequest req = new AioRequest()) {
            for (int i = 0; i < 400; i++) {
                String where = "seed " + seed + ", iteration " + i;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment[] iov = randomIov(random, arena);
                    long total = Arrays.stream(iov).mapToLong(MemorySegment::byteSize).sum();
                    int offset = random.nextInt(SPAN);
                    if (random.nextInt(3) > 0) {
                        byte[] data = randomBytes(random, (int) total);
                        scatter(data, iov);
                        int r = RawIo.execute(req.prepareWrite(file, offset, iov));
                        assertEquals(total, r, where + ": " + req + " / " + req.errorDetail());
                        System.arraycopy(data, 0, model, offset, data.length);
                        if (total > 0) {
                            modelSize = Math.max(modelSize, offset + total);
                        }
                    } else {
                        for (MemorySegment s : iov) {
                            s.fill((byte) 0x77); // stale contents must be overwritten, zeroes included
                        }
                        int r = RawIo.execute(req.prepareRead(file, offset, iov));
                        assertEquals(total, r, where + ": " + req + " / " + req.errorDetail());
                        assertArrayEquals(Arrays.copyOfRange(model, offset, offset + (int) total), gather(iov),
                                where + ": " + req);
                    }
                    assertEquals(req.result(), (int) req.length(), where);
                    assertNull(req.errorDetail(), where);
                }
            }
            assertEquals(modelSize, file.size(), "seed " + seed);
        }
        assertArrayEquals(Arrays.copyOf(model, (int) modelSize), Files.readAllBytes(path), "seed " + seed);
    }

    @Test
    void concurrentThreadsWithTheirOwnRequestsShareOneHandle() throws Exception {
        Path path = dir.resolve("shared.img");
        int threads = 4;
        int region = 256 * 1024;
        byte[] model = new byte[threads * region];
        long seed = System.nanoTime();
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withCreateNew());
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            file.truncate(model.length);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * region;
                long threadSeed = seed + t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(threadSeed);
                    try (AioRequest req = new AioRequest()) {
                        for (int i = 0; i < 300; i++) {
                            String where = "seed " + threadSeed + ", iteration " + i;
                            try (Arena arena = Arena.ofConfined()) {
                                MemorySegment[] iov = randomIov(random, arena);
                                int total = (int) Arrays.stream(iov).mapToLong(MemorySegment::byteSize).sum();
                                int offset = base + random.nextInt(region - total + 1);
                                byte[] data = randomBytes(random, total);
                                scatter(data, iov);
                                assertEquals(total, RawIo.execute(req.prepareWrite(file, offset, iov)), where);
                                System.arraycopy(data, 0, model, offset, total); // regions are disjoint
                                for (MemorySegment s : iov) {
                                    s.fill((byte) 0);
                                }
                                assertEquals(total, RawIo.execute(req.prepareRead(file, offset, iov)), where);
                                assertArrayEquals(data, gather(iov), where);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertArrayEquals(model, Files.readAllBytes(path), "seed " + seed);
    }

    @Test
    void readPastEndOfFileFillsZeroes() throws Exception {
        Path path = dir.resolve("short.img");
        Files.write(path, randomBytes(new Random(1), 1000));
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly());
             AioRequest req = new AioRequest(); Arena arena = Arena.ofConfined()) {
            MemorySegment single = AlignedBuffers.allocate(arena, 4096).fill((byte) 0xAA);
            assertEquals(4096, RawIo.execute(req.prepareRead(file, 8192, single)));
            assertArrayEquals(new byte[4096], bytes(single));

            MemorySegment a = AlignedBuffers.allocate(arena, 100).fill((byte) 0xAA);
            MemorySegment b = AlignedBuffers.allocate(arena, 300).fill((byte) 0xAA);
            assertEquals(400, RawIo.execute(req.prepareRead(file, 1000, a, b)));
            assertArrayEquals(new byte[100], bytes(a));
            assertArrayEquals(new byte[300], bytes(b));
        }
    }

    @Test
    void singleSegmentReadStraddlingEndOfFileReturnsDataThenZeroes() throws Exception {
        Path path = dir.resolve("straddle.img");
        byte[] data = randomBytes(new Random(2), 1000);
        Files.write(path, data);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly());
             AioRequest req = new AioRequest(); Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = AlignedBuffers.allocate(arena, 1000).fill((byte) 0xAA);
            assertEquals(1000, RawIo.execute(req.prepareRead(file, 500, buffer)));
            byte[] expected = new byte[1000];
            System.arraycopy(data, 500, expected, 0, 500);
            assertArrayEquals(expected, bytes(buffer));
        }
    }

    @Test
    void vectoredReadStraddlingEndOfFileContinuesThroughSegmentsThenZeroFills() throws Exception {
        // 8500 bytes remain after offset 1500: segments 0 and 1 get data, segment 2 is cut at 2500
        // (the short preadv), and the continuation from inside segment 2 hits EOF.
        Path path = dir.resolve("multi.img");
        byte[] data = randomBytes(new Random(3), 10_000);
        Files.write(path, data);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly());
             AioRequest req = new AioRequest(); Arena arena = Arena.ofConfined()) {
            MemorySegment[] iov = new MemorySegment[4];
            for (int i = 0; i < iov.length; i++) {
                iov[i] = AlignedBuffers.allocate(arena, 3000).fill((byte) 0x5A);
            }
            assertEquals(12_000, RawIo.execute(req.prepareRead(file, 1500, iov)));
            byte[] expected = new byte[12_000];
            System.arraycopy(data, 1500, expected, 0, 8500);
            assertArrayEquals(expected, gather(iov));
        }
    }

    @Test
    void advanceSkipsConsumedEntriesAndTrimsTheCutOne() {
        try (Arena arena = Arena.ofConfined()) {
            long[] lengths = {10, 0, 20, 30};
            MemorySegment iov = arena.allocate(lengths.length * LibC.IOVEC_SIZE, 8);
            for (int i = 0; i < lengths.length; i++) {
                iov.set(JAVA_LONG, i * LibC.IOVEC_SIZE, 1000L * (i + 1));
                iov.set(JAVA_LONG, i * LibC.IOVEC_SIZE + 8, lengths[i]);
            }
            assertEquals(0, Transfer.advance(iov, 0, 4));
            assertEquals(1004, iov.get(JAVA_LONG, 0));
            assertEquals(6, iov.get(JAVA_LONG, 8));
            assertEquals(1, Transfer.advance(iov, 0, 6)); // entry 0 done exactly; the empty entry is next
            assertEquals(3, Transfer.advance(iov, 1, 25)); // the empty entry, all of entry 2, 5 of entry 3
            assertEquals(4005, iov.get(JAVA_LONG, 3 * LibC.IOVEC_SIZE));
            assertEquals(25, iov.get(JAVA_LONG, 3 * LibC.IOVEC_SIZE + 8));
            assertEquals(4, Transfer.advance(iov, 3, 25));
        }
    }

    @Test
    void writeThenReadSingleAndVectoredAtTheSameOffsets() throws Exception {
        Path path = dir.resolve("rw.img");
        Random random = new Random(4);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withCreate());
             AioRequest req = new AioRequest(); Arena arena = Arena.ofConfined()) {
            byte[] data = randomBytes(random, 10_000);
            assertEquals(10_000, RawIo.execute(req.prepareWrite(file, 123, segmentOf(arena, data))));
            MemorySegment a = AlignedBuffers.allocate(arena, 1);
            MemorySegment b = AlignedBuffers.allocate(arena, 9_999);
            assertEquals(10_000, RawIo.execute(req.prepareRead(file, 123, a, b)));
            assertArrayEquals(data, gather(new MemorySegment[] {a, b}));
            assertEquals(10_123, file.size());
        }
    }

    @Test
    void emptyRequestsTransferNothing() throws Exception {
        try (FileHandle file = FileHandle.open(dir.resolve("empty.img"), OpenOptions.readWrite().withCreate());
             AioRequest req = new AioRequest()) {
            assertEquals(0, RawIo.execute(req.prepareWrite(file, 0, MemorySegment.NULL)));
            assertEquals(0, RawIo.execute(req.prepareRead(file, 0)));
            assertEquals(0, file.size());
        }
    }

    @Test
    void flushReturnsZeroForFdatasyncAndFsync() throws Exception {
        try (FileHandle file = FileHandle.open(dir.resolve("flush.img"), OpenOptions.readWrite().withCreate());
             AioRequest req = new AioRequest(); Arena arena = Arena.ofConfined()) {
            RawIo.execute(req.prepareWrite(file, 0, segmentOf(arena, new byte[] {1, 2, 3})));
            assertEquals(0, RawIo.execute(req.prepareFlush(file, true)));
            assertEquals(0, req.result());
            assertEquals(0, RawIo.execute(req.prepareFlush(file, false)));
            assertNull(req.errorDetail());
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    /** 1..16 segments of 0..8192 bytes at arbitrary (not aligned) addresses. */
    static MemorySegment[] randomIov(Random random, Arena arena) {
        MemorySegment[] iov = new MemorySegment[1 + random.nextInt(16)];
        for (int i = 0; i < iov.length; i++) {
            int size = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(MAX_SEGMENT);
            int skew = random.nextInt(64);
            iov[i] = arena.allocate(size + skew, 1).asSlice(skew, size);
        }
        return iov;
    }

    static void scatter(byte[] data, MemorySegment[] iov) {
        int at = 0;
        for (MemorySegment s : iov) {
            MemorySegment.copy(data, at, s, JAVA_BYTE, 0, (int) s.byteSize());
            at += (int) s.byteSize();
        }
    }

    static byte[] gather(MemorySegment[] iov) {
        int total = (int) Arrays.stream(iov).mapToLong(MemorySegment::byteSize).sum();
        byte[] out = new byte[total];
        int at = 0;
        for (MemorySegment s : iov) {
            MemorySegment.copy(s, JAVA_BYTE, 0, out, at, (int) s.byteSize());
            at += (int) s.byteSize();
        }
        return out;
    }
}
