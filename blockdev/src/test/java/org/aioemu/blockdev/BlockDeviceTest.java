package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A block device as the image, through a loop device over a file (needs root and losetup; skipped otherwise):
 * its size comes from the device, its O_DIRECT alignment from its logical sector size — a 4Kn device's 4096 too —
 * misaligned requests are padded to it, and it cannot be resized.
 */
class BlockDeviceTest {
    @TempDir
    Path dir;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    /** A loop device over {@code backing} with {@code sector}-byte sectors, or the test is skipped saying why. */
    private static String loopDevice(Path backing, int sector) {
        try {
            return run("losetup", "--find", "--show", "--sector-size", String.valueOf(sector), backing.toString());
        } catch (Exception e) {
            Assumptions.abort("no loop device here (needs root and losetup): " + e.getMessage());
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void aLoopDeviceServesWithItsOwnSizeAndSectorAlignment(int sector) throws Exception {
        Path backing = dir.resolve("backing.img");
        byte[] model = new byte[8 << 20];
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        rnd.nextBytes(model);
        Files.write(backing, model);
        String dev = loopDevice(backing, sector);
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared()) {
            try (BlockBackend disk = BlockBackend.open(ctx, BlockSpec.parse("driver=host_device,cache=none,filename=" + dev))) {
                assertEquals(model.length, disk.size());
                assertEquals(sector, disk.requestAlignment());
                for (int i = 0; i < 100; i++) {
                    int len = 1 + rnd.nextInt(3 * sector);
                    long off = rnd.nextInt(model.length - len);
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    System.arraycopy(data, 0, model, (int) off, len);
                    MemorySegment buf = arena.allocate(len + 1).asSlice(1, len);
                    MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, len);
                    assertEquals(len, ctx.await(disk.write(off, buf)), "seed " + seed);
                }
                ctx.await(disk.flush());
                MemorySegment all = arena.allocate(model.length, 4096);
                ctx.await(disk.read(0, all));
                assertArrayEquals(model, all.toArray(ValueLayout.JAVA_BYTE), "seed " + seed);
                BlockIOException e = assertInstanceOf(BlockIOException.class,
                        assertThrows(ExecutionException.class, () -> ctx.await(disk.resize(16 << 20))).getCause());
                assertEquals(Errno.EOPNOTSUPP, e.errno());
                assertEquals(0, ctx.await(disk.resize(model.length)), "its own size is fine");
            }
            if (sector == 4096) {
                // Without padding the device's rule shows: 512-byte-aligned O_DIRECT is refused.
                try (BlockBackend strict = BlockBackend.open(ctx,
                        BlockSpec.parse("driver=host_device,cache=none,padding=off,filename=" + dev))) {
                    BlockIOException e = assertInstanceOf(BlockIOException.class, assertThrows(ExecutionException.class,
                            () -> ctx.await(strict.read(512, arena.allocate(512, 4096)))).getCause());
                    assertEquals(Errno.EINVAL, e.errno());
                }
            }
        } finally {
            run("losetup", "-d", dev);
        }
        assertEquals(-1, Arrays.mismatch(model, Files.readAllBytes(backing)), "the backing file has every write");
    }
}
