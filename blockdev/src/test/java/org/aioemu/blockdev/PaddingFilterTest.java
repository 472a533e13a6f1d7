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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.aioemu.aio.AioEngines;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * O_DIRECT images take requests of any alignment: misaligned reads and writes land byte-exact, and many writers
 * putting disjoint bytes into shared blocks at once lose none of them (the read-modify-writes are serialised).
 */
class PaddingFilterTest extends ContextFixture {
    private static final int SIZE = 1 << 20;

    /** An O_DIRECT backend on a new image filled with {@code fill}; skips where the file system has no O_DIRECT. */
    private BlockBackend direct(String engine, byte[] fill) throws Exception {
        Assumptions.assumeTrue(AioEngines.unavailability(engine) == null, () -> AioEngines.unavailability(engine));
        Path p = dir.resolve(engine + "-" + System.nanoTime() + ".raw");
        Files.write(p, fill);
        try {
            FileHandle.open(p, OpenOptions.readOnly().withDirect()).close();
        } catch (ErrnoException e) {
            Assumptions.abort("no O_DIRECT on " + dir + ": " + e.getMessage());
        }
        return BlockBackend.open(ctx, p, BlockBackendOptions.defaults().withDirect(true).withEngine(engine));
    }

    /** A buffer at an odd address when {@code misaligned}: sliced one byte into a larger segment. */
    private MemorySegment buffer(int length, boolean misaligned) {
        MemorySegment s = arena.allocate(length + 1, 4096);
        return misaligned ? s.asSlice(1, length) : s.asSlice(0, length);
    }

    private MemorySegment bufferOf(byte[] data, boolean misaligned) {
        MemorySegment s = buffer(data.length, misaligned);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, 0, data.length);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "io_uring"})
    void misalignedRequestsReadAndWriteExactlyTheirBytes(String engine) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] model = new byte[SIZE];
        rnd.nextBytes(model);
        try (BlockBackend disk = direct(engine, model)) {
            assertTrue(disk.requestAlignment() >= 512, "alignment " + disk.requestAlignment());
            for (int i = 0; i < 300; i++) {
                int len = 1 + rnd.nextInt(3 * 4096);
                long off = rnd.nextInt(SIZE - len);
                boolean oddAddress = rnd.nextBoolean();
                if (rnd.nextBoolean()) {
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    System.arraycopy(data, 0, model, (int) off, len);
                    assertEquals(len, ctx.await(disk.write(off, bufferOf(data, oddAddress))), "seed " + seed);
                } else {
                    MemorySegment into = buffer(len, oddAddress);
                    assertEquals(len, ctx.await(disk.read(off, into)), "seed " + seed);
                    assertArrayEquals(Arrays.copyOfRange(model, (int) off, (int) off + len),
                            into.toArray(ValueLayout.JAVA_BYTE), "seed " + seed + " read at " + off);
                }
            }
            MemorySegment[] iov = {buffer(100, true), buffer(4000, false), buffer(1, true)};
            assertEquals(4101, ctx.await(disk.readv(777, iov)));
            byte[] got = new byte[4101];
            int at = 0;
            for (MemorySegment s : iov) {
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, got, at, (int) s.byteSize());
                at += (int) s.byteSize();
            }
            assertArrayEquals(Arrays.copyOfRange(model, 777, 777 + 4101), got, "seed " + seed);
            MemorySegment all = buffer(SIZE, false);
            ctx.await(disk.read(0, all));
            assertArrayEquals(model, all.toArray(ValueLayout.JAVA_BYTE), "seed " + seed);
        }
    }

    /**
     * Rounds of 64 writes in flight at once, each putting its own bytes into a range no other write of the round
     * touches, but packed so that most share a 512- or 4096-byte block with a neighbour; some are aligned, most
     * not, buffers at odd addresses too. After each round the image equals the model: a read-modify-write that
     * raced another in the same block would bring back the other's old bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "io_uring"})
    void concurrentMisalignedWritersInSharedBlocksLoseNothing(String engine) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] model = new byte[SIZE];
        try (BlockBackend disk = direct(engine, model)) {
            for (int round = 0; round < 60; round++) {
                List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
                int region = rnd.nextInt(SIZE / 2);
                long at = region - region % 512 + (rnd.nextBoolean() ? 0 : rnd.nextInt(512));
                for (int w = 0; w < 64 && at < SIZE - 10_000; w++) {
                    boolean aligned = rnd.nextInt(5) == 0;
                    int len;
                    if (aligned) {
                        at = (at + 511) / 512 * 512;
                        len = 512 * (1 + rnd.nextInt(8));
                    } else {
                        len = 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 5000);
                    }
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    System.arraycopy(data, 0, model, (int) at, len);
                    MemorySegment buf = bufferOf(data, !aligned && rnd.nextBoolean());
                    long off = at;
                    inFlight.add(rnd.nextInt(4) == 0
                            ? disk.writev(off, split(buf, rnd), 0)
                            : disk.write(off, buf));
                    at += len + (rnd.nextInt(3) == 0 ? rnd.nextInt(700) : 0);
                }
                for (CompletableFuture<Integer> f : inFlight) {
                    assertTrue(ctx.await(f) > 0, "seed " + seed);
                }
                MemorySegment all = buffer(SIZE, false);
                ctx.await(disk.read(0, all));
                byte[] now = all.toArray(ValueLayout.JAVA_BYTE);
                int bad = Arrays.mismatch(model, now);
                assertEquals(-1, bad, "seed " + seed + " round " + round + ": first lost byte at " + bad);
            }
        }
    }

    /** The buffer as one to three consecutive slices. */
    private static MemorySegment[] split(MemorySegment buf, SplittableRandom rnd) {
        long n = buf.byteSize();
        if (n < 3) {
            return new MemorySegment[]{buf};
        }
        long a = 1 + rnd.nextLong(n - 2);
        long b = a + rnd.nextLong(n - a);
        return b > a ? new MemorySegment[]{buf.asSlice(0, a), buf.asSlice(a, b - a), buf.asSlice(b)}
                : new MemorySegment[]{buf.asSlice(0, a), buf.asSlice(a)};
    }

    /**
     * A write waiting behind an overlapping read-modify-write can still be cancelled: it completes cancelled, never
     * touches the image, and the one it waited for lands.
     */
    @Test
    void aWriteWaitingBehindAReadModifyWriteCancelsCleanly() throws Exception {
        try (BlockBackend disk = direct("threads", new byte[SIZE])) {
            MemorySegment first = bufferOf(new byte[]{1, 1, 1}, false);
            MemorySegment second = bufferOf(new byte[]{2, 2, 2, 2}, false);
            CompletableFuture<Object[]> outcome = new CompletableFuture<>();
            ctx.execute(() -> {
                CompletableFuture<Integer> a = disk.write(100, first);   // on the loop: starts at once, a RMW of block 0
                CompletableFuture<Integer> b = disk.write(101, second);  // overlaps it: waits
                boolean cancelled = b.cancel(false);
                outcome.complete(new Object[]{a, b, cancelled});
            });
            Object[] r = ctx.await(outcome);
            assertEquals(3, ctx.await((CompletableFuture<Integer>) r[0]));
            assertTrue((Boolean) r[2], "the waiting write was stopped");
            assertTrue(((CompletableFuture<?>) r[1]).isCancelled());
            MemorySegment back = buffer(8, false);
            ctx.await(disk.read(99, back));
            assertArrayEquals(new byte[]{0, 1, 1, 1, 0, 0, 0, 0}, back.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void withoutPaddingTheKernelsEinvalComesBackAsFioSeesIt() throws Exception {
        Path p = dir.resolve("strict.raw");
        Files.write(p, new byte[SIZE]);
        try {
            FileHandle.open(p, OpenOptions.readOnly().withDirect()).close();
        } catch (ErrnoException e) {
            Assumptions.abort("no O_DIRECT on " + dir + ": " + e.getMessage());
        }
        try (BlockBackend disk = BlockBackend.open(ctx, p, BlockBackendOptions.defaults().withDirect(true).withPadding(false))) {
            BlockIOException e = assertInstanceOf(BlockIOException.class, assertThrows(ExecutionException.class,
                    () -> ctx.await(disk.write(100, buffer(1000, false)))).getCause());
            assertEquals(Errno.EINVAL, e.errno());
        }
    }
}
