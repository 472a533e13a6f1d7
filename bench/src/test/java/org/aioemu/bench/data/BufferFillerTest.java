package org.aioemu.bench.data;

import org.aioemu.bench.Allocations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BufferFillerTest {
    private static final int SIZE = 1 << 20;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(SIZE, 4096);

    @AfterEach
    void free() {
        arena.close();
    }

    private static byte[] bytes(MemorySegment s, long length) {
        return s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Compressed size over input size with zlib's default level. */
    static double deflateRatio(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] out = new byte[data.length + 1024];
        long total = 0;
        while (!d.finished()) {
            total += d.deflate(out);
        }
        d.end();
        return (double) total / data.length;
    }

    static double lz4Ratio(byte[] data) {
        LZ4Compressor c = LZ4Factory.safeInstance().fastCompressor();
        return (double) c.compress(data).length / data.length;
    }

    private static int differing(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    @Test
    void defaultIsRandomIncompressibleAndSeeded() {
        new BufferFiller(new JobOptions(), 42).fill(buf, SIZE);
        byte[] a = bytes(buf, SIZE);
        assertTrue(deflateRatio(a) > 0.99, "random data does not compress: " + deflateRatio(a));
        new BufferFiller(new JobOptions(), 42).fill(buf, SIZE);
        assertArrayEquals(a, bytes(buf, SIZE), "same seed, same data");
        new BufferFiller(new JobOptions(), 43).fill(buf, SIZE);
        assertTrue(differing(a, bytes(buf, SIZE)) > SIZE * 0.99, "another seed, other data");
    }

    @Test
    void zeroBuffersAreZeroesAndStayZero() {
        JobOptions o = new JobOptions();
        o.zeroBuffers = true;
        BufferFiller f = new BufferFiller(o, 1);
        buf.fill((byte) 0x55);
        f.fill(buf, SIZE);
        f.refill(buf, SIZE);
        assertEquals(-1, buf.mismatch(MemorySegment.ofArray(new byte[SIZE])));
        assertFalse(f.scrambles());
        assertFalse(f.refills());
    }

    @Test
    void bufferPatternRepeatsFromTheStartAndLeavesTheRestAlone() {
        JobOptions o = new JobOptions();
        o.bufferPattern = "abc".getBytes(StandardCharsets.US_ASCII);
        buf.fill((byte) 0x55);
        new BufferFiller(o, 1).fill(buf, 10_001);
        byte[] b = bytes(buf, 10_002);
        for (int i = 0; i < 10_001; i++) {
            assertEquals("abc".charAt(i % 3), (char) b[i], "byte " + i);
        }
        assertEquals(0x55, b[10_001], "beyond length untouched");
    }

    @ParameterizedTest(name = "buffer_compress_percentage={0}")
    @ValueSource(ints = {10, 25, 50, 75, 90})
    void compressPercentageCompressesAwayAboutThatShare(int pct) {
        JobOptions o = new JobOptions();
        o.bufferCompressPercentage = pct;
        BufferFiller f = new BufferFiller(o, 7);
        f.fill(buf, SIZE);
        byte[] data = bytes(buf, SIZE);
        double want = (100 - pct) / 100.0;
        double deflate = deflateRatio(data);
        double lz4 = lz4Ratio(data);
        assertEquals(want, deflate, 0.04, "deflate ratio " + deflate);
        assertEquals(want, lz4, 0.04, "lz4 ratio " + lz4);
        assertTrue(f.refills(), "fio refills compressible buffers");
        f.refill(buf, SIZE);
        assertTrue(differing(data, bytes(buf, SIZE)) > SIZE * want * 0.9, "new random part per write");
    }

    @Test
    void fullyCompressibleIsTheFixedPatternAndPatternFillsTheFixedPart() {
        JobOptions o = new JobOptions();
        o.bufferCompressPercentage = 100;
        BufferFiller f = new BufferFiller(o, 7);
        buf.fill((byte) 1);
        f.fill(buf, SIZE);
        assertEquals(-1, buf.mismatch(MemorySegment.ofArray(new byte[SIZE])));

        o.bufferCompressPercentage = 50;
        o.bufferPattern = new byte[] {(byte) 0xde, (byte) 0xad};
        new BufferFiller(o, 7).fill(buf, 1024);
        byte[] b = bytes(buf, 1024);
        for (int chunk = 0; chunk < 1024; chunk += BufferFiller.COMPRESS_CHUNK) {
            for (int i = 256; i < 512; i++) {
                assertEquals(i % 2 == 0 ? (byte) 0xde : (byte) 0xad, b[chunk + i], "byte " + (chunk + i));
            }
        }
    }

    @Test
    void theCompressChunkSetsTheUnitOfRandomThenFixed() {
        JobOptions o = new JobOptions();
        o.bufferCompressPercentage = 50;
        o.bufferCompressChunk = 4096; // fio: each 4 KiB block is 2 KiB random, then 2 KiB zeroes
        buf.fill((byte) 1);
        new BufferFiller(o, 9).fill(buf, 8192);
        byte[] b = bytes(buf, 8192);
        for (int block = 0; block < 8192; block += 4096) {
            assertEquals(-1, MemorySegment.ofArray(java.util.Arrays.copyOfRange(b, block + 2048, block + 4096))
                    .mismatch(MemorySegment.ofArray(new byte[2048])), "second half of block " + block);
            boolean anyNonZero = false;
            for (int i = block; i < block + 2048; i++) {
                anyNonZero |= b[i] != 0;
            }
            assertTrue(anyNonZero, "first half of block " + block + " is random");
        }
    }

    @Test
    void refillBuffersWritesAllNewData() {
        JobOptions o = new JobOptions();
        o.refillBuffers = true;
        BufferFiller f = new BufferFiller(o, 3);
        f.fill(buf, SIZE);
        byte[] before = bytes(buf, SIZE);
        f.refill(buf, SIZE);
        assertTrue(differing(before, bytes(buf, SIZE)) > SIZE * 0.99);
        assertTrue(f.refills());
        assertFalse(f.scrambles());
    }

    @Test
    void scrambleChangesEverySectorButOnlyAFewBytes() {
        BufferFiller f = new BufferFiller(new JobOptions(), 3);
        assertTrue(f.scrambles());
        f.fill(buf, SIZE);
        byte[] first = bytes(buf, SIZE);
        f.refill(buf, SIZE);
        byte[] second = bytes(buf, SIZE);
        f.refill(buf, SIZE);
        byte[] third = bytes(buf, SIZE);
        for (byte[][] pair : new byte[][][] {{first, second}, {second, third}}) {
            int changed = differing(pair[0], pair[1]);
            assertTrue(changed <= SIZE / 64 && changed > SIZE / 128, "changed " + changed);
            for (int sector = 0; sector < SIZE; sector += 512) {
                boolean differs = false;
                for (int i = sector; i < sector + 512 && !differs; i++) {
                    differs = pair[0][i] != pair[1][i];
                }
                assertTrue(differs, "sector at " + sector + " repeats the previous write: dedupe would fold it");
            }
        }
    }

    @Test
    void withoutScrambleOrRefillTheBufferIsReusedAsIs() {
        JobOptions o = new JobOptions();
        o.scrambleBuffers = false;
        BufferFiller f = new BufferFiller(o, 3);
        f.fill(buf, SIZE);
        byte[] before = bytes(buf, SIZE);
        f.refill(buf, SIZE);
        assertArrayEquals(before, bytes(buf, SIZE));
    }

    @Test
    void badArgumentsAreRefused() {
        JobOptions o = new JobOptions();
        o.bufferCompressPercentage = 101;
        assertThrows(IllegalArgumentException.class, () -> new BufferFiller(o, 1));
        BufferFiller f = new BufferFiller(new JobOptions(), 1);
        assertThrows(IndexOutOfBoundsException.class, () -> f.fill(buf, SIZE + 1));
    }

    @Test
    void fillAndRefillAllocateNothing() {
        JobOptions[] all = new JobOptions[6];
        for (int i = 0; i < all.length; i++) {
            all[i] = new JobOptions();
        }
        all[1].zeroBuffers = true;
        all[2].bufferPattern = new byte[] {1, 2, 3, 4, 5};
        all[3].bufferCompressPercentage = 60;
        all[4].refillBuffers = true;
        all[5].bufferCompressPercentage = 30;
        all[5].bufferPattern = new byte[] {9, 8, 7};
        for (JobOptions o : all) {
            BufferFiller f = new BufferFiller(o, 5);
            Runnable burst = () -> {
                for (int i = 0; i < 2000; i++) {
                    f.fill(buf, 4096 + i);
                    f.refill(buf, 4096 + i);
                }
            };
            burst.run();
            burst.run();
            long bytes = Allocations.of(burst);
            // Less than one 16-byte object per call: JIT and class loading may allocate a little on the side.
            assertTrue(bytes < 4000 * 16, "allocated " + bytes + " bytes in 4000 fills");
        }
    }
}
