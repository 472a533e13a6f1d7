package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the NBD server's side of a connection (Jazzer): the input is what a client sends —
 * greeting flags, options, requests and payloads — and {@link NbdConnection} must answer or close, as its class
 * comment says, without throwing, hanging its loop or taking memory the input does not bound.
 *
 * <p>The connection runs in an {@link EmbeddedChannel} driven from the backend's loop thread (the thread it runs on
 * in the server), behind a guard that calls its handler methods itself: the connection's own
 * {@code exceptionCaught} closes quietly, which would hide a bug from the fuzzer. The first input byte splits the
 * rest into reads of that many bytes (0: one read), so messages also arrive in pieces. Replays
 * {@code NbdConnectionFuzzTestInputs/} in {@code ./build test}; fuzzes with {@code JAZZER_FUZZ=1} (README,
 * Reliability).
 */
class NbdConnectionFuzzTest {
    static final int MAX_BYTES = 64 << 10;
    static final long SIZE = 1 << 20;
    static final long TIMEOUT_SECONDS = 20;

    @TempDir
    static Path dir;
    static AioContext ctx;
    static BlockBackend disk;

    @BeforeAll
    static void start() throws Exception {
        ctx = AioContext.create();
        disk = BlockBackend.create(ctx, dir.resolve("fuzz.raw"), SIZE, BlockBackendOptions.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        disk.close();
        ctx.close();
    }

    @FuzzTest(maxDuration = "2m")
    void answersOrCloses(byte[] input) throws Exception {
        if (input.length > 0 && input.length <= MAX_BYTES) {
            serve(input, new NbdStats());
        }
    }

    /** The harness reaches transmission: a seed session's reads and writes are served (so the corpus is not all refused). */
    @Test
    void aSeedSessionIsServed() throws Exception {
        byte[] session;
        try (InputStream in = getClass().getResourceAsStream(
                "NbdConnectionFuzzTestInputs/answersOrCloses/session-go-structured-in-7-byte-pieces")) {
            session = in.readAllBytes();
        }
        NbdStats stats = new NbdStats();
        serve(session, stats);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while ((stats.writeOps() < 2 || stats.readOps() < 1 || stats.otherOps() < 4) && System.nanoTime() < deadline) {
            Thread.sleep(10); // the requests were in flight when the harness closed the channel
        }
        assertEquals(2, stats.writeOps(), "writes served");
        assertEquals(1, stats.readOps(), "reads served (the one past the end is refused)");
        assertTrue(stats.otherOps() >= 4, "flush, trim, zeroes, cache and block status served: " + stats.otherOps());
    }

    /** Feeds {@code input} to a new connection as a client would, then closes it; fails on an exception or a hang. */
    static void serve(byte[] input, NbdStats stats) throws Exception {
        int piece = input[0] & 0xff;
        Guard guard = new Guard(new NbdConnection(disk, NbdServer.Config.defaults().withExportName("e"), stats));
        CompletableFuture<EmbeddedChannel> fed = new CompletableFuture<>();
        ctx.execute(() -> {
            try {
                EmbeddedChannel ch = new EmbeddedChannel(guard);
                for (int at = 1; at < input.length && ch.isOpen(); ) {
                    int n = piece == 0 ? input.length - at : Math.min(piece, input.length - at);
                    ch.writeInbound(Unpooled.copiedBuffer(input, at, n));
                    ch.releaseOutbound();
                    at += n;
                }
                fed.complete(ch);
            } catch (Throwable t) {
                fed.completeExceptionally(t);
            }
        });
        EmbeddedChannel ch = await(fed);
        // Requests still in flight complete on the loop; the close leaves their replies to be dropped.
        CompletableFuture<Void> closed = new CompletableFuture<>();
        ctx.execute(() -> {
            ch.close();
            ch.releaseOutbound();
            closed.complete(null);
        });
        await(closed);
        if (guard.thrown != null) {
            throw new AssertionError("the connection threw on client input", guard.thrown);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("the loop did not finish the input within " + TIMEOUT_SECONDS + " s: a hang");
        }
    }

    /** Calls the connection's handler methods and keeps the first exception they throw. Loop only. */
    static final class Guard extends ChannelInboundHandlerAdapter {
        final NbdConnection connection;
        volatile Throwable thrown;

        Guard(NbdConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelActive(ChannelHandlerContext c) {
            try {
                connection.channelActive(c);
            } catch (Throwable t) {
                record(t);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            try {
                connection.channelRead(c, msg);
            } catch (Throwable t) {
                record(t);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            try {
                connection.channelInactive(c);
            } catch (Throwable t) {
                record(t);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            record(cause);
        }

        private void record(Throwable t) {
            if (thrown == null) {
                thrown = t;
            }
        }
    }
}
