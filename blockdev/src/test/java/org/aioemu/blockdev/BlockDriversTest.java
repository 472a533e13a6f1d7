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
import java.util.concurrent.ExecutionException;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Opening from a spec: the drivers, their stacking, cache modes and the pool option, seen from outside. */
class BlockDriversTest extends ContextFixture {
    private Path image(int size, long seed) throws Exception {
        Path p = dir.resolve("img-" + seed + ".raw");
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        Files.write(p, data);
        return p;
    }

    @Test
    void aRawWindowReadsAndWritesItsPartOfTheFileOnly() throws Exception {
        Path p = image(4 << 20, 1);
        byte[] before = Files.readAllBytes(p);
        BlockSpec spec = BlockSpec.parse("driver=raw,offset=1M,size=2M,file.driver=file,file.filename=" + p);
        try (BlockBackend disk = BlockBackend.open(ctx, spec)) {
            assertEquals(2 << 20, disk.size());
            assertEquals("raw", disk.format());
            MemorySegment head = arena.allocate(4096);
            ctx.await(disk.read(0, head));
            assertArrayEquals(java.util.Arrays.copyOfRange(before, 1 << 20, (1 << 20) + 4096), head.toArray(ValueLayout.JAVA_BYTE));
            MemorySegment ones = arena.allocate(4096).fill((byte) 1);
            ctx.await(disk.write((2 << 20) - 4096, ones));
            ctx.await(disk.writeZeroes(0, 512));
            BlockIOException e = assertInstanceOf(BlockIOException.class, assertThrows(ExecutionException.class,
                    () -> ctx.await(disk.read((2 << 20) - 512, head))).getCause());
            assertEquals(Errno.EINVAL, e.errno(), "the window's end bounds requests");
            assertEquals(Errno.EOPNOTSUPP, assertInstanceOf(BlockIOException.class, assertThrows(ExecutionException.class,
                    () -> ctx.await(disk.resize(1 << 20))).getCause()).errno());
        }
        byte[] after = Files.readAllBytes(p);
        byte[] expected = before.clone();
        java.util.Arrays.fill(expected, 1 << 20, (1 << 20) + 512, (byte) 0);
        java.util.Arrays.fill(expected, (3 << 20) - 4096, 3 << 20, (byte) 1);
        assertArrayEquals(expected, after, "only the window changed, where it was written");
    }

    @Test
    void aWindowOutsideTheFileIsRefusedAndNothingStaysOpen() throws Exception {
        Path p = image(1 << 20, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx,
                BlockSpec.parse("driver=raw,offset=512k,size=1M,filename=" + p)));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        // The file opened for the window was closed: a backend on it opens and closes cleanly.
        try (BlockBackend disk = BlockBackend.open(ctx, BlockSpec.parse("filename=" + p))) {
            assertEquals(1 << 20, disk.size());
        }
    }

    @Test
    void theNullDriverReadsZeroesSwallowsWritesAndCounts() throws Exception {
        try (BlockBackend disk = BlockBackend.open(ctx, BlockSpec.parse("driver=null-co,size=1G"))) {
            assertEquals(1L << 30, disk.size());
            assertEquals("null-co", disk.format());
            MemorySegment buf = arena.allocate(65536).fill((byte) 7);
            for (int i = 0; i < 1000; i++) {
                assertEquals(65536, ctx.await(disk.write(65536L * i, buf)));
            }
            assertEquals(65536, ctx.await(disk.read(0, buf)));
            assertEquals(-1, buf.mismatch(arena.allocate(65536)), "zeroes");
            assertEquals(1000, disk.stats(BlockStats.Op.WRITE).ops());
            assertEquals(1, disk.stats(BlockStats.Op.READ).ops());
        }
        assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse("driver=null-co,filename=x")));
    }

    /** O_DIRECT and O_DSYNC of the image's descriptor, from /proc/self/fdinfo: what the kernel was asked for. */
    private static int openFlags(Path image) throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(image)) {
                        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                            if (line.startsWith("flags:")) {
                                return Integer.parseInt(line.substring(6).trim(), 8);
                            }
                        }
                    }
                } catch (java.io.IOException gone) {
                    // a descriptor closed while listing
                }
            }
        }
        throw new AssertionError("no descriptor open on " + image);
    }

    private static final int O_DIRECT = 040000;
    private static final int O_DSYNC = 010000;

    @ParameterizedTest
    @CsvSource({"writeback,false,false,false", "none,true,false,false", "writethrough,false,true,false",
            "directsync,true,true,false", "unsafe,false,false,true"})
    void cacheModesOpenTheFileAsQemuDoes(String mode, boolean direct, boolean dsync, boolean noFlush) throws Exception {
        Path p = image(1 << 20, 3).toRealPath();
        try (BlockBackend disk = BlockBackend.open(ctx, BlockSpec.parse("driver=raw,cache=" + mode + ",filename=" + p))) {
            int flags = openFlags(p);
            assertEquals(direct, (flags & O_DIRECT) != 0, mode + " O_DIRECT, flags 0" + Integer.toOctalString(flags));
            assertEquals(dsync, (flags & O_DSYNC) != 0, mode + " O_DSYNC, flags 0" + Integer.toOctalString(flags));
            assertTrue(direct ? disk.requestAlignment() >= 512 : disk.requestAlignment() == 1);
            MemorySegment buf = arena.allocate(4096, 4096).fill((byte) 5);
            ctx.await(disk.write(0, buf, RequestFlags.FUA));
            ctx.await(disk.flush());
            // cache=unsafe answers flushes without asking the image, so the image counts none.
            assertEquals(noFlush ? 0 : 1, disk.stats(BlockStats.Op.FLUSH).ops(), mode);
        }
    }

    @Test
    void aPoolOfItsOwnServesTheImageWithTheAskedModel() throws Exception {
        Path p = image(1 << 20, 4);
        try (BlockBackend disk = BlockBackend.open(ctx, BlockSpec.parse("filename=" + p + ",pool=rings,thread-pool-max=2"))) {
            assertEquals("threads", disk.engineName());
            MemorySegment buf = arena.allocate(4096);
            for (int i = 0; i < 64; i++) {
                ctx.await(disk.write(4096L * i, buf)); // writes always go to a worker (reads may run inline)
            }
            var names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("aioemu-blockdev")), "the node's own pool ran the writes: " + names);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockBackend.open(ctx, BlockSpec.parse("filename=" + p + ",aio=sync,pool=rings")));
        assertTrue(e.getMessage().contains("aio=threads"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse("filename=" + p + ",pool=lanes")));
    }

    @Test
    void unknownDriversAndOptionsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockBackend.open(ctx, BlockSpec.parse("driver=qcow2,filename=x")));
        assertTrue(e.getMessage().contains("'qcow2'") && e.getMessage().contains("null-co"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BlockBackend.open(ctx, BlockSpec.parse("driver=file,filename=x,direct=on")));
        assertTrue(e.getMessage().contains("direct"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse("cache=none")));
        assertTrue(e.getMessage().contains("neither a driver nor a filename"), e.getMessage());
    }
}
