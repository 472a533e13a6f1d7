package org.aioemu.blockdev;

import java.util.ArrayDeque;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;

/**
 * Completions a driver owes "later, on the loop" — a refused request, a cancelled one, an answer known at once —
 * which must not run inside the call that asked. They run from a bottom half rather than a Netty task because a
 * nested wait on the loop ({@code AioContext.runUntil} inside a callback: a cancel, a drain, a close) runs bottom
 * halves but not Netty tasks; a completion queued as a task would never come while the loop waits for it.
 * {@link #pending} counts them, so a drain waits for them too.
 *
 * <p>Threading: loop only. Allocates the caller's closure per deferral: for paths that allocate per request anyway
 * (a refusal, the lz4 driver's zero and cached clusters), not the raw data path.
 */
public final class LoopDeferred {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final BottomHalf runner;

    public LoopDeferred(AioContext ctx) {
        this.runner = ctx.newBottomHalf(this::runDue);
    }

    /** Loop: runs {@code completion} on a later turn of the loop (or of a nested wait). */
    public void later(Runnable completion) {
        queue.addLast(completion);
        runner.schedule();
    }

    /** Loop: deferred completions not yet run. */
    public int pending() {
        return queue.size();
    }

    /** Runs those queued before this turn; ones they queue wait for the next. */
    private void runDue() {
        for (int n = queue.size(); n > 0; n--) {
            queue.pollFirst().run();
        }
        if (!queue.isEmpty()) {
            runner.schedule();
        }
    }
}
