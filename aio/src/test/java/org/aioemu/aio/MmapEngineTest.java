package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;

/** The mmap engine keeps every engine's contract, and what it writes through its mapping is the file's data. */
class MmapEngineTest extends AioEngineContractTest {
    @Override
    AioEngine newEngine(AioContext ctx) {
        return new MmapEngine(ctx);
    }

    @Override
    boolean syncRangeIsExact() {
        return false;
    }

    @Test
    void dataWrittenThroughTheMappingIsWhatTheFileHoldsAndTheOtherWayRound() throws Exception {
        Path f = dir.resolve("m.img");
        byte[] initial = new byte[1 << 16];
        new SplittableRandom(1).nextBytes(initial);
        Files.write(f, initial);
        try (FileHandle fh = FileHandle.open(f, OpenOptions.readWrite())) {
            MemorySegment buf = arena.allocate(4096, 4096);
            // A read sees what pwrite-style writers put in the file.
            assertEquals(4096, run(new AioRequest().prepareRead(fh, 8192, buf)));
            assertArrayEquals(java.util.Arrays.copyOfRange(initial, 8192, 8192 + 4096), buf.toArray(ValueLayout.JAVA_BYTE));
            // A write lands in the file (after msync, on disk; here read back by the syscall path).
            buf.fill((byte) 0x5a);
            assertEquals(4096, run(new AioRequest().prepareWrite(fh, 0, buf)));
            assertEquals(0, run(new AioRequest().prepareFlush(fh, false)));
            assertEquals((byte) 0x5a, Files.readAllBytes(f)[4095]);
            // A write past the end extends the file; a read past it reads zeroes.
            assertEquals(4096, run(new AioRequest().prepareWrite(fh, 1 << 16, buf)));
            assertEquals((1 << 16) + 4096, Files.size(f));
            MemorySegment past = arena.allocate(8192, 4096);
            past.fill((byte) 1);
            assertEquals(8192, run(new AioRequest().prepareRead(fh, (1 << 16) + 4096 - 4096, past)));
            assertEquals((byte) 0x5a, past.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals((byte) 0, past.get(ValueLayout.JAVA_BYTE, 4096), "past the end of the file: zeroes");
        }
    }

    /**
     * Writes that grow the file a block at a time (each past the mapping) while another thread reads all of it, over
     * and over: the reads must neither fault nor return anything but what was written. Before, a growing write
     * unmapped the old mapping at once, and a read copying from it on another thread crashed the JVM (SIGSEGV).
     */
    @Test
    void readsRacingWritesThatGrowTheFileNeitherFaultNorTear() throws Exception {
        Path f = dir.resolve("grow.img");
        Files.write(f, new byte[4096]);
        int blocks = 1500;
        try (FileHandle fh = FileHandle.open(f, OpenOptions.readWrite())) {
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger(1);
            java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
            Thread reader = new Thread(() -> {
                MemorySegment buf = arena.allocate(64 << 10, 4096);
                SplittableRandom rnd = new SplittableRandom(3);
                while (written.get() < blocks && wrong.get() == null) {
                    int have = written.get();
                    int first = rnd.nextInt(have);
                    int n = Math.min(16, have - first);
                    MemorySegment slice = buf.asSlice(0, n * 4096L);
                    try (AioRequest req = new AioRequest().prepareRead(fh, first * 4096L, slice)) {
                        // submitted from this thread, so the copy runs here, beside the loop's writes
                        java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
                        engine.submit(req, done::complete);
                        int r = done.get(10, java.util.concurrent.TimeUnit.SECONDS);
                        for (int b = 0; b < n && r == slice.byteSize(); b++) {
                            byte v = slice.get(ValueLayout.JAVA_BYTE, b * 4096L + 100);
                            if (first + b > 0 && v != (byte) (first + b)) {
                                wrong.compareAndSet(null, "block " + (first + b) + " read " + v);
                            }
                        }
                    } catch (Exception e) {
                        wrong.compareAndSet(null, e.toString());
                    }
                }
            }, "mmap-reader");
            reader.start();
            MemorySegment block = arena.allocate(4096, 4096);
            for (int b = 1; b < blocks; b++) {
                block.fill((byte) b);
                assertEquals(4096, run(new AioRequest().prepareWrite(fh, b * 4096L, block)));
                written.set(b + 1);
            }
            reader.join();
            assertEquals(null, wrong.get());
            assertEquals(blocks * 4096L, Files.size(f));
        }
    }
}
