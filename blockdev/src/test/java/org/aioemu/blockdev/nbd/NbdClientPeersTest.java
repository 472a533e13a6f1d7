package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against real servers (Debian's qemu-utils and nbdkit, each skipped where missing), over TCP and Unix
 * sockets: what it reads at depth equals the file's bytes, its writes (plain and FUA) and zero-writes land in the
 * file, and a missing export is a clear error. Servers listen on 127.0.0.1 or a socket in the test's directory only,
 * and are stopped by the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdClientPeersTest {
    private static final int SIZE = 8 << 20;

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A server process, listening once this returns; {@code uri} is where its export is. */
    record Peer(Process process, String uri, String name) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Peer start(String peer, Path image) throws Exception {
        String tool = peer.substring(0, peer.lastIndexOf('-'));
        boolean unix = peer.endsWith("-unix");
        assumeTrue(Tools.installed(tool), tool + " is not installed");
        Path socket = dir.resolve(tool + ".sock");
        int port = unix ? -1 : freePort();
        List<String> cmd = new ArrayList<>();
        String uri;
        if (tool.equals("qemu-nbd")) {
            cmd.addAll(List.of("qemu-nbd", "-f", "raw", "-t", "-x", "name"));
            cmd.addAll(unix ? List.of("-k", socket.toString()) : List.of("-p", Integer.toString(port), "--bind", "127.0.0.1"));
            uri = unix ? "nbd+unix:///name?socket=" + socket : "nbd://127.0.0.1:" + port + "/name";
        } else {
            cmd.addAll(List.of("nbdkit", "-f", "--exit-with-parent"));
            cmd.addAll(unix ? List.of("-U", socket.toString()) : List.of("-i", "127.0.0.1", "-p", Integer.toString(port)));
            cmd.addAll(List.of("file", image.toString()));
            uri = unix ? "nbd+unix:///?socket=" + socket : "nbd://127.0.0.1:" + port + "/";
        }
        if (tool.equals("qemu-nbd")) {
            cmd.add(image.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(peer + ".log").toFile()).start();
        Peer started = new Peer(p, uri, peer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError(peer + " exited: " + Files.readString(dir.resolve(peer + ".log"), StandardCharsets.UTF_8));
            }
            if (unix ? Files.exists(socket) : accepts(port)) {
                return started;
            }
            if (System.nanoTime() > deadline) {
                started.close();
                throw new AssertionError(peer + " did not start listening");
            }
            Thread.sleep(20);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-nbd-tcp", "qemu-nbd-unix", "nbdkit-tcp", "nbdkit-unix"})
    void readsEqualTheFileAndWritesLandInIt(String peer) throws Exception {
        Path image = dir.resolve("peer.raw");
        byte[] content = new byte[SIZE];
        new SplittableRandom(11).nextBytes(content);
        Files.write(image, content);
        try (Arena arena = Arena.ofShared(); AioContext ctx = AioContext.create(); Peer server = start(peer, image)) {
            assumeTrue(!peer.endsWith("-unix") || ctx.transport() != Transport.NIO, "Unix sockets need io_uring or epoll");
            try (NbdClient c = NbdClient.connect(ctx, server.uri())) {
                assertEquals(SIZE, c.size());
                // 48 reads of 4 KiB to 128 KiB at once, at block-aligned offsets, each checked against the file.
                SplittableRandom r = new SplittableRandom(12);
                int n = 48;
                long[] offsets = new long[n];
                MemorySegment[] into = new MemorySegment[n];
                for (int i = 0; i < n; i++) {
                    int length = 4096 << r.nextInt(6);
                    offsets[i] = (long) r.nextInt((SIZE - length) / 4096) * 4096;
                    into[i] = arena.allocate(length);
                }
                AtomicInteger ok = new AtomicInteger();
                CompletableFuture<Void> all = new CompletableFuture<>();
                ctx.execute(() -> {
                    for (int i = 0; i < n; i++) {
                        c.read(offsets[i], into[i], (res, detail) -> {
                            if (res < 0) {
                                all.completeExceptionally(new AssertionError(detail));
                            } else if (ok.incrementAndGet() == n) {
                                all.complete(null);
                            }
                        });
                    }
                });
                all.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    int length = (int) into[i].byteSize();
                    assertArrayEquals(java.util.Arrays.copyOfRange(content, (int) offsets[i], (int) offsets[i] + length),
                            into[i].toArray(ValueLayout.JAVA_BYTE), peer + ": read at " + offsets[i]);
                }
                MemorySegment data = arena.allocate(1 << 20);
                byte[] written = new byte[1 << 20];
                new SplittableRandom(13).nextBytes(written);
                MemorySegment.copy(written, 0, data, ValueLayout.JAVA_BYTE, 0, written.length);
                assertEquals(1 << 20, NbdClientTest.call(ctx, d -> c.write(2 << 20, data, d)).result());
                assertEquals(65536, NbdClientTest.call(ctx, d -> c.write(5 << 20, data.asSlice(0, 65536), true, d)).result());
                if (c.export().canWriteZeroes()) {
                    assertEquals(0, NbdClientTest.call(ctx, d -> c.writeZeroes(6 << 20, 65536, d)).result());
                    System.arraycopy(new byte[65536], 0, content, 6 << 20, 65536);
                }
                assertEquals(0, NbdClientTest.call(ctx, c::flush).result());
                System.arraycopy(written, 0, content, 2 << 20, written.length);
                System.arraycopy(written, 0, content, 5 << 20, 65536);
            }
            assertArrayEquals(content, Files.readAllBytes(image), peer + ": the file holds the writes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-nbd-tcp"})
    void aMissingExportIsAClearError(String peer) throws Exception {
        Path image = dir.resolve("m.raw");
        Files.write(image, new byte[1 << 20]);
        try (AioContext ctx = AioContext.create(); Peer server = start(peer, image)) {
            String uri = server.uri().replace("/name", "/nope");
            NbdException e = assertThrows(NbdException.class, () -> NbdClient.connect(ctx, uri));
            assertTrue(e.getMessage().startsWith(uri + ": ") && e.getMessage().contains("no export named 'nope'"), e.getMessage());
        }
    }
}
