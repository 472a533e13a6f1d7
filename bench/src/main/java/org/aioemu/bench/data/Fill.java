package org.aioemu.bench.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Garbage-free fills of a segment range, shared by {@link BufferFiller} and {@link Verifier}. Slicing a
 * segment ({@code asSlice}) makes an object per call, so ranges are filled by static
 * {@link MemorySegment#copy} from small pre-built heap segments instead.
 */
final class Fill {
    /** Little-endian whatever the host, so data written here reads back the same on any machine. */
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** SplitMix64's increment (the golden ratio in 64 bits). */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    static final int PIECE = 4096;
    static final MemorySegment ZEROES = MemorySegment.ofArray(new byte[PIECE]);

    private Fill() {
    }

    /** SplitMix64's finalizer: a strong 64-bit mix, so {@code mix(seed + i * GOLDEN)} is a random stream. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static void zero(MemorySegment buf, long from, long to) {
        for (long off = from; off < to; off += PIECE) {
            MemorySegment.copy(ZEROES, 0, buf, off, Math.min(PIECE, to - off));
        }
    }

    /**
     * A pattern repeated to at least {@link #PIECE} bytes, in whole repeats, so a long range can be
     * filled (or compared) by copying whole pieces without breaking the pattern's phase.
     */
    static MemorySegment expand(byte[] pattern) {
        if (pattern.length == 0) {
            throw new IllegalArgumentException("empty pattern");
        }
        int repeats = Math.max(1, (PIECE + pattern.length - 1) / pattern.length);
        byte[] out = new byte[repeats * pattern.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return MemorySegment.ofArray(out);
    }

    /** Fills [from, to) with an expanded pattern, its phase starting at {@code from}. */
    static void pattern(MemorySegment expanded, MemorySegment buf, long from, long to) {
        long piece = expanded.byteSize();
        for (long off = from; off < to; off += piece) {
            MemorySegment.copy(expanded, 0, buf, off, Math.min(piece, to - off));
        }
    }

    /** First position in [from, to) where {@code buf} differs from the pattern phased at {@code from}, or -1. */
    static long patternMismatch(MemorySegment expanded, MemorySegment buf, long from, long to) {
        long piece = expanded.byteSize();
        for (long off = from; off < to; off += piece) {
            long n = Math.min(piece, to - off);
            long m = MemorySegment.mismatch(buf, off, off + n, expanded, 0, n);
            if (m >= 0) {
                return off + m;
            }
        }
        return -1;
    }

    static boolean allZero(MemorySegment buf, long from, long to) {
        for (long off = from; off < to; off += PIECE) {
            long n = Math.min(PIECE, to - off);
            if (MemorySegment.mismatch(buf, off, off + n, ZEROES, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }
}
