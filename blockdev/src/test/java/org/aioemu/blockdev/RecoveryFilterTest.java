package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a backend makes of a misbehaving image (faults injected below it): EAGAIN and EINTR are retried and the user
 * never sees them, a short transfer is continued to the full length (a read at the end of the file stays short), and
 * once a flush fails every later flush fails too, until the image is opened again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecoveryFilterTest extends ContextFixture {
    private static final int SIZE = 1 << 20;

    private byte[] data;
    private Path image;

    private BlockBackend open(String rules) throws Exception {
        if (image == null) {
            image = dir.resolve("disk.raw");
            data = new byte[SIZE];
            new SplittableRandom(7).nextBytes(data);
            Files.write(image, data);
        }
        return BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withFaults(FaultInjection.parse(rules)));
    }

    private byte[] expected(long at, int length) {
        return Arrays.copyOfRange(data, (int) at, (int) at + length);
    }

    @Test
    void transientErrorsAreRetried() throws Exception {
        try (BlockBackend disk = open("read:errno=EAGAIN:every=2;write:errno=EINTR:nth=1;flush:errno=EAGAIN:nth=1")) {
            MemorySegment buf = arena.allocate(65536);
            for (int i = 0; i < 4; i++) {
                assertEquals(65536, disk.read(i * 65536L, buf).get(), "read " + i);
                assertArrayEquals(expected(i * 65536L, 65536), buf.toArray(ValueLayout.JAVA_BYTE));
            }
            MemorySegment w = arena.allocate(4096);
            w.fill((byte) 3);
            assertEquals(4096, disk.write(0, w).get());
            assertEquals(0, disk.flush().get());
        }
        assertEquals(3, Files.readAllBytes(image)[0], "the retried write landed");
    }

    @Test
    void aTransientErrorThatPersistsSurfacesAfterBoundedRetries() throws Exception {
        try (BlockBackend disk = open("read:errno=EAGAIN")) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> disk.read(0, arena.allocate(512)).get());
            BlockIOException b = (BlockIOException) e.getCause();
            assertEquals(Errno.EAGAIN, b.errno());
            assertTrue(b.getMessage().contains("after " + RecoveryFilter.MAX_RETRIES + " retries"), b.getMessage());
        }
    }

    /**
     * A cancel that comes while a short write's continuation waits (here on an injected stall) cannot stop it: part
     * of the write is in the image, so the request finishes whole, and the cancel says false. Before, the
     * continuation was cancelled and the future ended cancelled with 512 bytes written, or completed with 512 as if
     * that were the whole write (found by the block storm).
     */
    @Test
    void aPartlyDoneTransferIsNotCancelledButFinished() throws Exception {
        try (BlockBackend disk = open("write:short=512:nth=1;write:delay=200:nth=2")) {
            MemorySegment w = arena.allocate(4096);
            w.fill((byte) 9);
            java.util.concurrent.CompletableFuture<Integer> f = disk.write(8192, w);
            Thread.sleep(50); // the first 512 bytes are in; the rest waits on the stall
            assertEquals(false, f.cancel(true), "a part-done write must not report itself cancelled");
            assertEquals(4096, f.get());
        }
        byte[] after = Files.readAllBytes(image);
        byte[] nines = new byte[4096];
        Arrays.fill(nines, (byte) 9);
        assertArrayEquals(nines, Arrays.copyOfRange(after, 8192, 8192 + 4096), "the whole write landed");
    }

    @Test
    void shortTransfersAreContinuedToTheFullLength() throws Exception {
        try (BlockBackend disk = open("read:short=1000;write:short=3000")) {
            MemorySegment buf = arena.allocate(65536);
            assertEquals(65536, disk.read(4096, buf).get());
            assertArrayEquals(expected(4096, 65536), buf.toArray(ValueLayout.JAVA_BYTE));
            MemorySegment[] iov = {arena.allocate(700), arena.allocate(2048), arena.allocate(5000)};
            assertEquals(7748, disk.readv(100, iov).get());
            byte[] got = new byte[7748];
            int at = 0;
            for (MemorySegment s : iov) {
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, got, at, (int) s.byteSize());
                at += (int) s.byteSize();
            }
            assertArrayEquals(expected(100, 7748), got, "a vectored read continued across its buffers");
            MemorySegment w = arena.allocate(10000);
            byte[] pattern = new byte[10000];
            new SplittableRandom(3).nextBytes(pattern);
            MemorySegment.copy(pattern, 0, w, ValueLayout.JAVA_BYTE, 0, pattern.length);
            assertEquals(10000, disk.write(20000, w).get());
            assertArrayEquals(pattern, Arrays.copyOfRange(Files.readAllBytes(image), 20000, 30000));
        }
    }

    /** A node whose data ends at {@code end} before its size: reads there come back short, then with 0 bytes. */
    private static final class EndsEarly extends FilterDriver {
        private final long end;

        EndsEarly(BlockDriver child, long end) {
            super(child);
            this.end = end;
        }

        @Override
        public void read(long offset, MemorySegment buffer, BlockCompletion c) {
            long n = Math.max(0, Math.min(buffer.byteSize(), end - offset));
            child.read(offset, buffer.asSlice(0, n), c);
        }
    }

    @Test
    void aShortReadAtTheEndOfTheFileStaysShort() throws Exception {
        RecoveryFilter f = new RecoveryFilter(ctx, new EndsEarly(new NullDriver(ctx, SIZE, true), SIZE - 1500));
        MemorySegment buf = arena.allocate(4096);
        buf.fill((byte) 1);
        java.util.concurrent.CompletableFuture<Integer> r = new java.util.concurrent.CompletableFuture<>();
        ctx.execute(() -> f.read(SIZE - 4096, buf, (res, d) -> r.complete(res)));
        assertEquals(2596, r.get(20, TimeUnit.SECONDS), "what was there, and no more");
        assertEquals(1, buf.get(ValueLayout.JAVA_BYTE, 2596), "nothing written past what was read");
        ctx.execute(f::close);
    }

    @Test
    void theRawEngineReadsPastTheEndOfAShrunkFileAsZeroes() throws Exception {
        try (BlockBackend disk = open("read:short=1000")) {
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(SIZE - 1500); // the file shrank under the open image, whose size is still SIZE
            }
            MemorySegment buf = arena.allocate(4096);
            assertEquals(4096, disk.read(SIZE - 4096, buf).get(), "within the image's size, as QEMU's file driver");
            assertArrayEquals(expected(SIZE - 4096, 2596), buf.asSlice(0, 2596).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new byte[1500], buf.asSlice(2596).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aFailedFlushStaysFailedUntilReopened() throws Exception {
        try (BlockBackend disk = open("flush:errno=EIO:nth=1")) {
            assertEquals(Errno.EIO, InjectFilterTest.errnoOf(disk.flush()));
            assertEquals(4096, disk.write(0, arena.allocate(4096)).get(), "writes still go through");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> disk.flush().get());
            BlockIOException b = (BlockIOException) e.getCause();
            assertEquals(Errno.EIO, b.errno(), "the rule lets the 2nd flush pass, the backend does not");
            assertTrue(b.getMessage().contains("an earlier flush of this image failed"), b.getMessage());
            assertEquals(Errno.EIO, InjectFilterTest.errnoOf(disk.flush()));
        }
        try (BlockBackend disk = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            assertEquals(0, disk.flush().get(), "reopened, the image flushes again");
        }
    }
}
