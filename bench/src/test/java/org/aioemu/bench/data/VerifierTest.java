package org.aioemu.bench.data;

import org.aioemu.bench.Allocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.regex.Pattern;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.Verify;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VerifierTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(1 << 20, 4096);

    @AfterEach
    void free() {
        arena.close();
    }

    private static void flip(MemorySegment s, long byteOffset, int bit) {
        s.set(ValueLayout.JAVA_BYTE, byteOffset, (byte) (s.get(ValueLayout.JAVA_BYTE, byteOffset) ^ (1 << bit)));
    }

    @ParameterizedTest
    @EnumSource(value = Verify.class, names = {"CRC32C", "MD5"})
    void goodBlocksPassWhateverTheirLength(Verify kind) {
        Verifier v = new Verifier(kind, null, 1);
        for (int length : new int[] {48, 49, 512, 4096, 4099, 65536, 1 << 20}) {
            v.prepare(buf, 8192L * length, length);
            assertNull(v.check(buf, 8192L * length, length), kind + " length " + length);
        }
    }

    @Test
    void metaChecksTheHeaderAndThePatternButNotOtherData() {
        Verifier v = new Verifier(Verify.META, null, 1);
        v.prepare(buf, 8192, 4096);
        assertNull(v.check(buf, 8192, 4096));
        flip(buf, 1000, 3);
        assertNull(v.check(buf, 8192, 4096), "meta has no checksum of the data, as in fio");
        assertTrue(v.check(buf, 12288, 4096).contains("holds the block written for offset 8192"), "but the offset is checked");
        Verifier withPattern = new Verifier(Verify.META, new byte[] {(byte) 0xaa, 0x55, 0x5a, (byte) 0xa5}, 1);
        withPattern.prepare(buf, 0, 4096);
        assertEquals(0x55, buf.get(ValueLayout.JAVA_BYTE, Verifier.HEADER_SIZE + 1), "the pattern follows the header");
        assertNull(withPattern.check(buf, 0, 4096));
        flip(buf, 2000, 0);
        assertTrue(withPattern.check(buf, 0, 4096).startsWith("verify: pattern mismatch after the header at offset 0,"
                + " length 4096: first bad byte at +2000"), withPattern.check(buf, 0, 4096));
        assertTrue(new Verifier(Verify.CRC32C, null, 1).check(buf, 0, 4096).contains("written with meta, checked with crc32c"));
    }

    @Test
    void verifyOffsetStoresEachHeaderThereAndChecksTheBlockAsWritten() {
        ValueLayout.OfInt le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Verify kind : new Verify[] {Verify.CRC32C, Verify.MD5, Verify.META}) {
            Verifier plain = new Verifier(kind, null, 7, 1024);
            Verifier swapped = new Verifier(kind, null, 7, 1024, 512);
            plain.prepare(buf, 8192, 4096);
            MemorySegment unswapped = arena.allocate(4096).copyFrom(buf.asSlice(0, 4096));
            swapped.prepare(buf, 8192, 4096);
            for (int at = 0; at < 4096; at += 1024) {
                assertEquals(0x766f6961, buf.get(le, at + 512), kind + ": the header at +512 of the piece at +" + at);
                // The same block as without verify_offset, its header and the 48 bytes at 512 exchanged.
                assertEquals(unswapped.asSlice(at + 512, 48).mismatch(buf.asSlice(at, 48)), -1L, kind + " +" + at);
                assertEquals(unswapped.asSlice(at, 48).mismatch(buf.asSlice(at + 512, 48)), -1L, kind + " +" + at);
            }
            assertNull(swapped.check(buf, 8192, 4096), kind.toString());
            assertNull(swapped.check(buf, 8192, 4096), kind + ": checking leaves the buffer as it was read");
            String misread = plain.check(buf, 8192, 4096);
            assertTrue(misread != null && misread.contains("no block header"), kind + ": " + misread);
            flip(buf, 3 * 1024 + 512 + 20, 2); // the last piece's stored header
            String m = swapped.check(buf, 8192, 4096);
            assertTrue(m != null && m.contains("at offset " + (8192 + 3 * 1024) + ", length 1024"), kind + ": " + m);
        }
        assertThrows(IllegalArgumentException.class, () -> new Verifier(Verify.CRC32C, null, 1, 0, 20),
                "a header swapped with bytes it overlaps");
        assertThrows(IllegalArgumentException.class, () -> new Verifier(Verify.CRC32C, null, 1, 512, 480),
                "no room in the interval");
        assertTrue(new Verifier(Verify.CRC32C, null, 1, 0, 512).check(buf, 0, 520).contains("too short for its header"));
    }

    @Test
    void verifyIntervalGivesEachPieceItsOwnHeaderAndOffset() {
        for (Verify kind : new Verify[] {Verify.CRC32C, Verify.MD5, Verify.META}) {
            Verifier v = new Verifier(kind, null, 1, 512);
            v.prepare(buf, 65536, 4096);
            for (int at = 0; at < 4096; at += 512) {
                assertEquals(0x766f6961, buf.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at),
                        kind + ": a header at +" + at);
                assertEquals(65536L + at, buf.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at + 16),
                        kind + ": the piece's own offset");
            }
            assertNull(v.check(buf, 65536, 4096), kind.toString());
            // A piece alone checks as a block of its own: a torn 512-byte read of the middle is still verifiable.
            assertNull(new Verifier(kind, null, 1, 512).check(buf.asSlice(1536), 65536 + 1536, 512), kind + " piece");
            flip(buf, 1536 + 20, 1); // the fourth piece's header
            String m = v.check(buf, 65536, 4096);
            assertTrue(m != null && m.contains("at offset " + (65536 + 1536) + ", length 512"), kind + ": " + m);
        }
        Verifier odd = new Verifier(Verify.CRC32C, null, 1, 512);
        odd.prepare(buf, 0, 1200); // 512, then the remaining 688 together
        assertEquals(688, buf.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 512 + 8));
        assertNull(odd.check(buf, 0, 1200));
        assertThrows(IllegalArgumentException.class, () -> new Verifier(Verify.CRC32C, null, 1, 16));
    }

    @Test
    void aFlippedBitIsABadCrc32cWithTheFirstBadByte() {
        Verifier v = new Verifier(Verify.CRC32C, null, 1);
        v.prepare(buf, 8192, 4096);
        int stored = buf.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 32);
        flip(buf, 1000, 3);
        String m = v.check(buf, 8192, 4096);
        assertTrue(Pattern.matches("verify: bad crc32c at offset 8192, length 4096: expected 0x"
                + String.format("%08x", stored) + ", got 0x[0-9a-f]{8}; first bad byte at \\+1000: "
                + "expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}", m), m);
    }

    @Test
    void aFlippedBitIsABadMd5() {
        Verifier v = new Verifier(Verify.MD5, null, 1);
        v.prepare(buf, 0, 4096);
        flip(buf, 4095, 7);
        String m = v.check(buf, 0, 4096);
        assertTrue(Pattern.matches("verify: bad md5 at offset 0, length 4096: expected [0-9a-f]{32}, got [0-9a-f]{32}; "
                + "first bad byte at \\+4095: expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}", m), m);
    }

    @ParameterizedTest
    @EnumSource(value = Verify.class, names = {"CRC32C", "MD5"})
    void aBlockReadFromAnotherOffsetIsAMisdirectedWrite(Verify kind) {
        Verifier v = new Verifier(kind, null, 1);
        v.prepare(buf, 4096, 4096);
        assertEquals("verify: block at offset 12288, length 4096 holds the block written for offset 4096 "
                + "(misdirected or lost write)", v.check(buf, 12288, 4096));
    }

    @ParameterizedTest
    @EnumSource(value = Verify.class, names = {"CRC32C", "MD5", "PATTERN"})
    void aZeroedBlockWasNeverWritten(Verify kind) {
        Verifier v = new Verifier(kind, new byte[] {0x5a}, 1);
        v.prepare(buf, 0, 4096);
        buf.asSlice(0, 4096).fill((byte) 0);
        assertEquals("verify: block at offset 0, length 4096 is all zeroes: never written", v.check(buf, 0, 4096));
    }

    @Test
    void otherFailuresAreToldApart() {
        Verifier crc = new Verifier(Verify.CRC32C, null, 1);
        crc.prepare(buf, 0, 4096);
        assertEquals("verify: block at offset 0, length 8192 was written with length 4096 (torn or misaligned write)",
                crc.check(buf, 0, 8192));
        assertEquals("verify: block at offset 0, length 4096 was written with crc32c, checked with md5",
                new Verifier(Verify.MD5, null, 1).check(buf, 0, 4096));
        flip(buf, 17, 0); // the offset field
        assertTrue(crc.check(buf, 0, 4096).startsWith("verify: corrupt block header at offset 0, length 4096: "
                + "header crc32c expected 0x"), crc.check(buf, 0, 4096));
        buf.asSlice(0, 4096).fill((byte) 0x77);
        assertEquals("verify: no block header at offset 0, length 4096: magic 0x77777777, expected 0x766f6961 "
                + "(never written by a verifying job, or overwritten)", crc.check(buf, 0, 4096));
    }

    @Test
    void theChecksumFieldItselfDamagedIsSaidSo() {
        Verifier crc = new Verifier(Verify.CRC32C, null, 1);
        crc.prepare(buf, 0, 4096);
        flip(buf, 33, 2);
        // The header crc covers the checksum field, so this shows as a corrupt header.
        assertTrue(crc.check(buf, 0, 4096).startsWith("verify: corrupt block header"));
    }

    @Test
    void verifyPatternFillsTheDataOfChecksummedBlocks() {
        Verifier v = new Verifier(Verify.CRC32C, new byte[] {1, 2, 3}, 9);
        v.prepare(buf, 0, 4096);
        for (int i = Verifier.HEADER_SIZE; i < 4096; i++) {
            assertEquals((i - Verifier.HEADER_SIZE) % 3 + 1, buf.get(ValueLayout.JAVA_BYTE, i));
        }
        assertNull(v.check(buf, 0, 4096));
        buf.set(ValueLayout.JAVA_BYTE, 100, (byte) 9);
        assertTrue(v.check(buf, 0, 4096).endsWith("; first bad byte at +100: expected 0x02, got 0x09"),
                v.check(buf, 0, 4096));
    }

    @Test
    void patternBlocksAreThePatternOnly() {
        JobOptions o = new JobOptions();
        o.verify = Verify.PATTERN;
        o.verifyPattern = new byte[] {(byte) 0xab, (byte) 0xcd, (byte) 0xef};
        Verifier v = new Verifier(o, 0);
        v.prepare(buf, 8192, 4096);
        assertEquals((byte) 0xab, buf.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals((byte) 0xab, buf.get(ValueLayout.JAVA_BYTE, 4095)); // 4095 % 3 == 0
        assertNull(v.check(buf, 8192, 4096));
        buf.set(ValueLayout.JAVA_BYTE, 1001, (byte) 0);
        assertEquals("verify: pattern mismatch at offset 8192, length 4096: first bad byte at +1001: expected 0xef, "
                + "got 0x00", v.check(buf, 8192, 4096));
    }

    @Test
    void misuseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Verifier(Verify.NONE, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new Verifier(Verify.PATTERN, null, 0));
        Verifier v = new Verifier(Verify.CRC32C, null, 0);
        assertThrows(IllegalArgumentException.class, () -> v.prepare(buf, 0, 47));
        assertThrows(IllegalArgumentException.class, () -> v.check(buf, -1, 512));
        assertThrows(IllegalArgumentException.class, () -> v.prepare(buf, 0, (int) buf.byteSize() + 1));
    }

    @ParameterizedTest
    @EnumSource(value = Verify.class, names = {"CRC32C", "MD5", "PATTERN"})
    void prepareAndCheckAllocateNothing(Verify kind) {
        Verifier v = new Verifier(kind, new byte[] {1, 2, 3, 4, 5, 6, 7}, 3);
        Runnable burst = () -> {
            for (int i = 0; i < 2000; i++) {
                v.prepare(buf, i * 4096L, 4096);
                if (v.check(buf, i * 4096L, 4096) != null) {
                    throw new AssertionError(v.check(buf, i * 4096L, 4096));
                }
            }
        };
        burst.run();
        burst.run();
        long bytes = Allocations.of(burst);
        // Less than one 16-byte object per call: JIT and class loading may allocate a little on the side.
        assertTrue(bytes < 2000 * 16, kind + " allocated " + bytes + " bytes in 2000 prepare+check");
    }
}
