package org.aioemu.engine;

/**
 * The Netty I/O handler that drives an {@link AioContext}'s loop. {@link #AUTO} takes the best one this
 * kernel and JVM allow: io_uring, else epoll, else NIO.
 */
public enum Transport {
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** Parses {@code auto|io_uring|epoll|nio} (case-insensitive, '-' accepted for '_'). */
    public static Transport parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        if (t.equals("IOURING")) {
            return IO_URING;
        }
        try {
            return valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown transport '" + text + "' (expected auto, io_uring, epoll or nio)");
        }
    }
}
