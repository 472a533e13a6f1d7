package org.aioemu.bench.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.aioemu.bench.job.JobOptions;

/**
 * Self-checking blocks for {@code verify=crc32c|md5|meta|pattern}. A block can be checked on its own, with no
 * record of what was written: for crc32c, md5 and meta it starts with a {@value #HEADER_SIZE}-byte header
 * (little-endian):
 *
 * <pre>
 *  0 int   magic "aiov"          16 long  offset the block was written at
 *  4 short kind (1 crc32c, 2 md5,  24 long  seed of the data (one per prepare)
 *               3 meta)
 *  6 short header size (48)       32 16 B  checksum of bytes [48, length): crc32c in the first 4, or md5
 *  8 int   block length
 * 12 int   crc32c of the header with this field zero
 * </pre>
 *
 * The data after it is {@code verify_pattern} when set (as fio fills verified blocks with it), otherwise
 * a random stream that the seed regenerates, so a failure can name the first bad byte. For
 * {@code verify=pattern} the whole block is the pattern, no header. {@code verify=meta} (fio's) checks the
 * header alone, and the pattern after it when one is set; its checksum field is zero. With
 * {@code verify_interval} each interval of a block is such a block of its own, with its own header and offset
 * (a remainder shorter than two intervals goes with the last one). With {@code verify_offset} the header of each
 * piece is swapped with the {@value #HEADER_SIZE} bytes at that offset after it is made, and swapped back before
 * it is checked, as fio does it (the header then sits where a device that corrupts the first sector of every
 * block would not reach it). {@link #check} tells apart the ways a
 * block goes bad: never written (all zeroes), not ours (no magic), corrupt header, written with another
 * length (torn or misaligned), written for another offset (misdirected or lost write), bad data.
 * What to do with a failure ({@code verify_fatal}) is the caller's choice.
 *
 * <p>Garbage-free on success (one digest, one CRC and one scratch array are kept per verifier; messages
 * are only built on failure). Threading: confined to one thread; give each thread its own verifier.
 */
public final class Verifier {
    public static final int HEADER_SIZE = 48;
    static final int MAGIC = 0x766f6961; // "aiov" in little-endian bytes
    static final short KIND_CRC32C = 1;
    static final short KIND_MD5 = 2;
    static final short KIND_META = 3;
    private static final int SCRATCH = 64 << 10;
    private static final HexFormat HEX = HexFormat.of();

    private final JobOptions.Verify kind;
    private final MemorySegment pattern;
    private final long baseSeed;
    private final CRC32C crc = new CRC32C();
    private final MessageDigest md5;
    private final byte[] scratch = new byte[SCRATCH];
    private final byte[] digest = new byte[16];
    private long sequence;
    /** verify_interval: bytes per self-checking piece of a block; 0 for the whole block. */
    private final int interval;
    /** verify_offset: where in each piece the header is stored; 0 for its start. */
    private final int headerAt;

    public Verifier(JobOptions opts, long seed) {
        this(opts.verify, opts.verifyPattern, seed, opts.verifyInterval, opts.verifyOffset);
    }

    /** {@code pattern} may be null except for {@code PATTERN}. */
    public Verifier(JobOptions.Verify kind, byte[] pattern, long seed) {
        this(kind, pattern, seed, 0);
    }

    /** With {@code interval} (fio's verify_interval; 0 for none), each interval of a block checks on its own. */
    public Verifier(JobOptions.Verify kind, byte[] pattern, long seed, int interval) {
        this(kind, pattern, seed, interval, 0);
    }

    /**
     * With {@code headerAt} (fio's verify_offset; 0 for none), each piece's header is stored at that offset, its
     * bytes there moved to the start. It must not overlap the header's own place, and every piece must have room.
     */
    public Verifier(JobOptions.Verify kind, byte[] pattern, long seed, int interval, int headerAt) {
        if (headerAt < 0 || headerAt > 0 && headerAt < HEADER_SIZE) {
            throw new IllegalArgumentException("verify_offset " + headerAt + " would overlap the " + HEADER_SIZE
                    + "-byte verify header it is swapped with; use 0 or at least " + HEADER_SIZE);
        }
        if (interval > 0 && headerAt > 0 && headerAt + HEADER_SIZE > interval && kind != JobOptions.Verify.PATTERN) {
            throw new IllegalArgumentException("verify_offset " + headerAt + " leaves no room for the " + HEADER_SIZE
                    + "-byte header in a verify_interval of " + interval);
        }
        this.headerAt = kind == JobOptions.Verify.PATTERN ? 0 : headerAt;
        if (interval < 0 || interval > 0 && interval < HEADER_SIZE && kind != JobOptions.Verify.PATTERN) {
            throw new IllegalArgumentException("verify_interval " + interval + " is smaller than the " + HEADER_SIZE
                    + "-byte verify header");
        }
        this.interval = interval;
        if (kind == null || kind == JobOptions.Verify.NONE) {
            throw new IllegalArgumentException("no verify kind given");
        }
        boolean hasPattern = pattern != null && pattern.length > 0;
        if (kind == JobOptions.Verify.PATTERN && !hasPattern) {
            throw new IllegalArgumentException("verify=pattern needs verify_pattern");
        }
        this.kind = kind;
        this.pattern = hasPattern ? Fill.expand(pattern) : null;
        this.baseSeed = seed;
        try {
            this.md5 = kind == JobOptions.Verify.MD5 ? MessageDigest.getInstance("MD5") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5", e);
        }
    }

    /** Fills {@code buf[0, length)} with a block to write at {@code offset}. */
    public void prepare(MemorySegment buf, long offset, int length) {
        if (interval > 0 && length >= 2 * interval) {
            for (int at = 0; at < length; ) {
                int piece = length - at < 2 * interval ? length - at : interval;
                prepareOne(buf.asSlice(at, piece), offset + at, piece);
                at += piece;
            }
            return;
        }
        prepareOne(buf, offset, length);
    }

    private void prepareOne(MemorySegment buf, long offset, int length) {
        checkArgs(buf, offset, length);
        if (kind == JobOptions.Verify.PATTERN) {
            Fill.pattern(pattern, buf, 0, length);
            return;
        }
        long seed = Fill.mix(baseSeed + ++sequence * Fill.GOLDEN);
        data(buf, seed, length);
        buf.set(Fill.INT_LE, 0, MAGIC);
        buf.set(Fill.SHORT_LE, 4, ourKind());
        buf.set(Fill.SHORT_LE, 6, (short) HEADER_SIZE);
        buf.set(Fill.INT_LE, 8, length);
        buf.set(Fill.INT_LE, 12, 0);
        buf.set(Fill.LONG_LE, 16, offset);
        buf.set(Fill.LONG_LE, 24, seed);
        Fill.zero(buf, 32, HEADER_SIZE);
        if (kind == JobOptions.Verify.MD5) {
            md5(buf, length);
            MemorySegment.copy(digest, 0, buf, ValueLayout.JAVA_BYTE, 32, 16);
        } else if (kind == JobOptions.Verify.CRC32C) {
            buf.set(Fill.INT_LE, 32, crc32c(buf, HEADER_SIZE, length));
        }
        buf.set(Fill.INT_LE, 12, headerCrc(buf));
        if (headerAt > 0) {
            swapHeader(buf);
        }
    }

    /** Exchanges the header's bytes with those at {@link #headerAt}; its own inverse. */
    private void swapHeader(MemorySegment buf) {
        for (int i = 0; i < HEADER_SIZE; i += 8) {
            long start = buf.get(Fill.LONG_LE, i);
            buf.set(Fill.LONG_LE, i, buf.get(Fill.LONG_LE, headerAt + i));
            buf.set(Fill.LONG_LE, headerAt + i, start);
        }
    }

    private short ourKind() {
        return switch (kind) {
            case MD5 -> KIND_MD5;
            case META -> KIND_META;
            default -> KIND_CRC32C;
        };
    }

    /** Null when {@code buf[0, length)}, read from {@code offset}, is the block written there; else why not. */
    public String check(MemorySegment buf, long offset, int length) {
        if (interval > 0 && length >= 2 * interval) {
            for (int at = 0; at < length; ) {
                int piece = length - at < 2 * interval ? length - at : interval;
                String bad = checkOne(buf.asSlice(at, piece), offset + at, piece);
                if (bad != null) {
                    return bad;
                }
                at += piece;
            }
            return null;
        }
        return checkOne(buf, offset, length);
    }

    private String checkOne(MemorySegment buf, long offset, int length) {
        checkArgs(buf, offset, length);
        if (kind == JobOptions.Verify.PATTERN) {
            return checkPattern(buf, offset, length);
        }
        if (headerAt == 0) {
            return checkHeaderAndData(buf, offset, length);
        }
        if (headerAt + HEADER_SIZE > length) {
            return "verify: block " + where(offset, length) + " is too short for its header at verify_offset " + headerAt;
        }
        swapHeader(buf); // back where prepare made it, and then back again: the caller's buffer is left as read
        try {
            return checkHeaderAndData(buf, offset, length);
        } finally {
            swapHeader(buf);
        }
    }

    private String checkHeaderAndData(MemorySegment buf, long offset, int length) {
        String bad = headerProblem(buf, offset, length);
        if (bad != null) {
            return bad;
        }
        if (kind == JobOptions.Verify.META) {
            return pattern == null ? null : metaPatternProblem(buf, offset, length);
        }
        return dataProblem(buf, offset, length);
    }

    /** verify=meta with verify_pattern: whether the bytes after the header are the pattern; null when they are. */
    private String metaPatternProblem(MemorySegment buf, long offset, int length) {
        for (long off = HEADER_SIZE; off < length; off++) {
            byte want = pattern.get(ValueLayout.JAVA_BYTE, (off - HEADER_SIZE) % pattern.byteSize());
            byte got = buf.get(ValueLayout.JAVA_BYTE, off);
            if (want != got) {
                return "verify: pattern mismatch after the header " + where(offset, length) + ": first bad byte at +" + off
                        + ": expected 0x" + hexByte(want) + ", got 0x" + hexByte(got);
            }
        }
        return null;
    }

    /** Why the header does not describe a block of {@code length} at {@code offset}, or null. */
    private String headerProblem(MemorySegment buf, long offset, int length) {
        int magic = buf.get(Fill.INT_LE, 0);
        if (magic != MAGIC) {
            if (Fill.allZero(buf, 0, length)) {
                return "verify: block " + where(offset, length) + " is all zeroes: never written";
            }
            return "verify: no block header " + where(offset, length) + ": magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC)
                    + " (never written by a verifying job, or overwritten)";
        }
        int stored = buf.get(Fill.INT_LE, 12);
        int computed = headerCrc(buf);
        if (stored != computed) {
            return "verify: corrupt block header " + where(offset, length) + ": header crc32c expected 0x"
                    + hex(stored) + ", got 0x" + hex(computed);
        }
        short storedKind = buf.get(Fill.SHORT_LE, 4);
        short ourKind = ourKind();
        if (storedKind != ourKind) {
            return "verify: block " + where(offset, length) + " was written with " + kindName(storedKind)
                    + ", checked with " + kindName(ourKind);
        }
        int storedLength = buf.get(Fill.INT_LE, 8);
        if (storedLength != length) {
            return "verify: block " + where(offset, length) + " was written with length " + storedLength
                    + " (torn or misaligned write)";
        }
        long storedOffset = buf.get(Fill.LONG_LE, 16);
        if (storedOffset != offset) {
            return "verify: block " + where(offset, length) + " holds the block written for offset " + storedOffset
                    + " (misdirected or lost write)";
        }
        return null;
    }

    /** Whether the data after a good header matches its checksum; null when it does. */
    private String dataProblem(MemorySegment buf, long offset, int length) {
        if (kind == JobOptions.Verify.MD5) {
            md5(buf, length);
            boolean same = true;
            for (int i = 0; i < 16; i++) {
                same &= buf.get(ValueLayout.JAVA_BYTE, 32 + i) == digest[i];
            }
            if (same) {
                return null;
            }
            byte[] expected = buf.asSlice(32, 16).toArray(ValueLayout.JAVA_BYTE);
            return "verify: bad md5 " + where(offset, length) + ": expected " + HEX.formatHex(expected) + ", got "
                    + HEX.formatHex(digest) + firstBadByte(buf, length);
        }
        int stored = buf.get(Fill.INT_LE, 32);
        int computed = crc32c(buf, HEADER_SIZE, length);
        if (stored == computed) {
            return null;
        }
        return "verify: bad crc32c " + where(offset, length) + ": expected 0x" + hex(stored) + ", got 0x"
                + hex(computed) + firstBadByte(buf, length);
    }

    private String checkPattern(MemorySegment buf, long offset, int length) {
        long bad = Fill.patternMismatch(pattern, buf, 0, length);
        if (bad < 0) {
            return null;
        }
        if (Fill.allZero(buf, 0, length)) {
            return "verify: block " + where(offset, length) + " is all zeroes: never written";
        }
        return "verify: pattern mismatch " + where(offset, length) + ": first bad byte at +" + bad + ": expected 0x"
                + hexByte(pattern.get(ValueLayout.JAVA_BYTE, bad % pattern.byteSize())) + ", got 0x"
                + hexByte(buf.get(ValueLayout.JAVA_BYTE, bad));
    }

    /** The data after the header: the pattern, or the seed's stream (8 bytes per index, little-endian). */
    private void data(MemorySegment buf, long seed, int length) {
        if (pattern != null) {
            Fill.pattern(pattern, buf, HEADER_SIZE, length);
            return;
        }
        long off = HEADER_SIZE;
        for (; off + 8 <= length; off += 8) {
            buf.set(Fill.LONG_LE, off, expectedWord(seed, off));
        }
        for (long w = expectedWord(seed, off); off < length; off++, w >>>= 8) {
            buf.set(ValueLayout.JAVA_BYTE, off, (byte) w);
        }
    }

    private static long expectedWord(long seed, long off) {
        return Fill.mix(seed + ((off - HEADER_SIZE) >>> 3) * Fill.GOLDEN);
    }

    /** For a failure message: where the data first differs from what the header's seed would have written. */
    private String firstBadByte(MemorySegment buf, int length) {
        long seed = buf.get(Fill.LONG_LE, 24);
        for (long off = HEADER_SIZE; off < length; off++) {
            byte want = pattern != null
                    ? pattern.get(ValueLayout.JAVA_BYTE, (off - HEADER_SIZE) % pattern.byteSize())
                    : (byte) (expectedWord(seed, off) >>> (8 * ((off - HEADER_SIZE) & 7)));
            byte got = buf.get(ValueLayout.JAVA_BYTE, off);
            if (want != got) {
                return "; first bad byte at +" + off + ": expected 0x" + hexByte(want) + ", got 0x" + hexByte(got);
            }
        }
        return "; the data matches its seed, so the checksum field itself is damaged";
    }

    private int crc32c(MemorySegment buf, long from, long to) {
        crc.reset();
        for (long off = from; off < to; off += SCRATCH) {
            int n = (int) Math.min(SCRATCH, to - off);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, scratch, 0, n);
            crc.update(scratch, 0, n);
        }
        return (int) crc.getValue();
    }

    private void md5(MemorySegment buf, int length) {
        md5.reset();
        for (long off = HEADER_SIZE; off < length; off += SCRATCH) {
            int n = (int) Math.min(SCRATCH, length - off);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, scratch, 0, n);
            md5.update(scratch, 0, n);
        }
        try {
            md5.digest(digest, 0, 16);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** crc32c of the header with its own crc field taken as zero. */
    private int headerCrc(MemorySegment buf) {
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, scratch, 0, HEADER_SIZE);
        scratch[12] = 0;
        scratch[13] = 0;
        scratch[14] = 0;
        scratch[15] = 0;
        crc.reset();
        crc.update(scratch, 0, HEADER_SIZE);
        return (int) crc.getValue();
    }

    private void checkArgs(MemorySegment buf, long offset, int length) {
        int min = kind == JobOptions.Verify.PATTERN ? 1 : HEADER_SIZE;
        if (length < min || length > buf.byteSize()) {
            throw new IllegalArgumentException("verify block length " + length + " must be " + min + ".."
                    + buf.byteSize() + " (the buffer's size)");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    /** Only called on failure: building it eagerly would cost a String per check. */
    private static String where(long offset, int length) {
        return "at offset " + offset + ", length " + length;
    }

    private static String kindName(short k) {
        return k == KIND_CRC32C ? "crc32c" : k == KIND_MD5 ? "md5" : k == KIND_META ? "meta" : "unknown kind " + k;
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    private static String hexByte(byte b) {
        return String.format("%02x", b & 0xff);
    }
}
