package org.aioemu.engine;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;

/**
 * The Netty I/O handler that drives an {@link AioContext}'s loop. {@link #AUTO} takes the best one this
 * kernel and JVM allow: io_uring, else epoll, else NIO.
 */
public enum Transport {
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** Whether this transport can drive a loop here (false for io_uring under an old kernel or seccomp). */
    boolean available() {
        return switch (this) {
            case AUTO, NIO -> true;
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
        };
    }

    /** The transport itself, or for AUTO the best available one: io_uring, else epoll, else NIO. */
    Transport resolve() {
        if (this != AUTO) {
            return this;
        }
        if (IO_URING.available()) {
            return IO_URING;
        }
        return EPOLL.available() ? EPOLL : NIO;
    }

    /** Netty's handler factory for this (resolved) transport; says why when it is not available. */
    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("io_uring is not available here: " + IoUring.unavailabilityCause());
                }
                yield IoUringIoHandler.newFactory();
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available here: " + Epoll.unavailabilityCause());
                }
                yield EpollIoHandler.newFactory();
            }
            case NIO, AUTO -> NioIoHandler.newFactory();
        };
    }

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
