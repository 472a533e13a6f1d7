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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.aioemu.aio.AioEngine;
import org.aioemu.aio.AioEngines;
import org.aioemu.aio.AioOp;
import org.aioemu.aio.AioRequest;
import org.aioemu.aio.OpenOptions;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.IntCompletion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FUA, write-zeroes' MAY_UNMAP and NO_FALLBACK, as a caller (and the NBD export) relies on them. */
class BlockBackendRequestFlagsTest extends ContextFixture {
    /** An engine that records every request's op before handing it to a real one. Loop only. */
    private static final class RecordingEngine implements AioEngine {
        final AioEngine real;
        final List<AioOp> ops = new ArrayList<>();

        RecordingEngine(AioEngine real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public AioContext context() {
            return real.context();
        }

        @Override
        public void submit(AioRequest req, IntCompletion completion) {
            ops.add(req.op());
            real.submit(req, completion);
        }

        @Override
        public boolean concurrent() {
            return real.concurrent();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** Runs {@code action} on the loop with a completion, and waits for the result. */
    private int onLoop(java.util.function.Consumer<BlockCompletion> action) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        ctx.execute(() -> action.accept((result, detail) -> f.complete(result)));
        return ctx.await(f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "io_uring"})
    void fuaWritesAreFollowedByAFlushBeforeTheyCompleteUnlessTheImageIsDsync(String engineName) throws Exception {
        Assumptions.assumeTrue(AioEngines.unavailability(engineName) == null, () -> AioEngines.unavailability(engineName));
        for (boolean dsync : new boolean[]{false, true}) {
            Path path = dir.resolve("fua-" + dsync + ".raw");
            RawImage.create(path, 1 << 20);
            RecordingEngine engine = new RecordingEngine(AioEngines.create(engineName, ctx));
            RawImage image = RawImage.open(path, OpenOptions.readWrite().withDsync(dsync), engine);
            MemorySegment buf = arena.allocate(8192);
            buf.fill((byte) 0x5a);
            assertEquals(8192, onLoop(c -> image.write(4096, buf, RequestFlags.FUA, c)));
            assertEquals(0, onLoop(c -> image.writeZeroes(0, 4096, RequestFlags.FUA, c)));
            assertEquals(0, onLoop(c -> image.discard(65536, 4096, RequestFlags.FUA, c)));
            assertEquals(8192, onLoop(c -> image.write(16384, buf, RequestFlags.NONE, c)));
            List<AioOp> expected = dsync
                    ? List.of(AioOp.WRITE, AioOp.WRITE_ZEROES, AioOp.DISCARD, AioOp.WRITE)
                    : List.of(AioOp.WRITE, AioOp.FLUSH, AioOp.WRITE_ZEROES, AioOp.FLUSH, AioOp.DISCARD, AioOp.FLUSH, AioOp.WRITE);
            assertEquals(expected, engine.ops, "dsync=" + dsync);
            ctx.execute(() -> {
                image.close();
                engine.close();
            });
            ctx.await(CompletableFuture.runAsync(() -> { }, ctx::execute));
            byte[] file = Files.readAllBytes(path);
            for (int i = 4096; i < 12288; i++) {
                assertEquals(0x5a, file[i], "byte " + i);
            }
        }
    }

    @Test
    void aFuaWriteThroughTheFutureFormReadsBackAndCountsAsOneWrite() throws Exception {
        try (BlockBackend disk = BlockBackend.create(ctx, dir.resolve("f.raw"), 1 << 20, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(4096);
            buf.fill((byte) 7);
            assertEquals(4096, ctx.await(disk.write(8192, buf, RequestFlags.FUA)));
            MemorySegment back = arena.allocate(4096);
            ctx.await(disk.read(8192, back));
            assertEquals(-1, back.mismatch(buf));
            assertEquals(1, disk.stats(BlockStats.Op.WRITE).ops());
            assertEquals(0, disk.stats(BlockStats.Op.FLUSH).ops(), "the FUA flush is part of the write");
        }
    }

    @Test
    void flagsARequestCannotHonourAreRefusedOnTheCallersThread() throws Exception {
        try (BlockBackend disk = BlockBackend.create(ctx, dir.resolve("bad.raw"), 65536, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(512);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> disk.write(0, buf, RequestFlags.MAY_UNMAP));
            assertTrue(e.getMessage().contains("write") && e.getMessage().contains("FUA"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> disk.discard(0, 512, RequestFlags.NO_FALLBACK));
            assertThrows(IllegalArgumentException.class, () -> disk.writeZeroes(0, 512, 64));
        }
    }

    /** st_blocks through stat(1): how much of the file is allocated. */
    private static long blocks(Path p) throws Exception {
        Process proc = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        String out = new String(proc.getInputStream().readAllBytes()).trim();
        assertEquals(0, proc.waitFor());
        return Long.parseLong(out);
    }

    /**
     * tmpfs has no fallocate ZERO_RANGE (only PUNCH_HOLE): the file system where the flags decide what happens.
     * On it, NO_HOLE (no MAY_UNMAP) keeps the range allocated, MAY_UNMAP punches it, and NO_FALLBACK refuses the
     * write-zeroes that would have to write buffers, leaving the data as it was.
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "io_uring"})
    void onAFileSystemWithoutZeroRangeTheFlagsChooseBetweenPunchingWritingAndRefusing(String engineName) throws Exception {
        Assumptions.assumeTrue(AioEngines.unavailability(engineName) == null, () -> AioEngines.unavailability(engineName));
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable tmpfs at /dev/shm");
        Path path = Files.createTempFile(shm, "aioemu-zero", ".raw");
        try {
            Files.delete(path);
            try (BlockBackend disk = BlockBackend.create(ctx, path, 1 << 20,
                    BlockBackendOptions.defaults().withEngine(engineName))) {
                MemorySegment buf = arena.allocate(1 << 20);
                buf.fill((byte) 3);
                ctx.await(disk.write(0, buf));
                long full = blocks(path);

                assertEquals(0, ctx.await(disk.writeZeroes(0, 65536, RequestFlags.NONE)));
                assertEquals(full, blocks(path), "NO_HOLE: written, still allocated");

                assertEquals(0, ctx.await(disk.writeZeroes(65536, 65536, RequestFlags.MAY_UNMAP | RequestFlags.NO_FALLBACK)));
                assertTrue(blocks(path) < full, "MAY_UNMAP: punched");

                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> ctx.await(disk.writeZeroes(131072, 65536, RequestFlags.NO_FALLBACK)));
                BlockIOException io = assertInstanceOf(BlockIOException.class, e.getCause());
                assertEquals(Errno.EOPNOTSUPP, io.errno(), io.getMessage());

                MemorySegment back = arena.allocate(1 << 20);
                ctx.await(disk.read(0, back));
                for (long i = 0; i < (1 << 20); i++) {
                    assertEquals(i < 131072 ? 0 : 3, back.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
                }
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
