package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;

/**
 * A randomized workload for the engine contract: many thousands of requests with random ops (reads and
 * writes of 1..4 segments, flushes, discards, write-zeroes), byte-granular offsets and sizes, and a queue
 * depth that changes as it runs; every read is checked against a model of the file and every request's
 * completions are counted.
 *
 * <p>Threading: the driver runs on the loop (refills happen in completion callbacks); a tenth of the
 * submissions are handed to {@code offLoop} so that the engine's cross-thread path runs concurrently.
 * Requests in flight never overlap (a block is locked while any request covers it), so the model is exact.
 */
final class EngineStress {
    static final int BLOCK = 4096;
    static final int BLOCKS = 256;
    static final int MAX_DEPTH = 48;
    private static final int MAX_LEN = 4 * BLOCK;

    private final AioContext ctx;
    private final AioEngine engine;
    private final FileHandle file;
    private final ExecutorService offLoop;
    private final SplittableRandom rnd;
    private final int total;
    final byte[] model = new byte[BLOCKS * BLOCK + MAX_LEN];
    private final boolean[] busy = new boolean[model.length / BLOCK + 1];
    private final List<Lane> free = new ArrayList<>();
    final AtomicIntegerArray calls;
    final AtomicInteger completed = new AtomicInteger();
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private int issued;
    private int depth = 1;
    private int inFlight;

    /** One request slot of the driver: a request and a buffer big enough for any op. */
    private final class Lane {
        final AioRequest req = new AioRequest(4);
        final MemorySegment buffer;
        int id;
        long offset;
        int length;
        int expected;
        boolean read;

        Lane(Arena arena) {
            buffer = arena.allocate(MAX_LEN, 8);
        }
    }

    EngineStress(AioContext ctx, AioEngine engine, FileHandle file, Arena arena, ExecutorService offLoop,
                 long seed, int total) {
        this.ctx = ctx;
        this.engine = engine;
        this.file = file;
        this.offLoop = offLoop;
        this.rnd = new SplittableRandom(seed);
        this.total = total;
        this.calls = new AtomicIntegerArray(total);
        for (int i = 0; i < MAX_DEPTH; i++) {
            free.add(new Lane(arena));
        }
    }

    /** Loop: starts the workload; it runs itself from completions until {@code total} have completed. */
    void start() {
        refill();
    }

    void closeRequests() {
        for (Lane lane : free) {
            lane.req.close();
        }
    }

    private void refill() {
        while (issued < total && inFlight < depth && !free.isEmpty()) {
            Lane lane = free.removeLast();
            if (!prepare(lane)) {
                free.add(lane);
                return; // every candidate range busy: a completion will refill
            }
            lane.id = issued++;
            inFlight++;
            if (rnd.nextInt(10) == 0) {
                offLoop.execute(() -> engine.submit(lane.req, r -> done(lane, r)));
            } else {
                engine.submit(lane.req, r -> done(lane, r));
            }
        }
    }

    /** Picks an op on a free range and prepares the lane for it; false if no free range was found. */
    private boolean prepare(Lane lane) {
        int kind = rnd.nextInt(20);
        if (kind == 0) {
            lane.req.prepareFlush(file, rnd.nextBoolean());
            lane.length = 0;
            lane.expected = 0;
            lane.read = false;
            return true;
        }
        for (int attempt = 0; attempt < 8; attempt++) {
            long offset = rnd.nextLong((long) BLOCKS * BLOCK);
            int length = 1 + rnd.nextInt(MAX_LEN);
            if (!lock(offset, length)) {
                continue;
            }
            lane.offset = offset;
            lane.length = length;
            lane.read = false;
            if (kind <= 8) {
                lane.read = true;
                lane.req.prepareRead(file, offset, split(lane.buffer.asSlice(0, length)));
                lane.expected = length;
            } else if (kind <= 15) {
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                MemorySegment.copy(data, 0, lane.buffer, ValueLayout.JAVA_BYTE, 0, length);
                System.arraycopy(data, 0, model, (int) offset, length);
                lane.req.prepareWrite(file, offset, split(lane.buffer.asSlice(0, length)));
                lane.expected = length;
            } else {
                java.util.Arrays.fill(model, (int) offset, (int) offset + length, (byte) 0);
                if (kind <= 17) {
                    lane.req.prepareDiscard(file, offset, length);
                } else {
                    lane.req.prepareWriteZeroes(file, offset, length);
                }
                lane.expected = 0;
            }
            return true;
        }
        return false;
    }

    /** 1..4 consecutive segments covering {@code whole}. */
    private MemorySegment[] split(MemorySegment whole) {
        int parts = (int) Math.min(1 + rnd.nextInt(4), whole.byteSize());
        MemorySegment[] iov = new MemorySegment[parts];
        long at = 0;
        for (int p = 0; p < parts; p++) {
            long left = whole.byteSize() - at;
            long len = p == parts - 1 ? left : 1 + rnd.nextLong(left - (parts - 1 - p));
            iov[p] = whole.asSlice(at, len);
            at += len;
        }
        return iov;
    }

    private void done(Lane lane, int r) {
        if (!ctx.inLoop()) {
            failures.add("completion of request " + lane.id + " off the loop");
        }
        calls.incrementAndGet(lane.id);
        if (r != lane.expected) {
            failures.add(lane.req + " returned " + r + ", expected " + lane.expected + ": " + lane.req.errorDetail());
        } else if (lane.read) {
            for (int i = 0; i < lane.length; i++) {
                if (lane.buffer.get(ValueLayout.JAVA_BYTE, i) != model[(int) lane.offset + i]) {
                    failures.add(lane.req + ": byte " + (lane.offset + i) + " differs from the model");
                    break;
                }
            }
        }
        if (lane.length > 0) {
            unlock(lane.offset, lane.length);
        }
        inFlight--;
        free.add(lane);
        if (completed.incrementAndGet() % 512 == 0) {
            depth = 1 + rnd.nextInt(MAX_DEPTH);
        }
        refill();
    }

    private boolean lock(long offset, int length) {
        int first = (int) (offset / BLOCK);
        int last = (int) ((offset + length - 1) / BLOCK);
        for (int b = first; b <= last; b++) {
            if (busy[b]) {
                return false;
            }
        }
        for (int b = first; b <= last; b++) {
            busy[b] = true;
        }
        return true;
    }

    private void unlock(long offset, int length) {
        for (int b = (int) (offset / BLOCK); b <= (int) ((offset + length - 1) / BLOCK); b++) {
            busy[b] = false;
        }
    }

    /** After the run: every request completed exactly once. */
    void assertExactlyOnce() {
        for (int i = 0; i < total; i++) {
            assertEquals(1, calls.get(i), "completions of request " + i);
        }
    }
}
