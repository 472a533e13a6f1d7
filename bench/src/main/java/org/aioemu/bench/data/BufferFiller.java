package org.aioemu.bench.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.aioemu.bench.job.JobOptions;

/**
 * What a write job puts in its buffers, after fio's buffer options. The first that applies wins, as in
 * fio:
 * <ol>
 * <li>{@code buffer_compress_percentage=N} (1..100): each {@code buffer_compress_chunk} bytes (fio's default
 * 512) are (100-N)% random bytes followed by N% fixed bytes, zeroes or the
 * {@code buffer_pattern}; so about N% of the data compresses away. Like fio, N below 100 turns
 * refilling on, so neighbouring blocks do not compress against each other.</li>
 * <li>{@code buffer_pattern}: the pattern repeated from the start of the buffer.</li>
 * <li>{@code zero_buffers}: zeroes.</li>
 * <li>otherwise random bytes.</li>
 * </ol>
 *
 * <p>Per write the runner calls {@link #refill}: with {@code refill_buffers} (or the compression
 * above) that is a full new {@link #fill}; otherwise, for random content with {@code scramble_buffers}
 * (fio's default), a cheap scramble that changes 8 bytes in every 512 so no two writes carry the same
 * sector and naive dedupe cannot fold them (fio's reason for it); zero and pattern buffers are left as
 * they are. Refill assumes the buffer still holds what the filler last put there: after a read into a
 * buffer, {@link #fill} it again before writing from it.
 *
 * <p>{@code dedupe_percentage=N}: each fill is, with probability N%, a copy of an earlier buffer instead of a new
 * one, as fio makes them: a buffer's content is a function of one seed (compression included), new buffers take
 * the next seed of the job's sequence, and a copy reuses the seed of the previous new buffer
 * ({@code dedupe_mode=repeat}) or of one drawn at random from the job's first size &times;
 * {@code dedupe_working_set_percentage} / bs new buffers ({@code working_set}); with {@code dedupe_global} that
 * working set is drawn from one sequence shared by every job that sets it, so their copies dedupe across jobs.
 * Like fio, dedupe turns refilling on.
 *
 * <p>Garbage-free: no allocation per call, so it can run per write on the submission path.
 * Threading: confined to one thread (the random generator is state); give each submitter its own
 * filler, seeded apart.
 */
public final class BufferFiller {
    /** fio's default {@code buffer_compress_chunk}. */
    static final int COMPRESS_CHUNK = 512;
    /** {@code buffer_compress_chunk}: the unit each part random, part fixed, is laid out in. */
    private final int compressChunk;
    private static final int SCRAMBLE_SECTOR = 512;

    private enum Mode { COMPRESSIBLE, PATTERN, ZERO, RANDOM }

    private final Mode mode;
    private final int compressPercent;
    /** The expanded buffer_pattern, or zeroes, for the fixed part of each compressible chunk. */
    private final MemorySegment fixed;
    private final boolean refill;
    private final boolean scramble;
    /** The content generator: splitmix64 over this state (a fill with a chosen seed sets it first). */
    private long state;
    /** dedupe_percentage (0: none), and the generator deciding, per fill, whether it is a copy. */
    private final int dedupePercent;
    private long dedupeState;
    /** The seeds of new buffers: {@code mix(uniqueBase + k)} for the k-th; the previous one for dedupe_mode=repeat. */
    private final long uniqueBase;
    private long uniqueCount;
    private long lastUniqueSeed;
    /** dedupe_mode=working_set: how many seeds it holds (0: repeat mode). */
    private final long workingSet;
    /**
     * dedupe_global: the working set is spread over every job of the run, as fio spreads it: entry i is new buffer
     * i mod p of job (this job + i / p) mod jobs, p = working set / jobs; so copies repeat other jobs' blocks too.
     */
    private final boolean globalWorkingSet;
    private final long seed;
    private final int jobIndex;
    private final int jobs;
    private final long perJob;

    public BufferFiller(JobOptions opts, long seed) {
        int pct = opts.bufferCompressPercentage;
        if (pct < 0 || pct > 100) {
            throw new IllegalArgumentException("buffer_compress_percentage must be 0..100: " + pct);
        }
        boolean hasPattern = opts.bufferPattern != null && opts.bufferPattern.length > 0;
        if (pct > 0) {
            mode = Mode.COMPRESSIBLE;
        } else if (hasPattern) {
            mode = Mode.PATTERN;
        } else if (opts.zeroBuffers) {
            mode = Mode.ZERO;
        } else {
            mode = Mode.RANDOM;
        }
        this.compressPercent = pct;
        this.compressChunk = opts.bufferCompressChunk > 0 ? opts.bufferCompressChunk : COMPRESS_CHUNK;
        this.fixed = hasPattern ? Fill.expand(opts.bufferPattern) : Fill.ZEROES;
        this.dedupePercent = opts.dedupePercentage;
        this.refill = opts.refillBuffers || (mode == Mode.COMPRESSIBLE && pct < 100) || dedupePercent > 0;
        this.scramble = opts.scrambleBuffers && mode == Mode.RANDOM && !refill;
        this.state = seed;
        this.dedupeState = Fill.mix(seed ^ 0x5DEECE66DL);
        // Per job, so that two jobs' new buffers differ; a global working set is drawn from the seed alone.
        this.seed = seed;
        this.jobIndex = opts.index;
        this.jobs = Math.max(1, opts.jobsInRun);
        this.uniqueBase = uniqueBase(seed, opts.index);
        int minBs = opts.bsrangeLow[JobOptions.WRITE] > 0 ? opts.bsrangeLow[JobOptions.WRITE] : opts.bs[JobOptions.WRITE];
        this.workingSet = opts.dedupeWorkingSet
                ? Math.max(1, opts.size * opts.dedupeWorkingSetPercentage / 100 / Math.max(1, minBs)) : 0;
        this.globalWorkingSet = opts.dedupeGlobal && workingSet > 0;
        this.perJob = Math.max(1, workingSet / jobs);
    }

    /** Where job {@code index}'s sequence of new-buffer seeds starts. */
    private static long uniqueBase(long seed, int index) {
        return Fill.mix(seed + (index + 1L) * Fill.GOLDEN);
    }

    /** True when {@link #refill} writes all new content. */
    public boolean refills() {
        return refill && mode != Mode.ZERO && mode != Mode.PATTERN;
    }

    /** True when {@link #refill} scrambles a few bytes. */
    public boolean scrambles() {
        return scramble;
    }

    /** Fills {@code buf[0, length)} afresh. */
    public void fill(MemorySegment buf, long length) {
        check(buf, length);
        if (dedupePercent > 0 && (mode == Mode.RANDOM || mode == Mode.COMPRESSIBLE)) {
            state = contentSeed();
        }
        switch (mode) {
            case ZERO -> Fill.zero(buf, 0, length);
            case PATTERN -> Fill.pattern(fixed, buf, 0, length);
            case RANDOM -> random(buf, 0, length);
            case COMPRESSIBLE -> compressible(buf, length);
        }
    }

    /** Makes a buffer filled before ready for its next write: a new fill, a scramble, or nothing. */
    public void refill(MemorySegment buf, long length) {
        if (refills()) {
            fill(buf, length);
        } else if (scramble) {
            check(buf, length);
            scramble(buf, length);
        }
    }

    /** The seed of the next buffer's content: a new one, or (dedupe) an earlier one's. */
    private long contentSeed() {
        boolean copy = uniqueCount > 0 && (dedupePercent >= 100 || 1 + Long.remainderUnsigned(nextDedupe(), 100) <= dedupePercent);
        if (copy) {
            if (workingSet == 0) {
                return lastUniqueSeed; // repeat: the previous new buffer again
            }
            long i = Long.remainderUnsigned(nextDedupe(), workingSet);
            if (!globalWorkingSet) {
                return Fill.mix(uniqueBase + i * Fill.GOLDEN); // the job's own i-th new buffer
            }
            int owner = (int) ((jobIndex + i / perJob) % jobs);
            return Fill.mix(uniqueBase(seed, owner) + (i % perJob) * Fill.GOLDEN);
        }
        // The k-th new buffer; without dedupe_global, working-set entry k is this same seed, as in fio.
        lastUniqueSeed = Fill.mix(uniqueBase + uniqueCount++ * Fill.GOLDEN);
        return lastUniqueSeed;
    }

    private long nextDedupe() {
        dedupeState += Fill.GOLDEN;
        return Fill.mix(dedupeState);
    }

    /** splitmix64: the next word of the content stream. */
    private long nextLong() {
        state += Fill.GOLDEN;
        return Fill.mix(state);
    }

    private static void check(MemorySegment buf, long length) {
        if (length < 0 || length > buf.byteSize()) {
            throw new IndexOutOfBoundsException("length " + length + " outside a " + buf.byteSize() + "-byte buffer");
        }
    }

    private void random(MemorySegment buf, long from, long to) {
        long off = from;
        for (; off + 8 <= to; off += 8) {
            buf.set(Fill.LONG_LE, off, nextLong());
        }
        for (long r = nextLong(); off < to; off++, r >>>= 8) {
            buf.set(ValueLayout.JAVA_BYTE, off, (byte) r);
        }
    }

    private void compressible(MemorySegment buf, long length) {
        for (long chunk = 0; chunk < length; chunk += compressChunk) {
            long end = Math.min(length, chunk + compressChunk);
            long randomEnd = chunk + (end - chunk) * (100 - compressPercent) / 100;
            random(buf, chunk, randomEnd);
            Fill.pattern(fixed, buf, randomEnd, end);
        }
    }

    /** One random word per write, stamped (varied per sector) at a random 8-byte slot of every sector. */
    private void scramble(MemorySegment buf, long length) {
        long r = nextLong();
        long slot = (r >>> 58) * 8; // 0..504: the same slot in every sector of this write
        for (long sector = 0; sector + slot + 8 <= length; sector += SCRAMBLE_SECTOR) {
            buf.set(Fill.LONG_LE, sector + slot, r ^ Fill.mix(sector));
        }
    }
}
