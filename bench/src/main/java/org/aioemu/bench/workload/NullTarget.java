package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;

/**
 * ioengine=null: no I/O at all. Each request "completes" with its full length (0 for flush and discard)
 * from one bottom half on the loop, after the call returns, in submission order. A loop-owned ring of
 * pending completions grows to the deepest queue seen; steady state allocates nothing.
 */
final class NullTarget implements IoTarget {
    private final BottomHalf deliver;
    // --- loop only ---
    private BlockCompletion[] callbacks = new BlockCompletion[16];
    private int[] results = new int[16];
    private int head;
    private int count;

    NullTarget(AioContext ctx) {
        this.deliver = ctx.newBottomHalf(this::deliver);
    }

    private void enqueue(BlockCompletion c, int result) {
        if (count == callbacks.length) {
            int n = callbacks.length;
            BlockCompletion[] cb = new BlockCompletion[n * 2];
            int[] rs = new int[n * 2];
            for (int i = 0; i < count; i++) {
                cb[i] = callbacks[(head + i) & (n - 1)];
                rs[i] = results[(head + i) & (n - 1)];
            }
            callbacks = cb;
            results = rs;
            head = 0;
        }
        int tail = (head + count) & (callbacks.length - 1);
        callbacks[tail] = c;
        results[tail] = result;
        count++;
        deliver.schedule();
    }

    /** The bottom half: delivers what was queued when it started; later ones get the next run. */
    private void deliver() {
        int n = count;
        for (int i = 0; i < n; i++) {
            BlockCompletion c = callbacks[head];
            int r = results[head];
            callbacks[head] = null;
            head = (head + 1) & (callbacks.length - 1);
            count--;
            c.complete(r, null);
        }
    }

    @Override
    public void read(long offset, MemorySegment buf, BlockCompletion c) {
        enqueue(c, (int) buf.byteSize());
    }

    @Override
    public void write(long offset, MemorySegment buf, BlockCompletion c) {
        enqueue(c, (int) buf.byteSize());
    }

    @Override
    public void flush(BlockCompletion c) {
        enqueue(c, 0);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion c) {
        enqueue(c, 0);
    }

    @Override
    public void discard(long offset, long length, BlockCompletion c) {
        enqueue(c, 0);
    }

    @Override
    public void close() {
    }
}
