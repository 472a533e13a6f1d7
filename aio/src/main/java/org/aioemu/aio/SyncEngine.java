package org.aioemu.aio;

import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.IntCompletion;

/**
 * The baseline engine: the submitting thread runs the syscalls itself, at once, and the completion is
 * delivered on the loop afterwards (never from inside {@code submit}, so a completion that submits again
 * does not recurse). Queue depth is 1 in effect, whatever the caller keeps in flight.
 *
 * <p>Threading: submit on the loop is the allocation-free path: finished requests wait in a loop-owned
 * ring drained by one bottom half. Submit from another thread runs the syscalls on that thread and hands
 * the completion to the loop as a task.
 */
public final class SyncEngine implements AioEngine {
    private final AioContext ctx;
    private final String name;
    /** Runs one request on the submitting thread: the syscalls ({@link RawIo}), or the mmap engine's copies. */
    private final java.util.function.ToIntFunction<AioRequest> runner;
    private final BottomHalf deliverBh;
    private volatile boolean closed;

    // --- loop only: completions waiting for the bottom half, a ring of parallel arrays --------------
    private IntCompletion[] pendingCallbacks = new IntCompletion[64];
    private int[] pendingResults = new int[64];
    private int head;
    private int count;

    public SyncEngine(AioContext ctx) {
        this(ctx, "sync", RawIo::execute);
    }

    /** An engine of this shape that runs each request with {@code runner} (the mmap engine). */
    SyncEngine(AioContext ctx, String name, java.util.function.ToIntFunction<AioRequest> runner) {
        this.ctx = ctx;
        this.name = name;
        this.runner = runner;
        this.deliverBh = ctx.newBottomHalf(this::deliver);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AioContext context() {
        return ctx;
    }

    @Override
    public void submit(AioRequest req, IntCompletion completion) {
        if (closed) {
            throw new IllegalStateException("the " + name + " engine is closed");
        }
        int result = runner.applyAsInt(req);
        if (ctx.inLoop()) {
            enqueue(completion, result);
            deliverBh.schedule();
        } else {
            ctx.execute(() -> completion.complete(result));
        }
    }

    /** Loop only. */
    private void enqueue(IntCompletion completion, int result) {
        if (count == pendingCallbacks.length) {
            grow();
        }
        int tail = (head + count) & (pendingCallbacks.length - 1);
        pendingCallbacks[tail] = completion;
        pendingResults[tail] = result;
        count++;
    }

    /** Loop only: doubles the ring (a setup-time cost: the ring stays at the deepest queue seen). */
    private void grow() {
        int n = pendingCallbacks.length;
        IntCompletion[] cbs = new IntCompletion[n * 2];
        int[] rets = new int[n * 2];
        for (int i = 0; i < count; i++) {
            cbs[i] = pendingCallbacks[(head + i) & (n - 1)];
            rets[i] = pendingResults[(head + i) & (n - 1)];
        }
        pendingCallbacks = cbs;
        pendingResults = rets;
        head = 0;
    }

    /** Loop only, the bottom half: delivers in submission order; completions may submit more. */
    private void deliver() {
        while (count > 0) {
            IntCompletion cb = pendingCallbacks[head];
            int result = pendingResults[head];
            pendingCallbacks[head] = null;
            head = (head + 1) & (pendingCallbacks.length - 1);
            count--;
            if (count > 0) {
                deliverBh.schedule(); // a callback that waits nested still gets the rest delivered
            }
            cb.complete(result);
        }
    }

    @Override
    public boolean concurrent() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return name + " engine on " + ctx + (count > 0 ? ", " + count + " to deliver" : "");
    }
}
