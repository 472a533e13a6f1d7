package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.aioemu.aio.AioRequest;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.aio.RawIo;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BlockBackendTest extends ContextFixture {
    @ParameterizedTest
    @ValueSource(strings = {"threads", "sync", "mmap"})
    void writesReadBackAndFuturesCompleteOnTheLoop(String engine) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        Path image = dir.resolve("disk.raw");
        try (BlockBackend disk = BlockBackend.create(ctx, image, 1 << 20, BlockBackendOptions.defaults().withEngine(engine))) {
            assertEquals(1 << 20, disk.size());
            assertEquals("raw", disk.format());
            byte[] model = new byte[1 << 20];
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int len = 512 * (1 + rnd.nextInt(16));
                long off = 512L * rnd.nextInt((model.length - len) / 512);
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                System.arraycopy(data, 0, model, (int) off, len);
                MemorySegment buf = arena.allocate(len);
                MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, len);
                // Sequential on purpose: overlapping writes in flight together have no defined order.
                writes.add(disk.write(off, buf));
                assertEquals(len, ctx.await(writes.getLast()), "seed " + seed);
            }
            AtomicReference<Thread> completedOn = new AtomicReference<>();
            MemorySegment all = arena.allocate(model.length);
            CompletableFuture<Integer> read = disk.read(0, all);
            read.whenComplete((v, t) -> completedOn.compareAndSet(null, Thread.currentThread()));
            assertEquals(model.length, ctx.await(read));
            assertArrayEquals(model, all.toArray(ValueLayout.JAVA_BYTE), "seed " + seed);
            assertEquals(0, ctx.await(disk.flush()));
            Thread t = completedOn.get();
            assertTrue(t == ctx.loopThread() || t == Thread.currentThread(), "completed on " + t);
        }
        assertEquals(1 << 20, Files.size(image));
    }

    @Test
    void discardAndWriteZeroesReadBackZeroes() throws Exception {
        try (BlockBackend disk = BlockBackend.create(ctx, dir.resolve("z.raw"), 65536, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 9);
            ctx.await(disk.write(0, buf));
            ctx.await(disk.discard(0, 4096));
            ctx.await(disk.writeZeroes(61440, 4096));
            MemorySegment back = arena.allocate(65536);
            ctx.await(disk.read(0, back));
            for (long i = 0; i < 65536; i++) {
                int want = (i < 4096 || i >= 61440) ? 0 : 9;
                assertEquals(want, back.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void badRequestsFailWithErrnoRangeAndImageInTheMessage() throws Exception {
        Path image = dir.resolve("small.raw");
        BlockBackend.create(ctx, image, 8192, BlockBackendOptions.defaults()).close();
        try (BlockBackend disk = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true))) {
            MemorySegment buf = arena.allocate(4096);
            BlockIOException range = failure(disk.read(6144, buf));
            assertEquals(Errno.EINVAL, range.errno());
            assertTrue(range.getMessage().contains("read of 4096 bytes at offset 6144 on " + image), range.getMessage());
            assertTrue(range.getMessage().contains("EINVAL"), range.getMessage());
            BlockIOException ro = failure(disk.write(0, buf));
            assertEquals(Errno.EROFS, ro.errno());
            assertTrue(ro.getMessage().contains("read-only"), ro.getMessage());
        }
        ErrnoException missing = assertThrows(ErrnoException.class,
                () -> BlockBackend.open(ctx, dir.resolve("nope.raw"), BlockBackendOptions.defaults()));
        assertEquals(Errno.ENOENT, missing.errno());
        assertTrue(missing.getMessage().contains("nope.raw"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("nope.raw")), "opening must not create the image");
        ErrnoException exists = assertThrows(ErrnoException.class, () -> BlockBackend.create(ctx, image, 4096, BlockBackendOptions.defaults()));
        assertEquals(Errno.EEXIST, exists.errno());
        assertEquals(8192, Files.size(image), "create must not truncate an existing image");
        assertThrows(IllegalArgumentException.class,
                () -> BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withEngine("nonsense")));
    }

    @Test
    void directIoRoundTripsAndPadsMisalignedBuffersUnlessToldNotTo() throws Exception {
        // O_DIRECT needs a real block filesystem: the module's target directory, not a tmpfs.
        Path base = Files.createDirectories(Path.of("target", "odirect-backend"));
        assumeDirectIo(base);
        Path image = base.resolve("direct-" + System.nanoTime() + ".raw");
        try (BlockBackend disk = BlockBackend.create(ctx, image, 1 << 20, BlockBackendOptions.defaults().withDirect(true))) {
            assertTrue(disk.requestAlignment() >= 512);
            MemorySegment buf = AlignedBuffers.allocate(arena, 8192);
            for (long i = 0; i < 8192; i++) {
                buf.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
            }
            assertEquals(8192, ctx.await(disk.write(4096, buf)));
            MemorySegment back = AlignedBuffers.allocate(arena, 8192);
            assertEquals(8192, ctx.await(disk.read(4096, back)));
            assertEquals(-1, back.mismatch(buf));
            // A misaligned buffer is padded through a bounce buffer (PaddingFilterTest covers it in depth)...
            MemorySegment misaligned = AlignedBuffers.allocate(arena, 8192 + 4096).asSlice(1, 4096);
            assertEquals(4096, ctx.await(disk.read(4096, misaligned)));
            assertEquals(-1, misaligned.mismatch(buf.asSlice(0, 4096)));
        }
        // ...unless the backend is opened without padding: then the kernel's EINVAL, explained.
        try (BlockBackend disk = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withDirect(true).withPadding(false))) {
            MemorySegment misaligned = AlignedBuffers.allocate(arena, 8192 + 4096).asSlice(1, 4096);
            BlockIOException e = failure(disk.read(4096, misaligned));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("align"), e.getMessage());
        } finally {
            Files.deleteIfExists(image);
        }
    }

    @Test
    void closeWaitsForRequestsInFlight() throws Exception {
        BlockBackend disk = BlockBackend.create(ctx, dir.resolve("c.raw"), 1 << 20, BlockBackendOptions.defaults());
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            reads.add(disk.read(i * 4096L, arena.allocate(4096)));
        }
        disk.close();
        for (CompletableFuture<Integer> r : reads) {
            assertTrue(r.isDone());
            assertEquals(4096, r.join());
        }
        BlockIOException e = failure(disk.read(0, arena.allocate(4096)));
        assertEquals(Errno.EBADF, e.errno());
    }

    /**
     * Skips the test unless the file system under {@code base} takes an aligned O_DIRECT write: tmpfs and
     * some overlay file systems refuse O_DIRECT with EINVAL, at open or at the first write.
     */
    private void assumeDirectIo(Path base) throws Exception {
        Path probe = base.resolve("probe-" + System.nanoTime());
        try (FileHandle fh = FileHandle.open(probe, OpenOptions.readWrite().withCreateNew().withDirect());
             AioRequest req = new AioRequest()) {
            int r = RawIo.execute(req.prepareWrite(fh, 0, AlignedBuffers.allocate(arena, 4096)));
            Assumptions.assumeTrue(r == 4096, () -> "O_DIRECT writes fail on the file system of " + base.toAbsolutePath()
                    + ": " + req.errorDetail());
        } catch (ErrnoException e) {
            Assumptions.abort("O_DIRECT is not supported by the file system of " + base.toAbsolutePath() + ": " + e.getMessage());
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * The brief's case (c): close() called on the loop, from a callback, with io_uring requests in flight.
     * Its wait for them is a nested wait on the loop, which must reap their CQEs: it returns, and every
     * request completes exactly once, with its data.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeOnTheLoopWithIoUringRequestsInFlightCompletesEachOnce() throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        AioContext uring = AioContext.builder().transport(Transport.IO_URING).build();
        try {
            int n = 64;
            Path image = dir.resolve("u.raw");
            byte[] data = new byte[n * 4096];
            new SplittableRandom(9).nextBytes(data);
            try (BlockBackend writer = BlockBackend.create(uring, image, data.length, BlockBackendOptions.defaults())) {
                MemorySegment all = arena.allocate(data.length);
                MemorySegment.copy(data, 0, all, ValueLayout.JAVA_BYTE, 0, data.length);
                uring.await(writer.write(0, all));
            }
            BlockBackend disk = BlockBackend.open(uring, image, BlockBackendOptions.defaults().withEngine("io_uring"));
            AtomicIntegerArray calls = new AtomicIntegerArray(n);
            int[] results = new int[n];
            MemorySegment[] bufs = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                bufs[i] = arena.allocate(4096);
            }
            AtomicBoolean closedOnLoop = new AtomicBoolean();
            AtomicInteger inFlightAtClose = new AtomicInteger(-1);
            uring.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    disk.read(i * 4096L, bufs[i], (r, detail) -> {
                        results[index] = r;
                        calls.incrementAndGet(index);
                    });
                }
                int completedBefore = 0;
                for (int i = 0; i < n; i++) {
                    completedBefore += calls.get(i);
                }
                inFlightAtClose.set(n - completedBefore);
                disk.close();
                closedOnLoop.set(true);
            });
            assertTrue(uring.runUntil(closedOnLoop::get, Duration.ofSeconds(20)), "close on the loop never returned");
            assertEquals(n, inFlightAtClose.get(), "requests were not in flight when close began");
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            uring.execute(() -> flushed.complete(null)); // any duplicate completion would have run by then
            flushed.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(1, calls.get(i), "completions of read " + i);
                assertEquals(4096, results[i], "read " + i);
                assertArrayEquals(Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096),
                        bufs[i].toArray(ValueLayout.JAVA_BYTE), "data of read " + i);
            }
        } finally {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(uring::close);
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    private BlockIOException failure(CompletableFuture<Integer> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> ctx.await(f));
        BlockIOException b = assertInstanceOf(BlockIOException.class, e.getCause());
        assertSame(b, e.getCause());
        return b;
    }
}
