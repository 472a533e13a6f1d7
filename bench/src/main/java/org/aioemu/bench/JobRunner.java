package org.aioemu.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * Drives one job on a {@link BlockBackend}: keeps {@code iodepth} requests in flight from the loop,
 * resubmitting from each completion until the runtime is over, then lets the queue drain.
 *
 * <p>Threading: {@link #run()} is called from a thread that is not the loop; everything else happens on
 * the loop, which owns the slots, the random generator, the counters and the histograms. The hot path
 * (complete, record, pick the next offset, submit) allocates nothing: slots and buffers are made at start.
 */
final class JobRunner {
    private final JobSpec spec;
    private final BlockBackend backend;
    private final AioContext ctx;
    private final SplittableRandom rnd;
    private final long blocks;
    /** Bytes after which no more requests are issued: the job's size unless time-based. */
    private final long ioLimitBytes;

    // --- loop only ------------------------------------------------------------------------------
    private long deadline;
    private long nextSequentialBlock;
    private long issuedBytes;
    private int inFlight;
    private boolean stopping;
    private final JobResult result;

    /** @param stopAtSize stop after {@code spec.size()} bytes (fio without time_based) as well as at the runtime */
    JobRunner(JobSpec spec, BlockBackend backend, boolean stopAtSize) {
        this.spec = spec;
        this.backend = backend;
        this.ctx = backend.context();
        this.rnd = new SplittableRandom(spec.seed());
        this.blocks = Math.min(spec.size(), backend.size()) / spec.blockSize();
        this.ioLimitBytes = stopAtSize ? blocks * spec.blockSize() : Long.MAX_VALUE;
        if (blocks == 0) {
            throw new IllegalArgumentException("the image (" + backend.size() + " bytes) is smaller than one block of " + spec.blockSize());
        }
        this.result = new JobResult(spec);
    }

    /** Runs the job to its end and returns what it measured. Not on the loop. */
    JobResult run() {
        try (Arena arena = Arena.ofShared()) {
            Slot[] slots = new Slot[spec.iodepth()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(AlignedBuffers.allocate(arena, spec.blockSize()));
                if (spec.rw().writes) {
                    fillPattern(slots[i].buffer, i);
                }
            }
            ctx.execute(() -> start(slots));
            ctx.runUntil(() -> result.finished);
        }
        return result;
    }

    /** Loop: starts the clock and fills the queue. */
    private void start(Slot[] slots) {
        result.startNanos = System.nanoTime();
        deadline = result.startNanos + spec.runtimeNanos();
        for (Slot s : slots) {
            if (issuedBytes < ioLimitBytes) {
                submit(s);
            }
        }
    }

    /** Loop: issues the next request from {@code s}. */
    private void submit(Slot s) {
        long block;
        if (spec.rw().random) {
            block = rnd.nextLong(blocks);
        } else {
            block = nextSequentialBlock;
            nextSequentialBlock = (nextSequentialBlock + 1) % blocks;
        }
        s.offset = block * spec.blockSize();
        s.write = spec.rw().writes && (!spec.rw().reads || rnd.nextInt(100) >= spec.readPercent());
        inFlight++;
        issuedBytes += spec.blockSize();
        s.startNanos = System.nanoTime();
        if (s.write) {
            backend.write(s.offset, s.buffer, s);
        } else {
            backend.read(s.offset, s.buffer, s);
        }
    }

    /** Loop: one request finished. */
    private void completed(Slot s, int res, String detail) {
        long now = System.nanoTime();
        inFlight--;
        if (res < 0) {
            if (result.error == 0) {
                result.error = -res;
                result.errorMessage = (s.write ? "write" : "read") + " at offset " + s.offset + ": "
                        + Errno.name(res) + " (" + Errno.describe(res) + ")" + (detail != null ? "; " + detail : "");
            }
            stopping = true;
        } else {
            JobResult.Direction d = s.write ? result.write : result.read;
            d.ios++;
            d.bytes += res;
            d.latency.recordValue(Math.max(1, now - s.startNanos));
        }
        if (!stopping && now - deadline < 0 && issuedBytes < ioLimitBytes) {
            submit(s);
        } else {
            stopping = true;
            if (inFlight == 0) {
                result.endNanos = now;
                result.finished = true;
            }
        }
    }

    /** Setup: a per-slot pattern so written data is not all zeroes. */
    private static void fillPattern(MemorySegment buffer, int slot) {
        for (long i = 0; i + 8 <= buffer.byteSize(); i += 8) {
            buffer.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i, 0x9E3779B97F4A7C15L * (i + 1) ^ slot);
        }
    }

    /** One queue slot: its buffer and the request it has out. */
    private final class Slot implements BlockCompletion {
        final MemorySegment buffer;
        long offset;
        long startNanos;
        boolean write;

        Slot(MemorySegment buffer) {
            this.buffer = buffer;
        }

        @Override
        public void complete(int res, String detail) {
            completed(this, res, detail);
        }
    }

    /** What a job measured. Written on the loop, read after {@link #finished} is seen true. */
    static final class JobResult {
        final JobSpec spec;
        final Direction read = new Direction();
        final Direction write = new Direction();
        long startNanos;
        long endNanos;
        int error;
        String errorMessage;
        volatile boolean finished;

        JobResult(JobSpec spec) {
            this.spec = spec;
        }

        long elapsedNanos() {
            return Math.max(1, endNanos - startNanos);
        }

        /** Per-direction counts and completion latency in nanoseconds. */
        static final class Direction {
            long ios;
            long bytes;
            final Histogram latency = new Histogram(1, 3_600_000_000_000L, 3);
        }
    }
}
