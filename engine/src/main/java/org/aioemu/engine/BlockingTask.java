package org.aioemu.engine;

/**
 * Blocking work for a {@link ThreadPool} worker that answers as the kernel does: bytes or a count
 * (>= 0), or a negative errno. Throwing {@link ErrnoException} is the same as returning {@code -errno};
 * any other exception becomes {@code -EIO}.
 */
@FunctionalInterface
public interface BlockingTask {
    int run() throws Exception;

    /**
     * The submitting thread, before any worker can run this task: the ticket of the submission that carries
     * it ({@link ThreadPool#submit(BlockingTask, IntCompletion)}). A task that keeps its ticket for a later
     * cancel stores it here rather than from submit's return value, which may come after the task has run,
     * completed and been submitted again.
     */
    default void queued(long ticket) {
    }
}
