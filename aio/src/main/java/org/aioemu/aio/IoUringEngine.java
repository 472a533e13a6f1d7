package org.aioemu.aio;

import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.IntCompletion;
import org.aioemu.engine.Transport;

/**
 * The {@code io_uring} engine: each request becomes SQEs (READ/WRITE, READV/WRITEV, FSYNC, FALLOCATE)
 * submitted through Netty's {@code IoUringIoHandler} on the context's own loop — no second ring, no extra
 * thread — and completes when its CQE arrives, with the same results as the {@code threads} engine (see
 * {@link UringResults}). The loop-side work is {@link UringQueue}'s.
 *
 * <p>Threading: {@link #submit}, {@link #cancel} and {@link #close} may be called from any thread.
 * Submitting on the loop is the fast path: no task and, in steady state, no allocation. From another
 * thread a submit hops to the loop with one {@code execute}. Every completion runs on the loop.
 *
 * <p>Buffers: the kernel reads and writes a request's buffers (and its native iovec array) directly,
 * until the request's completion runs. They must outlive it: never close the {@code Arena} of a buffer,
 * or the {@link AioRequest}, with a request in flight — the kernel would write into freed memory.
 *
 * <p>Allocation: on the loop, submit and completion allocate nothing in steady state beyond one short-lived
 * {@code IoUringIoOps} per SQE, which the JIT scalar-replaces once hot (Netty copies it into the ring at
 * once). The slot table and queues grow only to the deepest queue seen.
 *
 * <p>Lifecycle: close the engine before its context. If the context closes first, the engine cancels what
 * is in the kernel and completes every request with -ECANCELED while the loop shuts down, but Netty waits
 * only a bounded time for CQEs then.
 *
 * <p>Nested waits: a callback that waits on the loop ({@code AioContext.runUntil} there) gets its requests'
 * completions, also of those still in the kernel: the nested wait reaps CQEs and runs the bottom half that
 * delivers them. Except where the context says a nested wait cannot reap
 * ({@link AioContext#nestedWaitReapsTransport()}: inside the transport's own run, or while a Netty channel
 * is registered on the loop): pass a timeout there.
 *
 * <p>Availability: needs an {@link AioContext} whose transport is {@link Transport#IO_URING}, which in
 * turn needs a kernel with io_uring that neither sysctl nor seccomp forbids; otherwise the constructor
 * says why. The default engine stays {@code threads}.
 */
public final class IoUringEngine implements AioEngine {
    private final AioContext ctx;
    private final UringQueue queue;
    /**
     * Submissions from off the loop between their increment here and their acceptance on the loop (or their
     * backing out). A submitter increments it before it reads {@link #closed}; close writes {@code closed}
     * before the loop reads this (all volatile, so one total order): either the submitter sees the engine
     * closed and backs out, or the closing loop sees the count and waits for the request.
     *
     * <p>Who brings it back to 0 re-checks the drain, so the loop never waits for a count that nobody will
     * report: a hop accepted on the loop leaves a request whose completion checks; a hop that backs out off
     * the loop hands {@link #drainCheck} to the loop ({@link #unhop}).
     */
    private final AtomicInteger hopping = new AtomicInteger();
    private volatile boolean closed;
    /** Loop: the queue's drain check, made once so that backing out allocates nothing of ours. */
    private final Runnable drainCheck;

    /** An engine on {@code ctx}'s loop, keeping at most the loop's SQ ring size of requests in the kernel. */
    public IoUringEngine(AioContext ctx) {
        this(ctx, defaultMaxInFlight());
    }

    /**
     * An engine keeping at most {@code maxInFlight} (1 to 65,536) requests in the kernel; the rest queue
     * in the engine until completions make room.
     *
     * @throws IllegalArgumentException saying why, where io_uring cannot be used with {@code ctx}
     */
    IoUringEngine(AioContext ctx, int maxInFlight) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        if (maxInFlight < 1 || maxInFlight > UringSlots.MAX_SLOTS) {
            throw new IllegalArgumentException("maxInFlight must be 1.." + UringSlots.MAX_SLOTS + ": " + maxInFlight);
        }
        String why = unavailability(ctx);
        if (why != null) {
            throw new IllegalArgumentException("the io_uring engine cannot run here: " + why + "; the threads engine runs anywhere");
        }
        this.queue = new UringQueue(ctx, maxInFlight, hopping);
        this.drainCheck = queue::checkDrained;
        register();
    }

    /** Why io_uring cannot be used with {@code ctx}, or null if it can. Any thread. */
    static String unavailability(AioContext ctx) {
        if (!IoUring.isAvailable()) {
            Throwable cause = IoUring.unavailabilityCause();
            return "io_uring is not available on this system (" + (cause == null ? "unknown cause" : cause.getMessage())
                    + "): the kernel may be too old, or io_uring disabled by sysctl kernel.io_uring_disabled or blocked by seccomp";
        }
        if (ctx.transport() != Transport.IO_URING) {
            return "its requests go through the event loop's io_uring, but " + ctx + " runs on "
                    + ctx.transport().name().toLowerCase(java.util.Locale.ROOT)
                    + " (make the context with Transport.AUTO or IO_URING)";
        }
        if (!ctx.ioEventLoop().isCompatible(IoUringIoHandle.class)) {
            return "the event loop of " + ctx + " does not accept io_uring handles";
        }
        return null;
    }

    /** The loop's SQ ring size (Netty's default, 128 unless -Dio.netty.iouring.ringSize says otherwise). */
    private static int defaultMaxInFlight() {
        return Math.min(new IoUringIoHandlerConfig().getRingSize(), UringSlots.MAX_SLOTS);
    }

    /**
     * Registers the queue on the loop. The registration is handed to the queue by a listener, which Netty
     * runs on the loop (inline when we are the loop), so the queue's plain field is written by the thread
     * that reads it. Off the loop we wait until the listener has run, so the engine is usable on the loop
     * however its reference gets there, and a failure surfaces here.
     */
    private void register() {
        Future<IoRegistration> f = ctx.ioEventLoop().register(queue);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        f.addListener(done -> {
            if (done.isSuccess()) {
                queue.registered(f.getNow());
            }
            outcome.complete(done.cause());
        });
        Throwable failure = outcome.join(); // already complete on the loop: register runs inline there
        if (failure != null) {
            throw new IllegalArgumentException("the io_uring engine could not register with the event loop of " + ctx
                    + ": " + failure + "; the threads engine runs anywhere", failure);
        }
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public AioContext context() {
        return ctx;
    }

    @Override
    public boolean concurrent() {
        return true;
    }

    /** Any thread; the loop is the fast path. See {@link AioEngine#submit}. */
    @Override
    public void submit(AioRequest req, IntCompletion completion) {
        Objects.requireNonNull(completion, "completion");
        if (req.op() == null) {
            throw new IllegalStateException("AioRequest submitted before being prepared");
        }
        if (ctx.inLoop()) {
            if (closed) {
                throw new IllegalStateException("the io_uring engine is closed");
            }
            queue.accept(req, completion);
            return;
        }
        hopping.incrementAndGet(); // before reading closed: see the field comment
        if (closed) {
            unhop();
            throw new IllegalStateException("the io_uring engine is closed");
        }
        try {
            ctx.execute(() -> {
                try {
                    queue.acceptHopped(req, completion);
                } finally {
                    // After accept: the loop never sees the request in neither place. No drain check here even
                    // at 0: the request is now outstanding, and its completion checks (on this thread, later).
                    hopping.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            unhop();
            throw e;
        }
    }

    /**
     * Off the loop: takes back a hop that never reached the loop. The loop may have looked at the count while
     * this hop was in it and put off unregistering; if this is the last hop of a closing engine, nothing else
     * would look again, and {@link #close} would wait forever. So the one that brings the count to 0 reads
     * {@link #closed} after its decrement and, if set, has the loop check again. If {@code closed} reads
     * false, the closer writes it later, so its own check on the loop reads this decrement (field comment).
     * A loop already gone needs no check: closing the context closes the queue.
     */
    private void unhop() {
        if (hopping.decrementAndGet() == 0 && closed) {
            try {
                ctx.execute(drainCheck);
            } catch (RejectedExecutionException gone) {
                // The context is closed or closing: its loop closes the queue and releases close()'s wait.
            }
        }
    }

    /**
     * Any thread: cancels {@code req} if it is outstanding on this engine. A request still queued in the
     * engine completes with -ECANCELED; one in the kernel gets an ASYNC_CANCEL and completes with
     * -ECANCELED, or with its real result if the kernel finished it first. Either way it completes exactly
     * once. Returns false if {@code req} is not outstanding here (already completed, or never submitted).
     * Off the loop the answer is computed on the loop, so this waits for the loop to run a task; if the
     * context is closed or closing and its loop refuses or never runs that task, this cancelled nothing and
     * returns false (the context's close completes what was left with -ECANCELED).
     */
    @Override
    public boolean cancel(AioRequest req) {
        Objects.requireNonNull(req, "req");
        if (ctx.inLoop()) {
            return queue.cancel(req);
        }
        // Completed once, by whichever comes first: the loop task with its answer (or its failure), or the
        // loop's termination. Netty terminates a loop only after it ran or refused every task it took, so a
        // task that ran has completed this before the termination listener tries to.
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Future<?> terminated = ctx.ioEventLoop().terminationFuture();
        GenericFutureListener<Future<Object>> gone = f -> answer.complete(false);
        terminated.addListener(gone);
        try {
            ctx.execute(() -> {
                try {
                    answer.complete(queue.cancel(req));
                } catch (RuntimeException | Error e) {
                    answer.completeExceptionally(e); // rethrown in the caller; the loop goes on
                }
            });
            return answer.join();
        } catch (RejectedExecutionException closed) {
            return false; // the context is closed, or its loop stopped taking tasks
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) e.getCause(); // the task completes exceptionally with nothing else
        } finally {
            terminated.removeListener(gone);
        }
    }

    /**
     * Stops accepting requests and unregisters from the loop once every request has completed and every
     * CQE has arrived, and waits for that: on the loop through a nested wait, which reaps the CQEs. On the
     * loop it returns at once instead, and the engine finishes closing with its last completion, where that
     * wait could not end: the context cannot reap there ({@link AioContext#nestedWaitReapsTransport()}), a
     * submission from another thread is still on its way (a Netty task, which nested waits do not run), or
     * the context is closing. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (ctx.inLoop()) {
            queue.beginClose();
            // hopping is read after closed was written, so no further hop can start (see the field).
            if (!ctx.isClosed() && hopping.get() == 0 && ctx.nestedWaitReapsTransport()) {
                ctx.runUntil(queue::isUnregistered);
            }
            return;
        }
        if (ctx.isClosed()) {
            return; // the loop is gone; Netty closed the queue with it
        }
        try {
            ctx.execute(queue::beginClose);
            ctx.runUntil(queue::isUnregistered);
        } catch (RejectedExecutionException e) {
            // The context closed meanwhile: its loop closed the queue, cancelling what was left.
        }
    }

    @Override
    public String toString() {
        return "io_uring engine on " + ctx + (closed ? ", closed" : "");
    }
}
