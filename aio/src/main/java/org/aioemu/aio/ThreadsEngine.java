package org.aioemu.aio;

import java.util.Objects;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.IntCompletion;
import org.aioemu.engine.ThreadPool;

/**
 * QEMU's {@code aio=threads}: each request runs its blocking syscalls ({@link RawIo#execute}) on a
 * worker of a {@link ThreadPool} and completes through the pool's completion bottom half on the loop.
 *
 * <p>Threading: submit from any thread. The request is published to the worker by the pool's queue and
 * back to the loop by its done stack.
 *
 * <p>Allocation: none per request. The {@link AioRequest} is its own task, and the pool's int-completion
 * submit takes its bookkeeping from a per-thread object pool (seed 002) and recycles it after the
 * completion; waking a worker allocates nothing either.
 */
public final class ThreadsEngine implements AioEngine {
    private final ThreadPool pool;
    private volatile boolean closed;

    /** On the context's default pool. */
    public ThreadsEngine(AioContext ctx) {
        this(ctx.threadPool());
    }

    public ThreadsEngine(ThreadPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public String name() {
        return "threads";
    }

    @Override
    public AioContext context() {
        return pool.context();
    }

    public ThreadPool pool() {
        return pool;
    }

    @Override
    public void submit(AioRequest req, IntCompletion completion) {
        if (closed) {
            throw new IllegalStateException("the threads engine is closed");
        }
        // The request is its own task: run() executes it, and queued(ticket) records the ticket before any
        // worker can run it (storing submit's return value instead could overwrite a resubmission's ticket).
        pool.submit(req, completion);
    }

    /**
     * Steals {@code req} from the pool's queue if no worker has taken it yet (it then completes with
     * -ECANCELED); a request already running completes normally, as QEMU's thread pool does.
     */
    @Override
    public boolean cancel(AioRequest req) {
        long ticket = req.poolTicket;
        return ticket >= 0 && pool.cancel(ticket);
    }

    @Override
    public boolean concurrent() {
        return true;
    }

    /** The pool belongs to the context and outlives the engine; requests in flight complete normally. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "threads engine on " + pool;
    }
}
