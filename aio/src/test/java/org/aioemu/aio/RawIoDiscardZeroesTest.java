package org.aioemu.aio;

import static org.aioemu.aio.TestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DISCARD and WRITE_ZEROES, including the fallbacks for file systems without ZERO_RANGE. */
class RawIoDiscardZeroesTest {
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    private Path path;
    private byte[] data;
    private FileHandle file;
    private AioRequest req;

    @BeforeEach
    void setUp() throws Exception {
        path = dir.resolve("z.img");
        data = randomBytes(new Random(11), SIZE);
        Files.write(path, data);
        file = FileHandle.open(path, OpenOptions.readWrite());
        req = new AioRequest();
    }

    @AfterEach
    void tearDown() {
        req.close();
        file.close();
    }

    @Test
    void discardPunchesAHoleThatReadsAsZeroesAndKeepsTheSize() throws Exception {
        long blocksBefore = allocatedBlocks();
        assertEquals(0, RawIo.execute(req.prepareDiscard(file, 64 * 1024, 128 * 1024)), req.errorDetail());
        assertEquals(0, req.result());
        assertEquals(SIZE, file.size());
        assertTrue(allocatedBlocks() < blocksBefore, "the punched range must be deallocated");
        expectZeroesOnlyIn(64 * 1024, 192 * 1024);
    }

    @Test
    void discardBeyondEndOfFileKeepsTheSize() throws Exception {
        assertEquals(0, RawIo.execute(req.prepareDiscard(file, SIZE - 4096, 64 * 1024)));
        assertEquals(SIZE, file.size());
        expectZeroesOnlyIn(SIZE - 4096, SIZE);
    }

    @Test
    void writeZeroesZeroesAnUnalignedRange() throws Exception {
        assertEquals(0, RawIo.execute(req.prepareWriteZeroes(file, 1000, 5000)), req.errorDetail());
        assertEquals(SIZE, file.size());
        expectZeroesOnlyIn(1000, 6000);
    }

    @Test
    void writeZeroesPastEndOfFileExtendsIt() throws Exception {
        assertEquals(0, RawIo.execute(req.prepareWriteZeroes(file, SIZE - 100, 8192)));
        assertEquals(SIZE - 100 + 8192, file.size());
        byte[] now = Files.readAllBytes(path);
        assertArrayEquals(Arrays.copyOf(data, SIZE - 100), Arrays.copyOf(now, SIZE - 100));
        assertArrayEquals(new byte[8192], Arrays.copyOfRange(now, SIZE - 100, now.length));
    }

    @Test
    void zeroLengthDiscardAndWriteZeroesSucceedWithoutEffect() throws Exception {
        assertEquals(0, RawIo.execute(req.prepareDiscard(file, 4096, 0)));
        assertEquals(0, RawIo.execute(req.prepareWriteZeroes(file, SIZE * 2L, 0)));
        assertEquals(SIZE, file.size());
        assertArrayEquals(data, Files.readAllBytes(path));
    }

    @Test
    void withoutZeroRangeARangeInsideTheFileIsPunched() throws Exception {
        req.prepareWriteZeroes(file, 4096 + 10, 20_000);
        long blocksBefore = allocatedBlocks();
        assertEquals(0, RawIo.writeZeroesWithoutZeroRange(req, file, file.fd()));
        assertEquals(SIZE, file.size());
        assertTrue(allocatedBlocks() < blocksBefore, "a hole, not written zeroes");
        expectZeroesOnlyIn(4096 + 10, 4096 + 10 + 20_000);
    }

    @Test
    void withoutZeroRangeARangePastEndOfFileIsWrittenAndExtendsIt() throws Exception {
        req.prepareWriteZeroes(file, SIZE - 4096, 3 << 20); // more than the 1 MiB zero buffer
        assertEquals(0, RawIo.writeZeroesWithoutZeroRange(req, file, file.fd()));
        assertEquals(SIZE - 4096 + (3 << 20), file.size());
        byte[] now = Files.readAllBytes(path);
        assertArrayEquals(Arrays.copyOf(data, SIZE - 4096), Arrays.copyOf(now, SIZE - 4096));
        assertArrayEquals(new byte[3 << 20], Arrays.copyOfRange(now, SIZE - 4096, now.length));
    }

    @Test
    void withoutZeroRangeAndWithoutMayUnmapTheRangeIsWrittenNotPunched() throws Exception {
        req.prepareWriteZeroes(file, 4096, 8192, 0);
        long blocksBefore = allocatedBlocks();
        assertEquals(0, RawIo.writeZeroesWithoutZeroRange(req, file, file.fd()));
        assertEquals(blocksBefore, allocatedBlocks(), "NBD's NO_HOLE: the range stays allocated");
        expectZeroesOnlyIn(4096, 4096 + 8192);
    }

    @Test
    void withoutZeroRangeANoFallbackRequestThatCannotPunchFailsWithEopnotsuppAndChangesNothing() throws Exception {
        req.prepareWriteZeroes(file, 4096, 8192, AioRequest.ZERO_NO_FALLBACK);
        assertEquals(-org.aioemu.engine.Errno.EOPNOTSUPP, RawIo.writeZeroesWithoutZeroRange(req, file, file.fd()));
        assertTrue(req.errorDetail().contains("without fallback"), req.errorDetail());
        assertArrayEquals(data, Files.readAllBytes(path));
        // Past the end a hole cannot do it either, even when unmapping is allowed.
        req.prepareWriteZeroes(file, SIZE - 4096, 8192, AioRequest.ZERO_NO_FALLBACK | AioRequest.ZERO_MAY_UNMAP);
        assertEquals(-org.aioemu.engine.Errno.EOPNOTSUPP, RawIo.writeZeroesWithoutZeroRange(req, file, file.fd()));
        assertEquals(SIZE, file.size());
    }

    @Test
    void unknownWriteZeroesFlagsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> req.prepareWriteZeroes(file, 0, 4096, 4));
    }

    @Test
    void zeroByWritingZeroesAnUnalignedRangeOnABufferedHandle() throws Exception {
        req.prepareWriteZeroes(file, 777, 3333);
        assertEquals(0, RawIo.zeroByWriting(req, file, file.fd()));
        expectZeroesOnlyIn(777, 777 + 3333);
    }

    private void expectZeroesOnlyIn(int from, int to) throws Exception {
        byte[] expected = data.clone();
        Arrays.fill(expected, from, Math.min(to, SIZE), (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    /** st_blocks, through stat(1): LibC reads only st_size. */
    private long allocatedBlocks() throws Exception {
        return blocksOf(path);
    }

    private static long blocksOf(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        String out = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), "stat failed");
        return Long.parseLong(out);
    }
}
