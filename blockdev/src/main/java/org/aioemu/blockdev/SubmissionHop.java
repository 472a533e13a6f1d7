package org.aioemu.blockdev;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.aioemu.engine.AioContext;

/**
 * Carries future-form requests from application threads onto the loop with one loop task per burst rather than
 * one per request: a thread pushes its request on a lock-free stack (the future is the node, so the push
 * allocates nothing), and only the push that finds the stack empty schedules the drain. The drain takes the whole
 * stack at once and starts its requests oldest first, so each thread's requests keep their order, and all of them
 * run before any loop task queued after the burst began (a close behind them waits for them, as before).
 *
 * <p>Threading: {@link #submit} from any thread; the drain on the loop. Memory ordering: a request's fields and
 * its {@code next} link are written before the CAS that pushes it (a volatile write), and the drain's getAndSet
 * (a volatile read) sees them. A push onto a non-empty stack needs no task: the stack is non-empty only until the
 * drain already scheduled for it takes it, and a push after that take finds it empty and schedules again.
 */
final class SubmissionHop {
    private final AioContext ctx;
    private final Consumer<BlockRequestFuture> start;
    private final AtomicReference<BlockRequestFuture> stack = new AtomicReference<>();
    private final Runnable drain = this::drain;

    SubmissionHop(AioContext ctx, Consumer<BlockRequestFuture> start) {
        this.ctx = ctx;
        this.start = start;
    }

    void submit(BlockRequestFuture f) {
        if (ctx.inLoop()) {
            start.accept(f); // the loop's own requests need no hop, and keep their order among themselves
            return;
        }
        BlockRequestFuture head;
        do {
            head = stack.get();
            f.next = head;
        } while (!stack.compareAndSet(head, f));
        if (head == null) {
            try {
                ctx.execute(drain);
            } catch (RejectedExecutionException e) {
                failAll(e);
            }
        }
    }

    /** Loop: starts every request pushed so far, oldest first. */
    private void drain() {
        BlockRequestFuture newest = stack.getAndSet(null);
        BlockRequestFuture oldest = null;
        while (newest != null) { // reverse the stack into arrival order
            BlockRequestFuture n = newest.next;
            newest.next = oldest;
            oldest = newest;
            newest = n;
        }
        while (oldest != null) {
            BlockRequestFuture n = oldest.next;
            oldest.next = null;
            start.accept(oldest);
            oldest = n;
        }
    }

    /** The context is closed: no drain will run, so the requests waiting for one fail here. */
    private void failAll(RejectedExecutionException e) {
        for (BlockRequestFuture f = stack.getAndSet(null); f != null; ) {
            BlockRequestFuture n = f.next;
            f.next = null;
            f.completeExceptionally(BlockBackend.contextClosed(ctx, e));
            f = n;
        }
    }
}
