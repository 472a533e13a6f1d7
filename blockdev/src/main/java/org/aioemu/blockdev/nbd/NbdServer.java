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
    /**
     * What is served, and how: on TCP at {@code bindAddress:port}, or on the Unix socket {@code unixPath} when it is
     * set (then the address and port are unused); at most {@code maxConnections} clients at once (0: no limit), as
     * qemu-nbd's {@code --shared}: a further client is disconnected at once.
     */
    public record Config(String bindAddress, int port, String exportName, boolean readOnly, java.nio.file.Path unixPath,
                         int maxConnections) {
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(exportName, "exportName");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535: " + port);
            }
            if (maxConnections < 0) {
                throw new IllegalArgumentException("maxConnections must not be negative: " + maxConnections);
            }
        }

        /** 127.0.0.1, NBD's port 10809, the export named "" (the default export), read-write, any number of clients. */
        public static Config defaults() {
            return new Config("127.0.0.1", 10809, "", false, null, 0);
        }

        /** At most {@code n} clients at once; 0 for no limit. */
        public Config withMaxConnections(int n) {
            return new Config(bindAddress, port, exportName, readOnly, unixPath, n);
        }

        public Config withPort(int p) {
            return new Config(bindAddress, p, exportName, readOnly, unixPath, maxConnections);
        }

        public Config withBind(String address) {
            return new Config(address, port, exportName, readOnly, unixPath, maxConnections);
        }

        public Config withExportName(String name) {
            return new Config(bindAddress, port, name, readOnly, unixPath, maxConnections);
        }

        public Config withReadOnly(boolean on) {
            return new Config(bindAddress, port, exportName, on, unixPath, maxConnections);
        }

        /** Serve on this Unix socket instead of TCP (the io_uring and epoll transports have them; NIO here not). */
        public Config withUnixSocket(java.nio.file.Path path) {
            return new Config(bindAddress, port, exportName, readOnly, path, maxConnections);
        }
    }

    private final BlockBackend backend;
    private final Config config;
    private final Channel serverChannel;
    /** The open connections (loop adds and removes; close reads). */
    private final Set<Channel> connections;
    private final NbdStats stats;

    private NbdServer(BlockBackend backend, Config config, Channel serverChannel, Set<Channel> connections, NbdStats stats) {
        this.backend = backend;
        this.config = config;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.stats = stats;
    }

    /** What the export has served so far. */
    public NbdStats stats() {
        return stats;
    }

    /** Binds and starts serving; throws if the address cannot be bound (in use, not local). */
    public static NbdServer start(BlockBackend backend, Config config) throws InterruptedException {
        AioContext ctx = backend.context();
        EventLoop loop = ctx.ioEventLoop();
        boolean unix = config.unixPath() != null;
        Class<? extends ServerChannel> type = switch (ctx.transport()) {
            case IO_URING -> unix ? io.netty.channel.uring.IoUringServerDomainSocketChannel.class : IoUringServerSocketChannel.class;
            case EPOLL -> unix ? io.netty.channel.epoll.EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
            default -> {
                if (unix) {
                    throw new IllegalArgumentException("Unix sockets need the io_uring or epoll transport; " + ctx
                            + " runs on " + ctx.transport());
                }
                yield NioServerSocketChannel.class;
            }
        };
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        NbdStats stats = new NbdStats();
        ServerBootstrap b = new ServerBootstrap().group(loop, loop).channel(type);
        if (!unix) {
            b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
            // Reads of up to 1 MiB, not Netty's 64 KiB: a big WRITE's payload then arrives in fewer pieces and syscalls.
            b.childOption(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.AdaptiveRecvByteBufAllocator(512, 16384, 1 << 20));
        }
        b.childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (config.maxConnections() > 0 && connections.size() >= config.maxConnections()) {
                            ch.close(); // over the --shared limit: the client sees the connection closed before the greeting
                            return;
                        }
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        ch.pipeline().addLast(new NbdConnection(backend, config, stats));
                    }
                });
        Channel server = unix
                ? b.bind(new io.netty.channel.unix.DomainSocketAddress(config.unixPath().toString())).sync().channel()
                : b.bind(config.bindAddress(), config.port()).sync().channel();
        return new NbdServer(backend, config, server, connections, stats);
    }

    /** The bound port (the one the system chose for port 0); -1 on a Unix socket. */
    public int port() {
        return serverChannel.localAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    }

    /** The URI clients connect to: {@code nbd://host:port/name} or {@code nbd+unix:///name?socket=path}. */
    public String uri() {
        return config.unixPath() != null ? "nbd+unix:///" + config.exportName() + "?socket=" + config.unixPath()
                : "nbd://" + config.bindAddress() + ":" + port() + "/" + config.exportName();
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
        if (config.unixPath() != null) {
            try {
                java.nio.file.Files.deleteIfExists(config.unixPath()); // the socket file the bind made
            } catch (java.io.IOException e) {
                // left behind: a later bind to it fails and says so
            }
        }
        for (Channel c : connections) {
            c.pipeline().get(NbdConnection.class).shutdown();
        }
        for (Channel c : connections) {
            c.closeFuture().sync();
        }
    }
}
