package org.aioemu.bench.job;

/**
 * A job file or job command line that aioemu cannot run: an unknown option, a bad value, an unsupported
 * fio feature, a missing include. The message is meant for the user as is, and starts with where the
 * mistake is ({@code jobs.fio:3: ...} or {@code --bs=4q: ...}).
 *
 * <p>An {@link IllegalArgumentException} so that the CLI's one-line error handling prints it without a
 * stack trace.
 */
public final class JobFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JobFileException(String message) {
        super(message);
    }

    JobFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
