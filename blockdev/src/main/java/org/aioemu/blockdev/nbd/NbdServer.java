package org.aioemu.blockdev.nbd;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.engine.AioContext;

/**
 * An NBD export of one {@link BlockBackend}, over TCP, on the backend's own {@link AioContext} loop: the loop that
 * completes the image's I/O also serves the sockets, so a request goes from the socket to the engine and its reply
 * back without a thread hop (one loop per export: a second export, or more cores, take a second context). Speaks
 * fixed-newstyle negotiation ({@code NBD_OPT_EXPORT_NAME}, {@code _GO}, {@code _INFO}, {@code _LIST},
 * {@code _ABORT}) and simple replies; requests are pipelined and replied in completion order.
 *
 * <p>Threading: {@link #start} and {@link #close} from any thread but the loop; connections live on the loop.
 */
public final class NbdServer implements AutoCloseable {
    /** What is served, and how. */
    public record Config(String bindAddress, int port, String exportName, boolean readOnly) {
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(exportName, "exportName");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535: " + port);
            }
        }

        /** 127.0.0.1, NBD's port 10809, the export named "" (the default export), read-write. */
        public static Config defaults() {
            return new Config("127.0.0.1", 10809, "", false);
        }

        public Config withPort(int p) {
            return new Config(bindAddress, p, exportName, readOnly);
        }

        public Config withBind(String address) {
            return new Config(address, port, exportName, readOnly);
        }

        public Config withExportName(String name) {
            return new Config(bindAddress, port, name, readOnly);
        }

        public Config withReadOnly(boolean on) {
            return new Config(bindAddress, port, exportName, on);
        }
    }

    private final BlockBackend backend;
    private final Config config;
    private final Channel serverChannel;
    /** The open connections (loop adds and removes; close reads). */
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    private NbdServer(BlockBackend backend, Config config, Channel serverChannel) {
        this.backend = backend;
        this.config = config;
        this.serverChannel = serverChannel;
    }

    /** Binds and starts serving; throws if the address cannot be bound (in use, not local). */
    public static NbdServer start(BlockBackend backend, Config config) throws InterruptedException {
        AioContext ctx = backend.context();
        EventLoop loop = ctx.ioEventLoop();
        Class<? extends ServerChannel> type = switch (ctx.transport()) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
        NbdServer[] self = new NbdServer[1];
        ServerBootstrap b = new ServerBootstrap().group(loop, loop).channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        self[0].connections.add(ch);
                        ch.closeFuture().addListener(f -> self[0].connections.remove(ch));
                        ch.pipeline().addLast(new NbdConnection(backend, config));
                    }
                });
        Channel server = b.bind(config.bindAddress(), config.port()).sync().channel();
        self[0] = new NbdServer(backend, config, server);
        return self[0];
    }

    /** The bound port (the one the system chose for port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Config config() {
        return config;
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    /**
     * Stops accepting, then closes every connection once its requests in flight have completed (their writes land
     * whole), and waits for that. The backend stays open: it is the caller's.
     */
    @Override
    public void close() throws InterruptedException {
        serverChannel.close().sync();
        for (Channel c : connections) {
            c.pipeline().get(NbdConnection.class).shutdown();
        }
        for (Channel c : connections) {
            c.closeFuture().sync();
        }
    }
}
