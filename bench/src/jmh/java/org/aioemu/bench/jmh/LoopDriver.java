package org.aioemu.bench.jmh;

import org.aioemu.engine.AioContext;

/**
 * Keeps {@code depth} operations in flight from the loop until {@code total} have completed, so a
 * benchmark invocation measures round trips without the benchmark thread in the path. Subclasses issue
 * one operation in {@link #issue(int)} and call {@link #completed(int)} from its completion (on the loop).
 *
 * <p>Threading: {@link #runBatch} from the benchmark thread; the rest on the loop.
 */
abstract class LoopDriver {
    final AioContext ctx;
    private final int depth;
    private final Runnable start = this::start;
    private int total;
    private int issued;
    private int done;
    private volatile boolean finished;

    LoopDriver(AioContext ctx, int depth) {
        this.ctx = ctx;
        this.depth = depth;
    }

    /** Benchmark thread: runs {@code n} operations at the configured depth and waits for them all. */
    final void runBatch(int n) {
        total = n; // published to the loop by execute()
        finished = false;
        ctx.execute(start);
        ctx.runUntil(() -> finished);
    }

    private void start() {
        issued = 0;
        done = 0;
        for (int slot = 0; slot < depth && issued < total; slot++) {
            issued++;
            issue(slot);
        }
    }

    /** Loop: one operation of {@code slot} finished; issue the next or finish the batch. */
    final void completed(int slot) {
        done++;
        if (issued < total) {
            issued++;
            issue(slot);
        } else if (done == total) {
            finished = true;
        }
    }

    /** Loop: start one operation for {@code slot}. */
    abstract void issue(int slot);
}
