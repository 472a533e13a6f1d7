package org.aioemu.blockdev.lz4;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.blockdev.BlockDriver;

/**
 * Writes to an lz4 image's child that may lie past its end. The image grows by appending, but a child need not grow by
 * being written past its end: with O_DIRECT the padding filter must read a whole block there first and refuses, and a
 * block device cannot grow at all. So the child is resized ahead of the appends, by an eighth of its size (1 MiB at
 * least) at a time, and writes past the end wait for the resize. The bytes grown ahead and not yet used are what
 * {@code check} calls leaks after a crash; a clean close cuts them off.
 *
 * <p>Threading: the driver's loop only.
 */
final class ChildGrowth {
    private static final long STEP = 1 << 20;

    /** A write waiting for the resize: the first {@code count} buffers of {@code iov}. */
    private record Waiting(long end, long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
    }

    private final BlockDriver child;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** The child's size as this driver last set or saw it. */
    private long size;
    private boolean growing;

    ChildGrowth(BlockDriver child) {
        this.child = child;
        this.size = child.size();
    }

    void write(long offset, MemorySegment buffer, BlockCompletion completion) {
        long end = offset + buffer.byteSize();
        if (end <= size) {
            child.write(offset, buffer, 0, completion);
            return;
        }
        wait(new Waiting(end, offset, new MemorySegment[] {buffer}, 1, completion)); // the slow path: allocating is fine
    }

    /** Writes the first {@code count} buffers of {@code iov} in turn; the array must stay as it is until completion. */
    void writev(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        long end = offset;
        for (int i = 0; i < count; i++) {
            end += iov[i].byteSize();
        }
        if (end <= size) {
            child.writev(offset, iov, count, 0, completion);
            return;
        }
        wait(new Waiting(end, offset, iov, count, completion));
    }

    private void wait(Waiting w) {
        waiting.add(w);
        if (!growing) {
            grow();
        }
    }

    private void grow() {
        long need = 0;
        for (Waiting w : waiting) {
            need = Math.max(need, w.end);
        }
        long target = Math.max(need, size + Math.max(STEP, size / 8));
        target = (target + STEP - 1) / STEP * STEP;
        long to = target;
        growing = true;
        child.resize(to, (r, why) -> {
            growing = false;
            ArrayDeque<Waiting> now = new ArrayDeque<>(waiting);
            waiting.clear();
            if (r < 0) {
                for (Waiting w : now) {
                    w.completion.complete(r, "growing the lz4 image's file to " + to + " bytes: " + why);
                }
                return;
            }
            size = Math.max(size, to);
            for (Waiting w : now) {
                writev(w.offset, w.iov, w.count, w.completion);
            }
        });
    }

    /** The close's truncation to {@code end}: the file ends where the image does. */
    void truncate(long end, BlockCompletion completion) {
        child.resize(end, (r, why) -> {
            if (r >= 0) {
                size = end;
            }
            completion.complete(r, why);
        });
    }
}
