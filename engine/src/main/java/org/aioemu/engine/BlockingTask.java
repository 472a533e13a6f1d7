package org.aioemu.engine;

/**
 * Blocking work for a {@link ThreadPool} worker that answers as the kernel does: bytes or a count
 * (>= 0), or a negative errno. Throwing {@link ErrnoException} is the same as returning {@code -errno};
 * any other exception becomes {@code -EIO}.
 *
 * <p>A task may also offer a form that never blocks ({@link #tryWithoutBlocking}), as a page-cache read
 * does with {@code RWF_NOWAIT}. The pool may run that form on the submitting loop thread when its
 * measurements say the attempt costs less than a hand-off ({@link ThreadPoolConfig#inlineAttempts}); if the
 * task would have to block, it is queued and runs on a worker as usual. The kernel's io_uring does the same:
 * it tries an operation non-blocking first and hands it to a worker thread only if that would block.
 */
@FunctionalInterface
public interface BlockingTask {
    /** {@link #tryWithoutBlocking}'s answer when the task would have to block: queue it for a worker. */
    int WOULD_BLOCK = Integer.MIN_VALUE;

    int run() throws Exception;

    /**
     * The submitting loop thread, cheaply: whether {@link #tryWithoutBlocking} can succeed for this submission
     * at all (a buffered read can; a write, a flush or an O_DIRECT read cannot). A task that says no is never
     * tried, and costs the pool's policy nothing.
     */
    default boolean mayCompleteWithoutBlocking() {
        return false;
    }

    /**
     * The submitting loop thread, before the task is queued: does the work if it can without blocking and
     * returns what {@link #run} would, or returns {@link #WOULD_BLOCK} having changed nothing that a later
     * {@link #run} depends on (the task is then queued). Must not throw.
     */
    default int tryWithoutBlocking() {
        return WOULD_BLOCK;
    }

    /**
     * The submitting thread, before any worker can run this task: the ticket of the submission that carries
     * it ({@link ThreadPool#submit(BlockingTask, IntCompletion)}). A task that keeps its ticket for a later
     * cancel stores it here rather than from submit's return value, which may come after the task has run,
     * completed and been submitted again.
     */
    default void queued(long ticket) {
    }
}
