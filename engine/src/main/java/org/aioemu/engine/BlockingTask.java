package org.aioemu.engine;

/**
 * Blocking work for a {@link ThreadPool} worker that answers as the kernel does: bytes or a count
 * (>= 0), or a negative errno. Throwing {@link ErrnoException} is the same as returning {@code -errno};
 * any other exception becomes {@code -EIO}.
 */
@FunctionalInterface
public interface BlockingTask {
    int run() throws Exception;
}
