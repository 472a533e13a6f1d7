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
}
