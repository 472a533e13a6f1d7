package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.aioemu.aio.AioEngines;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** resize, the vectored forms and the lifecycle's states. */
class BlockBackendResizeVectoredTest extends ContextFixture {
    private static BlockIOException failure(ExecutionException e) {
        return assertInstanceOf(BlockIOException.class, e.getCause());
    }

    @Test
    void resizeGrowsWithZeroesShrinksAndTheNewSizeBoundsRequests() throws Exception {
        Path path = dir.resolve("r.raw");
        try (BlockBackend disk = BlockBackend.create(ctx, path, 65536, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 1);
            ctx.await(disk.write(0, buf));
            assertEquals(0, ctx.await(disk.resize(1 << 20)));
            assertEquals(1 << 20, disk.size());
            assertEquals(1 << 20, Files.size(path));
            MemorySegment tail = arena.allocate(8192);
            tail.fill((byte) 9);
            assertEquals(8192, ctx.await(disk.read((1 << 20) - 8192, tail)));
            assertEquals(-1, tail.mismatch(arena.allocate(8192)), "the grown part reads as zeroes");

            assertEquals(0, ctx.await(disk.resize(4096)));
            assertEquals(4096, disk.size());
            assertEquals(4096, Files.size(path));
            BlockIOException e = failure(assertThrows(ExecutionException.class, () -> ctx.await(disk.read(4096, tail))));
            assertEquals(Errno.EINVAL, e.errno());
            MemorySegment head = arena.allocate(4096);
            ctx.await(disk.read(0, head));
            assertEquals(-1, head.mismatch(buf.asSlice(0, 4096)), "the kept part is unchanged");
        }
        assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, path, BlockBackendOptions.defaults())
                .resize(-1));
    }

    @Test
    void aReadOnlyBackendRefusesToResize() throws Exception {
        Path path = dir.resolve("ro.raw");
        RawImage.create(path, 65536);
        try (BlockBackend disk = BlockBackend.open(ctx, path, BlockBackendOptions.defaults().withReadOnly(true))) {
            BlockIOException e = failure(assertThrows(ExecutionException.class, () -> ctx.await(disk.resize(1 << 20))));
            assertEquals(Errno.EROFS, e.errno());
            assertEquals(65536, disk.size());
        }
    }

    /**
     * Random vectored writes against a model, read back both vectored (split differently) and whole: the bytes of
     * each request's buffers land in order at its offset. Loop form and future form, several engines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "sync", "io_uring", "mmap"})
    void vectoredRequestsMoveEachBufferInTurn(String engine) throws Exception {
        Assumptions.assumeTrue(AioEngines.unavailability(engine) == null, () -> AioEngines.unavailability(engine));
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int size = 1 << 20;
        byte[] model = new byte[size];
        try (BlockBackend disk = BlockBackend.create(ctx, dir.resolve("v.raw"), size,
                BlockBackendOptions.defaults().withEngine(engine))) {
            for (int round = 0; round < 200; round++) {
                int n = 1 + rnd.nextInt(20); // above the request's default iovec capacity of 16 too
                MemorySegment[] iov = new MemorySegment[n];
                int total = 0;
                for (int i = 0; i < n; i++) {
                    iov[i] = arena.allocate(1 + rnd.nextInt(3000));
                    byte[] data = new byte[(int) iov[i].byteSize()];
                    rnd.nextBytes(data);
                    MemorySegment.copy(data, 0, iov[i], ValueLayout.JAVA_BYTE, 0, data.length);
                    total += data.length;
                }
                long off = rnd.nextInt(size - total);
                int at = (int) off;
                for (MemorySegment s : iov) {
                    System.arraycopy(s.toArray(ValueLayout.JAVA_BYTE), 0, model, at, (int) s.byteSize());
                    at += (int) s.byteSize();
                }
                if (rnd.nextBoolean()) {
                    assertEquals(total, ctx.await(disk.writev(off, iov, rnd.nextBoolean() ? RequestFlags.FUA : 0)),
                            "seed " + seed);
                } else {
                    CompletableFuture<Integer> f = new CompletableFuture<>();
                    ctx.execute(() -> disk.writev(off, iov, iov.length, 0, (r, d) -> f.complete(r)));
                    assertEquals(total, ctx.await(f), "seed " + seed);
                }
                // Read a random range back in 1 to 5 pieces.
                int len = 1 + rnd.nextInt(20000);
                long from = rnd.nextInt(size - len);
                int pieces = 1 + rnd.nextInt(5);
                MemorySegment[] back = new MemorySegment[pieces];
                int left = len;
                for (int i = 0; i < pieces; i++) {
                    int part = i == pieces - 1 ? left : Math.min(left, rnd.nextInt(len / pieces + 1));
                    back[i] = arena.allocate(Math.max(part, 0));
                    left -= part;
                }
                if (back[pieces - 1].byteSize() == 0) {
                    continue;
                }
                boolean empty = false;
                for (MemorySegment s : back) {
                    empty |= s.byteSize() == 0;
                }
                if (empty) {
                    continue; // zero-length pieces are legal for preadv but not worth the noise here
                }
                assertEquals(len, ctx.await(disk.readv(from, back)), "seed " + seed);
                byte[] got = new byte[len];
                int p = 0;
                for (MemorySegment s : back) {
                    System.arraycopy(s.toArray(ValueLayout.JAVA_BYTE), 0, got, p, (int) s.byteSize());
                    p += (int) s.byteSize();
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(model, (int) from, (int) from + len), got, "seed " + seed);
            }
            MemorySegment whole = arena.allocate(size);
            ctx.await(disk.read(0, whole));
            assertArrayEquals(model, whole.toArray(ValueLayout.JAVA_BYTE), "seed " + seed);
        }
    }

    @Test
    void vectoredArgumentErrorsAreThrownOnTheCallersThread() throws Exception {
        try (BlockBackend disk = BlockBackend.create(ctx, dir.resolve("a.raw"), 65536, BlockBackendOptions.defaults())) {
            assertThrows(NullPointerException.class, () -> disk.readv(0, null));
            assertThrows(IllegalArgumentException.class, () -> disk.readv(0, new MemorySegment[0]));
            assertThrows(NullPointerException.class, () -> disk.writev(0, new MemorySegment[]{arena.allocate(8), null}, 0));
            MemorySegment[] tooMany = new MemorySegment[1025];
            java.util.Arrays.fill(tooMany, arena.allocate(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> disk.readv(0, tooMany));
            assertTrue(e.getMessage().contains("IOV_MAX"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> disk.readv(0, new MemorySegment[]{arena.allocate(8).asReadOnly()}));
        }
    }

    @Test
    void aClosingBackendDrainsAndThenRefusesWithEbadf() throws Exception {
        BlockBackend disk = BlockBackend.create(ctx, dir.resolve("s.raw"), 1 << 20, BlockBackendOptions.defaults());
        assertEquals(BlockBackend.State.ACTIVE, disk.state());
        MemorySegment buf = arena.allocate(4096);
        CompletableFuture<Integer>[] inFlight = new CompletableFuture[64];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = disk.write(4096L * i, buf);
        }
        disk.close();
        assertEquals(BlockBackend.State.CLOSED, disk.state());
        for (CompletableFuture<Integer> f : inFlight) {
            assertEquals(4096, f.getNow(-1), "every request handed over before close completed first");
        }
        BlockIOException e = failure(assertThrows(ExecutionException.class, () -> ctx.await(disk.read(0, buf))));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
