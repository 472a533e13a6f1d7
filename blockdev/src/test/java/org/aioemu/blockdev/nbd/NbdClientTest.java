package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against aioemu's own server in the same JVM (one context for the image and server, another for the
 * client, as two programs would have): data written comes back and lands in the image file; FUA, flush, trim and
 * write-zeroes do what they say; a read-only export and out-of-range requests are refused before anything is sent;
 * a request after close fails. The concurrency and failure cases are in {@link NbdClientStressTest} and
 * {@link NbdClientFailureTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdClientTest {
    static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofShared();
    private AioContext serverCtx;
    private BlockBackend disk;
    private NbdServer server;
    private AioContext clientCtx;

    @AfterEach
    void stop() throws Exception {
        if (clientCtx != null) {
            clientCtx.close(); // closes its clients first
        }
        if (server != null) {
            server.close();
        }
        if (disk != null) {
            disk.close();
        }
        if (serverCtx != null) {
            serverCtx.close();
        }
        arena.close();
    }

    /** Serves a new image of SIZE bytes (with {@code config}'s export name, read-only flag, socket). */
    private Path serve(NbdServer.Config config) throws Exception {
        Path image = dir.resolve("image.raw");
        serverCtx = AioContext.create();
        disk = BlockBackend.create(serverCtx, image, SIZE, BlockBackendOptions.defaults());
        server = NbdServer.start(disk, config.withPort(0));
        clientCtx = AioContext.create();
        return image;
    }

    /** A request's outcome. */
    record Done(int result, String detail) {
    }

    /** Runs {@code op} on the client's loop and waits for its completion. */
    static Done call(AioContext ctx, java.util.function.Consumer<BlockCompletion> op) throws Exception {
        CompletableFuture<Done> f = new CompletableFuture<>();
        ctx.execute(() -> op.accept((r, d) -> {
            if (!f.complete(new Done(r, d))) {
                throw new AssertionError("completed twice");
            }
        }));
        return f.get(20, TimeUnit.SECONDS);
    }

    MemorySegment pattern(int length, long seed) {
        MemorySegment m = arena.allocate(length, 4096);
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, length);
        return m;
    }

    static byte[] bytes(MemorySegment m) {
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] fileBytes(Path image, long offset, int length) throws Exception {
        byte[] all = Files.readAllBytes(image);
        return java.util.Arrays.copyOfRange(all, (int) offset, (int) offset + length);
    }

    @Test
    void writesComeBackAndLandInTheImage() throws Exception {
        Path image = serve(NbdServer.Config.defaults().withExportName("disk"));
        try (NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
            assertEquals(SIZE, c.size());
            assertEquals("disk", c.export().name());
            assertTrue(c.export().optGo() && c.export().canFlush() && c.export().canTrim() && !c.export().isReadOnly());
            long[] offsets = {0, 4096, 1 << 20, 3 * 4096 + 512, 7, SIZE - 65536};
            int[] lengths = {4096, 65536, 1 << 20, 512, 1, 65536};
            for (int i = 0; i < offsets.length; i++) {
                long off = offsets[i];
                MemorySegment data = pattern(lengths[i], i);
                assertEquals(new Done(lengths[i], null), call(clientCtx, done -> c.write(off, data, done)));
                MemorySegment back = arena.allocate(lengths[i]);
                assertEquals(new Done(lengths[i], null), call(clientCtx, done -> c.read(off, back, done)));
                assertArrayEquals(bytes(data), bytes(back), "read back at " + off);
            }
            assertEquals(0, call(clientCtx, c::flush).result());
            assertArrayEquals(bytes(pattern(1 << 20, 2)), fileBytes(image, 1 << 20, 1 << 20), "the write is in the image");
            // A read bigger than one socket read arrives in pieces, straight into the segment.
            MemorySegment big = arena.allocate(4 << 20);
            assertEquals(4 << 20, call(clientCtx, done -> c.read(0, big, done)).result());
            assertArrayEquals(fileBytes(image, 0, 4 << 20), bytes(big));
        }
    }

    @Test
    void fuaFlushTrimAndWriteZeroesAreVisibleInTheImage() throws Exception {
        Path image = serve(NbdServer.Config.defaults());
        try (NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
            assertTrue(c.export().canFua() && c.export().canWriteZeroes());
            MemorySegment data = pattern(256 << 10, 7);
            assertEquals(256 << 10, call(clientCtx, done -> c.write(0, data, true, done)).result());
            assertArrayEquals(bytes(data), fileBytes(image, 0, 256 << 10), "a FUA write is in the file when it completes");
            assertEquals(0, call(clientCtx, done -> c.trim(64 << 10, 64 << 10, done)).result());
            assertEquals(0, call(clientCtx, done -> c.writeZeroes(192 << 10, 32 << 10, true, done)).result());
            assertEquals(0, call(clientCtx, c::flush).result());
            byte[] file = fileBytes(image, 0, 256 << 10);
            byte[] expected = bytes(data);
            java.util.Arrays.fill(expected, 64 << 10, 128 << 10, (byte) 0);
            java.util.Arrays.fill(expected, 192 << 10, 224 << 10, (byte) 0);
            assertArrayEquals(expected, file, "trimmed and zeroed ranges read as zeroes, the rest is the data");
        }
    }

    @Test
    void aReadOnlyExportRefusesModificationsBeforeSendingThem() throws Exception {
        serve(NbdServer.Config.defaults().withReadOnly(true));
        try (NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
            assertTrue(c.export().isReadOnly());
            MemorySegment data = pattern(4096, 1);
            Done w = call(clientCtx, done -> c.write(0, data, done));
            assertEquals(-Errno.EROFS, w.result());
            assertTrue(w.detail().contains("read-only"), w.detail());
            assertEquals(-Errno.EROFS, call(clientCtx, done -> c.trim(0, 4096, done)).result());
            assertEquals(-Errno.EROFS, call(clientCtx, done -> c.writeZeroes(0, 4096, done)).result());
            assertEquals(4096, call(clientCtx, done -> c.read(0, arena.allocate(4096), done)).result(), "reads work");
        }
        assertEquals(0, server.stats().writeBytes(), "no write reached the server");
    }

    @Test
    void outOfRangeRequestsFailWithEinvalAndRequestsAfterCloseFail() throws Exception {
        serve(NbdServer.Config.defaults());
        NbdClient c = NbdClient.connect(clientCtx, server.uri());
        Done past = call(clientCtx, done -> c.read(SIZE - 4096, arena.allocate(8192), done));
        assertEquals(-Errno.EINVAL, past.result());
        assertTrue(past.detail().contains("outside the export's " + SIZE + " bytes"), past.detail());
        assertEquals(-Errno.EINVAL, call(clientCtx, done -> c.trim(SIZE, 1, done)).result());
        assertEquals(0, call(clientCtx, done -> c.read(SIZE, arena.allocate(0), done)).result(), "an empty read at the end");
        c.close();
        Done after = call(clientCtx, done -> c.read(0, arena.allocate(4096), done));
        assertEquals(-Errno.ESHUTDOWN, after.result());
        assertTrue(after.detail().contains("closed"), after.detail());
        c.close(); // idempotent
    }

    @Test
    void aMissingExportAndARefusedConnectionSayWhatAndWhere() throws Exception {
        serve(NbdServer.Config.defaults().withExportName("disk"));
        String uri = "nbd://127.0.0.1:" + server.port() + "/nope";
        NbdException missing = org.junit.jupiter.api.Assertions.assertThrows(NbdException.class,
                () -> NbdClient.connect(clientCtx, uri));
        assertTrue(missing.getMessage().startsWith(uri + ": ") && missing.getMessage().contains("no export named 'nope'"),
                missing.getMessage());
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        }
        NbdException refused = org.junit.jupiter.api.Assertions.assertThrows(NbdException.class,
                () -> NbdClient.connect(clientCtx, "nbd://127.0.0.1:" + free + "/x"));
        assertTrue(refused.getMessage().contains("nbd://127.0.0.1:" + free + "/x")
                && refused.getMessage().contains("Connection refused"), refused.getMessage());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NbdClient.connect(clientCtx, "nbd+unix:///x"));
        assertTrue(bad.getMessage().contains("needs ?socket=PATH"), bad.getMessage());
    }

    @Test
    void aUnixSocketExportWorks() throws Exception {
        Path socket = dir.resolve("s.sock");
        Path image = serve(NbdServer.Config.defaults().withUnixSocket(socket).withExportName("u"));
        assumeTrue(clientCtx.transport() != Transport.NIO, "Unix sockets need the io_uring or epoll transport");
        try (NbdClient c = NbdClient.connect(clientCtx, "nbd+unix:///u?socket=" + socket)) {
            MemorySegment data = pattern(65536, 3);
            assertEquals(65536, call(clientCtx, done -> c.write(8192, data, done)).result());
            assertEquals(0, call(clientCtx, c::flush).result());
            assertArrayEquals(bytes(data), fileBytes(image, 8192, 65536));
        }
    }

    @Test
    void closingTheContextClosesTheClient() throws Exception {
        serve(NbdServer.Config.defaults());
        NbdClient c = NbdClient.connect(clientCtx, server.uri());
        assertEquals(4096, call(clientCtx, done -> c.read(0, arena.allocate(4096), done)).result());
        clientCtx.close();
        clientCtx = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.connections(), "the connection went with the context");
        assertFalse(c.toString().isEmpty());
    }
}
