package org.aioemu.aio;

import org.aioemu.engine.AioContext;
import org.aioemu.engine.IntCompletion;

/**
 * Runs {@link AioRequest}s for one {@link AioContext} and completes them on its loop. Implementations:
 * {@code threads} (a worker of the context's {@link org.aioemu.engine.ThreadPool} runs the syscalls) and
 * {@code sync} (the submitting thread runs them, a baseline). An io_uring engine fits the same contract:
 * submit prepares an SQE on the loop, the completion arrives with the CQE.
 *
 * <p>Contract, for every engine: each submitted request completes exactly once, on the context's loop
 * thread, with the request's length (READ/WRITE), 0 (FLUSH/DISCARD/WRITE_ZEROES) or a negative errno;
 * the request and its buffers belong to the engine from submit until its completion runs, and to the
 * caller again inside and after it. Submitting after {@link #close()} throws.
 */
public interface AioEngine extends AutoCloseable {
    /** The engine's name as the CLI spells it: {@code threads}, {@code sync}, {@code io_uring}. */
    String name();

    AioContext context();

    /** Any thread (the loop is the fast path): starts {@code req}; {@code completion} runs on the loop. */
    void submit(AioRequest req, IntCompletion completion);

    /**
     * Any thread: asks the engine to cancel {@code req}, submitted earlier. Returns true if a cancellation
     * was started; the request still completes exactly once, with -ECANCELED if the cancellation took
     * effect, else with its real result. Returns false if {@code req} is not outstanding here or the
     * engine cannot cancel it (sync runs requests before submit returns; threads only while the request is
     * still queued for a worker), and then it completes normally.
     */
    default boolean cancel(AioRequest req) {
        return false;
    }

    /** Whether the engine may run requests concurrently (false for sync). */
    boolean concurrent();

    /** Stops accepting requests; requests already submitted still complete. Does not close the context. */
    @Override
    void close();
}
