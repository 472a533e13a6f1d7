package org.aioemu.blockdev;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.aioemu.engine.AioContext;

/**
 * Keeps {@code depth} requests in flight on a backend from its loop (the allocation-free callback API), each
 * completion issuing the next, and counts what completes: a closed-loop load like fio's, whose rate a throttle
 * sets. Counters are read from the test thread; {@link #stop()} lets requests in flight finish without new ones.
 */
final class ThrottleLoad {
    private final BlockBackend disk;
    private final int depth;
    private final int size;
    /** Percentage of requests that are reads. */
    private final int readPercent;
    private final MemorySegment[] buffers;
    private final SplittableRandom rnd = new SplittableRandom(42);
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private volatile boolean stopped;

    ThrottleLoad(BlockBackend disk, Arena arena, int depth, int size, int readPercent) {
        this.disk = disk;
        this.depth = depth;
        this.size = size;
        this.readPercent = readPercent;
        this.buffers = new MemorySegment[depth];
        for (int i = 0; i < depth; i++) {
            buffers[i] = arena.allocate(size, 4096);
        }
    }

    /** Any thread: starts the load on the backend's loop. */
    ThrottleLoad start() {
        AioContext ctx = disk.context();
        ctx.execute(() -> {
            for (int i = 0; i < depth; i++) {
                issue(i);
            }
        });
        return this;
    }

    private void issue(int slot) {
        if (stopped) {
            return;
        }
        long blocks = disk.size() / size;
        long offset = rnd.nextLong(blocks) * size;
        boolean read = rnd.nextInt(100) < readPercent;
        BlockCompletion done = (result, detail) -> {
            if (result < 0) {
                errors.incrementAndGet();
            } else {
                (read ? reads : writes).incrementAndGet();
                bytes.addAndGet(result);
            }
            issue(slot);
        };
        if (read) {
            disk.read(offset, buffers[slot], done);
        } else {
            disk.write(offset, buffers[slot], done);
        }
    }

    long ops() {
        return reads.get() + writes.get();
    }

    void stop() {
        stopped = true;
    }
}
