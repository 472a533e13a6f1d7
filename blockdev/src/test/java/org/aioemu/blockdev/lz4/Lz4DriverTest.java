package org.aioemu.blockdev.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lz4 driver against a byte-array model of the disk: random writes (text-like, zero and random data, partial and
 * whole clusters, many in flight), zeroing, discards, flushes and resizes; every read must equal the model, before and
 * after the image is closed and opened again, and {@code check} must find the image clean.
 */
class Lz4DriverTest {
    @TempDir
    Path dir;
    AioContext ctx;
    Arena arena;

    @BeforeEach
    void start() {
        ctx = AioContext.create();
        arena = Arena.ofShared();
    }

    @AfterEach
    void stop() {
        ctx.close();
        arena.close();
    }

    static void fill(SplittableRandom rnd, byte[] b, int kind) {
        switch (kind) {
            case 0 -> Arrays.fill(b, (byte) 0);
            case 1 -> {
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) ("the quick brown fox jumps over the lazy dog ".charAt((i + rnd.nextInt(3)) % 44));
                }
            }
            default -> {
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt();
                }
            }
        }
    }

    /** {@code bytes} in a native buffer, as the backend takes them. */
    private MemorySegment native_(byte[] bytes) {
        return arena.allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes));
    }

    private void assertImageEquals(BlockBackend b, byte[] model) throws Exception {
        MemorySegment all = arena.allocate(model.length, 4096);
        assertEquals(model.length, b.read(0, all).get());
        byte[] got = all.toArray(ValueLayout.JAVA_BYTE);
        int at = Arrays.mismatch(got, model);
        assertEquals(-1, at, "first differing byte");
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 65536})
    void randomWorkloadMatchesTheModelAcrossReopen(int clusterSize) throws Exception {
        Path image = dir.resolve("disk.lz4");
        int size = 8 << 20;
        Lz4Images.create(image, size, clusterSize);
        byte[] model = new byte[size];
        SplittableRandom rnd = new SplittableRandom(clusterSize);
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            assertEquals("lz4", b.format());
            assertEquals(size, b.size());
            for (int round = 0; round < 40; round++) {
                CompletableFuture<?>[] batch = new CompletableFuture<?>[16];
                for (int i = 0; i < batch.length; i++) {
                    int len = 1 + rnd.nextInt(3 * clusterSize);
                    int off = rnd.nextInt(size - len);
                    int op = rnd.nextInt(10);
                    if (op < 7) {
                        byte[] data = new byte[len];
                        fill(rnd, data, rnd.nextInt(3));
                        System.arraycopy(data, 0, model, off, len);
                        MemorySegment buf = native_(data);
                        batch[i] = b.write(off, buf);
                    } else if (op < 9) {
                        Arrays.fill(model, off, off + len, (byte) 0);
                        batch[i] = b.writeZeroes(off, len);
                    } else {
                        // discard: whole clusters read back as zeroes, parts may keep their bytes; keep the model
                        // exact by discarding whole clusters only
                        int c0 = (off + clusterSize - 1) / clusterSize;
                        int c1 = (off + len) / clusterSize;
                        if (c1 > c0) {
                            Arrays.fill(model, c0 * clusterSize, c1 * clusterSize, (byte) 0);
                            batch[i] = b.discard((long) c0 * clusterSize, (long) (c1 - c0) * clusterSize);
                        } else {
                            batch[i] = CompletableFuture.completedFuture(0);
                        }
                    }
                    // requests in one batch must not overlap, or their order (and the model) is undefined
                    for (int j = 0; j < i; j++) {
                        batch[j].get();
                    }
                }
                CompletableFuture.allOf(batch).get();
                if (rnd.nextInt(4) == 0) {
                    assertEquals(0, b.flush().get());
                }
                int len = 1 + rnd.nextInt(4 * clusterSize);
                int off = rnd.nextInt(size - len);
                MemorySegment r = arena.allocate(len);
                assertEquals(len, b.read(off, r).get());
                assertArrayEquals(Arrays.copyOfRange(model, off, off + len), r.toArray(ValueLayout.JAVA_BYTE),
                        "read at " + off + " of " + len + " in round " + round);
            }
            assertImageEquals(b, model);
        }
        Lz4Images.CheckResult check = Lz4Images.check(image, false);
        assertTrue(check.clean(), check.toString());
        assertEquals(0, check.leakedBytes());
        Lz4Images.Info info = Lz4Images.info(image);
        assertTrue(info.clean());
        assertTrue(info.compressionRatio() > 1.0, "text-like and zero clusters compress: " + info);
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true))) {
            assertImageEquals(b, model);
        }
    }

    @Test
    void manyWritesInFlightToOneClusterKeepEveryByte() throws Exception {
        Path image = dir.resolve("one.lz4");
        Lz4Images.create(image, 1 << 20, 65536);
        byte[] model = new byte[1 << 20];
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withFormat("lz4"))) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[64];
            for (int i = 0; i < all.length; i++) {
                byte[] data = new byte[512];
                Arrays.fill(data, (byte) (i + 1));
                System.arraycopy(data, 0, model, i * 512, 512);
                MemorySegment buf = native_(data);
                all[i] = b.write(i * 512L, buf); // 64 partial writes of one cluster, all in flight at once
            }
            CompletableFuture.allOf(all).get();
            assertImageEquals(b, model);
        }
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            assertImageEquals(b, model);
        }
    }

    @Test
    void rewritesWithoutFlushesDoNotGrowTheFileWithoutBound() throws Exception {
        Path image = dir.resolve("rewrite.lz4");
        Lz4Images.create(image, 1 << 20, 65536);
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] last = new byte[65536];
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(65536);
            for (int i = 0; i < 2000; i++) { // 125 MiB of random (stored raw) rewrites of one cluster, never flushed
                fill(rnd, last, 2);
                buf.copyFrom(MemorySegment.ofArray(last));
                assertEquals(65536, b.write(0, buf).get());
            }
            long length = Files.size(image);
            assertTrue(length < 40L << 20, "released space is reused after the driver's own commits: " + length);
            MemorySegment r = arena.allocate(65536);
            b.read(0, r).get();
            assertArrayEquals(last, r.toArray(ValueLayout.JAVA_BYTE));
        }
        assertTrue(Lz4Images.check(image, false).clean());
    }

    @Test
    void withODirectTheFileGrowsAheadOfTheAppendsAndReadsBack() throws Exception {
        Path image = dir.resolve("direct.lz4");
        Lz4Images.create(image, 4 << 20, 65536);
        byte[] model = new byte[4 << 20];
        SplittableRandom rnd = new SplittableRandom(9);
        BlockBackend b;
        try {
            b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withDirect(true));
        } catch (org.aioemu.engine.ErrnoException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "this file system refuses O_DIRECT: " + e.getMessage());
            return;
        }
        try (b) {
            for (int i = 0; i < 200; i++) { // appends at byte offsets, past the file's end, through the padding filter
                int len = 1 + rnd.nextInt(100_000);
                int off = rnd.nextInt(model.length - len);
                byte[] data = new byte[len];
                fill(rnd, data, rnd.nextInt(3));
                System.arraycopy(data, 0, model, off, len);
                MemorySegment buf = native_(data);
                assertEquals(len, b.write(off, buf).get());
            }
            assertEquals(0, b.flush().get());
            assertImageEquals(b, model);
        }
        assertTrue(Lz4Images.check(image, false).clean());
        assertEquals(0, Lz4Images.check(image, false).leakedBytes(), "a clean close cuts the file grown ahead");
        try (BlockBackend r = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true))) {
            assertImageEquals(r, model);
        }
    }

    @Test
    void resizeGrowsWithZeroesAndSurvivesReopen() throws Exception {
        Path image = dir.resolve("r.lz4");
        Lz4Images.create(image, 1 << 20, 65536);
        byte[] ones = new byte[1 << 20];
        Arrays.fill(ones, (byte) 7);
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            MemorySegment buf = native_(ones);
            b.write(0, buf).get();
            assertEquals(0, b.resize(100_352).get()); // mid-cluster
            assertEquals(0, b.resize(3 << 20).get());
            byte[] model = new byte[3 << 20];
            Arrays.fill(model, 0, 100_352, (byte) 7);
            assertImageEquals(b, model);
        }
        try (BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            assertEquals(3 << 20, b.size());
        }
        assertTrue(Lz4Images.check(image, false).clean());
    }

    @Test
    void aRawImageStaysRawAndCannotBeTurnedIntoLz4ByItsOwnWrites() throws Exception {
        Path lz4 = dir.resolve("a.lz4");
        Lz4Images.create(lz4, 1 << 20, 65536);
        byte[] header = Arrays.copyOf(Files.readAllBytes(lz4), 4096);
        Path raw = dir.resolve("b.raw");
        Files.write(raw, new byte[1 << 20]);
        try (BlockBackend b = BlockBackend.open(ctx, raw, BlockBackendOptions.defaults())) {
            assertEquals("raw", b.format());
            MemorySegment buf = native_(header);
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> b.write(0, buf).get());
            assertTrue(e.getCause().getMessage().contains("EPERM"), e.getCause().getMessage());
        }
        try (BlockBackend b = BlockBackend.open(ctx, raw, BlockBackendOptions.defaults().withFormat("raw"))) {
            MemorySegment buf = native_(header);
            assertEquals(4096, b.write(0, buf).get()); // named raw: the user's bytes, whatever they are
        }
        // the magic alone (no valid header checksum) does not make a file lz4
        byte[] lookalike = new byte[8192];
        System.arraycopy(Lz4Layout.MAGIC, 0, lookalike, 0, 8);
        Files.write(raw, lookalike);
        assertEquals(false, Lz4Images.probe(raw));
    }
}
