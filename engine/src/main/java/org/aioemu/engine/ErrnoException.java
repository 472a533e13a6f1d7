package org.aioemu.engine;

import java.io.IOException;

/**
 * An error that carries a Linux errno. Thrown by blocking tasks to report a specific errno to the
 * thread pool (which then completes the request with {@code -errno}), and used at the public edge to
 * report a failed operation with its errno.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /** {@code errno} may be given positive or negative; it is stored positive. */
    public ErrnoException(int errno, String message) {
        super(message + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.errno = Math.abs(errno);
    }

    public ErrnoException(int errno, String message, Throwable cause) {
        this(errno, message);
        initCause(cause);
    }

    /** The positive errno value, e.g. {@link Errno#ENOSPC}. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "ENOSPC"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
