package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception reaching a client's handler closes that connection; one that is not the client leaving (a reset, a
 * broken pipe: an IOException) is a bug and is logged as a warning with its stack trace, so it is not lost.
 */
class NbdConnectionErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aBugIsLoggedWithItsTraceAndAResetIsNot() throws Exception {
        Logger logger = Logger.getLogger(NbdConnection.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false); // the expected warning's trace would clutter the build's output
        logger.addHandler(capture);
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("d.raw"), 1 << 20, BlockBackendOptions.defaults())) {
            IllegalStateException bug = new IllegalStateException("a bug in the handler");
            assertFalse(raise(ctx, disk, bug).isOpen(), "the connection stays open after a bug");
            assertFalse(raise(ctx, disk, new IOException("Connection reset by peer")).isOpen(),
                    "the connection stays open after a reset");
            LogRecord warning = records.stream().filter(r -> r.getLevel() == Level.WARNING).findFirst().orElseThrow(
                    () -> new AssertionError("no warning for the bug: " + records));
            assertSame(bug, warning.getThrown());
            assertTrue(warning.getMessage().contains("a bug in the handler"), warning.getMessage());
            assertEquals(1, records.stream().filter(r -> r.getLevel() == Level.WARNING).count(), "a reset warned too");
            assertTrue(records.stream().anyMatch(r -> r.getLevel().intValue() < Level.INFO.intValue()
                    && r.getMessage().contains("Connection reset by peer")), "the reset is logged at debug: " + records);
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
            logger.setLevel(before);
        }
    }

    /** A new connection on the backend's loop, with {@code cause} fired at it; the channel once handled. */
    private static EmbeddedChannel raise(AioContext ctx, BlockBackend disk, Throwable cause) throws Exception {
        CompletableFuture<EmbeddedChannel> done = new CompletableFuture<>();
        ctx.execute(() -> {
            try {
                EmbeddedChannel ch = new EmbeddedChannel(new NbdConnection(disk,
                        NbdServer.Config.defaults().withExportName("e"), new NbdStats()));
                ch.pipeline().fireExceptionCaught(cause);
                ch.runPendingTasks();
                ch.releaseOutbound();
                done.complete(ch);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done.get(20, TimeUnit.SECONDS);
    }
}
