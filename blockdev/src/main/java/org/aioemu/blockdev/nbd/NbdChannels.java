package org.aioemu.blockdev.nbd;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.aioemu.engine.AioContext;

/** Which Netty client channel fits a context's transport, and connection failures in words. Stateless; any thread. */
final class NbdChannels {
    private NbdChannels() {
    }

    /** The socket channel class for {@code uri} on {@code ctx}'s transport (Unix sockets need io_uring or epoll). */
    static Class<? extends Channel> type(AioContext ctx, NbdUri uri) {
        boolean unix = uri.isUnix();
        return switch (ctx.transport()) {
            case IO_URING -> unix ? IoUringDomainSocketChannel.class : IoUringSocketChannel.class;
            case EPOLL -> unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
            default -> {
                if (unix) {
                    throw new IllegalArgumentException(uri + ": Unix sockets need the io_uring or epoll transport; " + ctx
                            + " runs on " + ctx.transport());
                }
                yield NioSocketChannel.class;
            }
        };
    }

    /** A connection failure as a user reads it: "Connection refused", "unknown host x", not a class name. */
    static String describe(Throwable cause) {
        if (cause instanceof UnknownHostException u) {
            return "unknown host " + u.getMessage();
        }
        if (cause instanceof ConnectException && cause.getMessage() != null) {
            String m = cause.getMessage();
            int colon = m.indexOf(": ");
            return colon > 0 && m.contains("Connection refused") ? "Connection refused (is the server running?)" : m;
        }
        return cause == null ? "unknown error" : cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
