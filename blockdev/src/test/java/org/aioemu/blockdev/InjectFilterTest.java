package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each kind of rule does what it says through a real backend over a raw image: the errno comes back for the requests
 * the trigger picks and no others, the same seed picks the same requests, a delay holds a request back on a timer
 * while the loop serves others, corruption shows in the data read, and the filter stacks over lz4 images.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InjectFilterTest extends ContextFixture {
    private static final int SIZE = 1 << 20;
    private static final int BS = 4096;

    private byte[] data;
    private Path image;

    private BlockBackend open(String rules) throws Exception {
        if (image == null) {
            image = dir.resolve("disk.raw");
            data = new byte[SIZE];
            new SplittableRandom(42).nextBytes(data);
            Files.write(image, data);
        }
        return BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withFaults(FaultInjection.parse(rules)));
    }

    /** The errno each of {@code n} sequential reads of one block fails with (0: it read the right data). */
    private List<Integer> readOutcomes(BlockBackend disk, int n) throws Exception {
        List<Integer> out = new ArrayList<>();
        MemorySegment buf = arena.allocate(BS);
        for (int i = 0; i < n; i++) {
            long at = (long) i * BS % SIZE;
            out.add(errnoOf(disk.read(at, buf)));
            if (out.getLast() == 0) {
                assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) at, (int) at + BS), buf.toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    static int errnoOf(CompletableFuture<Integer> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
            return 0;
        } catch (ExecutionException e) {
            return assertInstanceOf(BlockIOException.class, e.getCause()).errno();
        }
    }

    @Test
    void everyNthAndAfterPickTheRightRequests() throws Exception {
        try (BlockBackend disk = open("read:errno=EIO:every=3")) {
            assertEquals(List.of(0, 0, 5, 0, 0, 5, 0, 0, 5), readOutcomes(disk, 9));
        }
        try (BlockBackend disk = open("read:errno=ENOSPC:nth=2")) {
            assertEquals(List.of(0, 28, 0, 0), readOutcomes(disk, 4));
        }
        try (BlockBackend disk = open("read:errno=EIO:after=2")) {
            assertEquals(List.of(0, 0, 5, 5, 5), readOutcomes(disk, 5));
        }
    }

    @Test
    void rulesForOtherOperationsLeaveReadsAlone() throws Exception {
        try (BlockBackend disk = open("write:errno=EIO;discard:errno=EIO;flush:errno=EIO")) {
            assertEquals(List.of(0, 0, 0), readOutcomes(disk, 3));
            assertEquals(Errno.EIO, errnoOf(disk.write(0, arena.allocate(BS))));
            assertEquals(Errno.EIO, errnoOf(disk.writeZeroes(0, BS)), "write-zeroes is a write");
            assertEquals(Errno.EIO, errnoOf(disk.discard(0, BS)));
        }
        assertArrayEquals(data, Files.readAllBytes(image), "failed writes changed nothing");
    }

    @Test
    void theErrorNamesTheRuleThatInjectedIt() throws Exception {
        try (BlockBackend disk = open("read:errno=EIO:every=2")) {
            MemorySegment buf = arena.allocate(BS);
            disk.read(0, buf).get();
            ExecutionException e = assertThrows(ExecutionException.class, () -> disk.read(0, buf).get());
            assertTrue(e.getCause().getMessage().contains("injected by fault rule 1 (read:errno=EIO:every=2)"),
                    e.getCause().getMessage());
        }
    }

    @Test
    void aSeedPicksTheSameRequestsOnEveryRun() throws Exception {
        List<Integer> first;
        try (BlockBackend disk = open("read:errno=EIO:prob=0.3:seed=11")) {
            first = readOutcomes(disk, 200);
        }
        try (BlockBackend disk = open("read:errno=EIO:prob=0.3:seed=11")) {
            assertEquals(first, readOutcomes(disk, 200));
        }
        long failed = first.stream().filter(e -> e != 0).count();
        assertTrue(failed > 30 && failed < 100, failed + " of 200 failed at prob=0.3");
        try (BlockBackend disk = open("read:errno=EIO:prob=0.3:seed=12")) {
            assertNotEquals(first, readOutcomes(disk, 200), "another seed, other requests");
        }
    }

    @Test
    void aDelayHoldsTheRequestOnATimerWhileTheLoopServesOthers() throws Exception {
        try (BlockBackend disk = open("read:delay=300")) {
            MemorySegment buf = arena.allocate(BS);
            long start = System.nanoTime();
            CompletableFuture<Integer> slow = disk.read(BS, buf);
            CompletableFuture<Integer> write = disk.write(0, arena.allocate(BS));
            assertEquals(BS, write.get(20, TimeUnit.SECONDS));
            assertFalse(slow.isDone(), "the delayed read is still held after an unaffected write completed");
            assertEquals(BS, slow.get(20, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start >= 300_000_000L, "held at least 300 ms");
            assertArrayEquals(java.util.Arrays.copyOfRange(data, BS, 2 * BS), buf.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aHeldRequestCanBeCancelled() throws Exception {
        try (BlockBackend disk = open("read:delay=60000")) {
            CompletableFuture<Integer> slow = disk.read(0, arena.allocate(BS));
            assertTrue(slow.cancel(true));
            assertTrue(slow.isCancelled());
            assertEquals(0, disk.inFlight(), "nothing left held");
        }
    }

    @Test
    void corruptionFlipsBitsInTheDataRead() throws Exception {
        byte[][] seen = new byte[2][];
        for (int run = 0; run < 2; run++) {
            try (BlockBackend disk = open("read:corrupt=3:nth=2:seed=5")) {
                MemorySegment buf = arena.allocate(BS);
                assertEquals(BS, disk.read(0, buf).get());
                assertArrayEquals(java.util.Arrays.copyOf(data, BS), buf.toArray(ValueLayout.JAVA_BYTE), "the 1st read is clean");
                assertEquals(BS, disk.read(0, buf).get(), "a corrupt read still succeeds");
                seen[run] = buf.toArray(ValueLayout.JAVA_BYTE);
                int bits = 0;
                for (int i = 0; i < BS; i++) {
                    bits += Integer.bitCount((seen[run][i] ^ data[i]) & 0xff);
                }
                assertTrue(bits >= 1 && bits <= 3, bits + " bits differ");
            }
        }
        assertArrayEquals(seen[0], seen[1], "the same seed flips the same bits");
        assertArrayEquals(data, Files.readAllBytes(image), "the image itself is untouched");
    }

    @Test
    void corruptionReachesVectoredReads() throws Exception {
        try (BlockBackend disk = open("read:corrupt=8")) {
            MemorySegment[] iov = {arena.allocate(512), arena.allocate(BS), arena.allocate(1024)};
            assertEquals(512 + BS + 1024, disk.readv(0, iov).get());
            byte[] got = new byte[512 + BS + 1024];
            int at = 0;
            for (MemorySegment s : iov) {
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, got, at, (int) s.byteSize());
                at += (int) s.byteSize();
            }
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(data, got.length), got));
        }
    }

    @Test
    void theBackendsOtherOptionsHoldUnderTheFilter() throws Exception {
        open("read:errno=EIO").close(); // writes the image
        BlockBackendOptions opts = BlockBackendOptions.defaults().withReadOnly(true).withFormat("raw")
                .withFaults(FaultInjection.parse("read:errno=EIO:nth=1"));
        try (BlockBackend disk = BlockBackend.open(ctx, image, opts)) {
            assertTrue(disk.isReadOnly(), "read-only stays on the stack's top, where the backend reads it");
            assertEquals(Errno.EROFS, errnoOf(disk.write(0, arena.allocate(BS))));
            assertEquals(List.of(5, 0), readOutcomes(disk, 2));
        }
    }

    @Test
    void aShortRuleCutsTheTransferAtTheFilter() throws Exception {
        NullDriver nul = new NullDriver(ctx, SIZE, true);
        InjectFilter f = new InjectFilter(ctx, nul, FaultInjection.parse("read:short=100"));
        CompletableFuture<Integer> result = new CompletableFuture<>();
        MemorySegment buf = arena.allocate(BS);
        ctx.execute(() -> f.read(0, buf, (r, d) -> result.complete(r)));
        assertEquals(100, result.get(20, TimeUnit.SECONDS), "the filter alone answers short; the backend continues it");
        ctx.execute(f::close);
    }

    @Test
    void theSpecFormStacksOverRawAndLz4() throws Exception {
        open("read:errno=EIO").close(); // writes the raw image
        BlockSpec raw = BlockSpec.parse("driver=blkdebug,rules=read:errno=EIO:nth=1,image.driver=raw,image.filename=" + image);
        try (BlockBackend disk = BlockBackend.open(ctx, raw)) {
            assertEquals(List.of(5, 0), readOutcomes(disk, 2));
        }
        Path lz4 = dir.resolve("disk.lz4");
        Lz4Images.create(lz4, SIZE, 65536);
        BlockBackendOptions opts = BlockBackendOptions.defaults().withFaults(FaultInjection.parse("write:errno=ENOSPC:nth=2"));
        try (BlockBackend disk = BlockBackend.open(ctx, lz4, opts)) {
            assertEquals("lz4", disk.format(), "the probed format shows through the filter");
            MemorySegment buf = arena.allocate(BS);
            buf.fill((byte) 7);
            assertEquals(0, errnoOf(disk.write(0, buf)));
            assertEquals(Errno.ENOSPC, errnoOf(disk.write(BS, buf)));
            MemorySegment back = arena.allocate(2 * BS);
            disk.read(0, back).get();
            assertEquals(7, back.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, back.get(ValueLayout.JAVA_BYTE, BS), "the failed write left its block a hole");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockBackend.open(ctx, BlockSpec.parse("driver=inject,rules=reed,filename=" + image)));
        assertTrue(e.getMessage().contains("bad fault rule 'reed'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse("driver=inject,filename=" + image)));
        assertTrue(e.getMessage().contains("needs rules="), e.getMessage());
    }
}
