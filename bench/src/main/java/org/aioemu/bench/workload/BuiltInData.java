package org.aioemu.bench.workload;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.aioemu.bench.job.JobOptions;

/**
 * aioemu's own buffer contents and verification, so the runner is complete without the data package.
 *
 * <ul>
 *   <li>verify=pattern with verify_pattern: the pattern repeated by file position; checked byte for byte.
 *   <li>any other verify= kind: offset-seeded pseudo-random data (each 8-byte word at file position
 *       {@code p} is a hash of the seed and {@code p}), checked by recomputing it. Overlapping writes of
 *       different sizes therefore verify too. (fio's crc32c/md5 block headers are the data package's job.)
 *   <li>without verify: zero_buffers gives zeroes, buffer_pattern the pattern, else the same hashed data.
 * </ul>
 *
 * <p>Stateless apart from the immutable seed and pattern: any thread, though the runner uses each on one loop.
 */
final class BuiltInData implements DataFactory {
    static final BuiltInData FACTORY = new BuiltInData();

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BuiltInData() {
    }

    @Override
    public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
        if (job.verify == JobOptions.Verify.PATTERN && job.verifyPattern != null && job.verifyPattern.length > 0) {
            return new Pattern(job.verifyPattern);
        }
        if (job.verify != JobOptions.Verify.NONE) {
            return new Hashed(Seeds.mix(seed, fileIndex));
        }
        if (job.zeroBuffers) {
            return (buf, offset, length) -> buf.asSlice(0, length).fill((byte) 0);
        }
        if (job.bufferPattern != null && job.bufferPattern.length > 0) {
            return new Pattern(job.bufferPattern);
        }
        return new Hashed(Seeds.mix(seed, fileIndex));
    }

    @Override
    public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
        if (job.verify == JobOptions.Verify.NONE) {
            return null;
        }
        if (job.verify == JobOptions.Verify.PATTERN && job.verifyPattern != null && job.verifyPattern.length > 0) {
            return new Pattern(job.verifyPattern);
        }
        return new Hashed(Seeds.mix(seed, fileIndex));
    }

    /** Hashed data: word at 8-aligned file position p is mix(seed + p). */
    static final class Hashed implements WriteDataSource, ReadChecker {
        private final long seed;

        Hashed(long seed) {
            this.seed = seed;
        }

        private long word(long alignedPos) {
            return Seeds.mix(seed, alignedPos);
        }

        private byte byteAt(long pos) {
            return (byte) (word(pos & ~7L) >>> ((pos & 7) * 8));
        }

        @Override
        public void fill(MemorySegment buf, long offset, int length) {
            int i = 0;
            while (i < length && ((offset + i) & 7) != 0) {
                buf.set(ValueLayout.JAVA_BYTE, i, byteAt(offset + i));
                i++;
            }
            for (; i + 8 <= length; i += 8) {
                buf.set(WORD, i, word(offset + i));
            }
            for (; i < length; i++) {
                buf.set(ValueLayout.JAVA_BYTE, i, byteAt(offset + i));
            }
        }

        @Override
        public String check(MemorySegment buf, long offset, int length) {
            int i = 0;
            while (i < length && ((offset + i) & 7) != 0) {
                if (buf.get(ValueLayout.JAVA_BYTE, i) != byteAt(offset + i)) {
                    return mismatchAt(buf, offset, i);
                }
                i++;
            }
            for (; i + 8 <= length; i += 8) {
                if (buf.get(WORD, i) != word(offset + i)) {
                    break; // find the byte below
                }
            }
            for (; i < length; i++) {
                if (buf.get(ValueLayout.JAVA_BYTE, i) != byteAt(offset + i)) {
                    return mismatchAt(buf, offset, i);
                }
            }
            return null;
        }

        private String mismatchAt(MemorySegment buf, long offset, int i) {
            return describe(offset + i, byteAt(offset + i), buf.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    /** A byte pattern repeated by file position: byte at position p is pattern[p % length]. */
    static final class Pattern implements WriteDataSource, ReadChecker {
        private final byte[] pattern;
        /** The pattern repeated to at least 8 KiB, whole repetitions, for bulk copies. */
        private final MemorySegment template;

        Pattern(byte[] pattern) {
            this.pattern = pattern.clone();
            int reps = Math.max(1, (8192 + pattern.length - 1) / pattern.length);
            this.template = Arena.ofAuto().allocate((long) reps * pattern.length);
            for (int r = 0; r < reps; r++) {
                MemorySegment.copy(pattern, 0, template, ValueLayout.JAVA_BYTE, (long) r * pattern.length, pattern.length);
            }
        }

        @Override
        public void fill(MemorySegment buf, long offset, int length) {
            long done = 0;
            long t = template.byteSize();
            while (done < length) {
                long start = Math.floorMod(offset + done, pattern.length);
                long chunk = Math.min(length - done, t - start);
                MemorySegment.copy(template, start, buf, done, chunk);
                done += chunk;
            }
        }

        @Override
        public String check(MemorySegment buf, long offset, int length) {
            for (int i = 0; i < length; i++) {
                byte want = pattern[Math.floorMod(offset + i, pattern.length)];
                byte got = buf.get(ValueLayout.JAVA_BYTE, i);
                if (want != got) {
                    return describe(offset + i, want, got);
                }
            }
            return null;
        }
    }

    static String describe(long pos, byte want, byte got) {
        return String.format("byte at offset %d: expected 0x%02x, found 0x%02x", pos, want & 0xff, got & 0xff);
    }
}
