package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.aioemu.aio.AioEngines;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.BlockSpec;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The export as real clients use it (Debian's qemu-utils and libnbd-bin; each skipped where missing): qemu-img
 * and nbdinfo see the size and flags, qemu-io writes patterns at aligned and unaligned offsets and reads them back,
 * flushes, discards, zeroes and runs aio at depth, nbdcopy copies 64 MiB in and out over one and four connections,
 * and several clients write disjoint regions at once. On the threads engine with either pool model, and io_uring.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NbdClientsTest {
    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    private interface Body {
        void run(String uri, Path image) throws Exception;
    }

    /** Serves a new sparse image on {@code variant}: an engine, and with {@code +rings} the rings pool model. */
    private void serve(String variant, Body body) throws Exception {
        String engine = variant.replace("+rings", "");
        String why = AioEngines.unavailability(engine);
        assumeTrue(why == null, why);
        Path image = dir.resolve(engine + ".raw");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        BlockSpec spec = BlockSpec.of("raw").with("filename", image.toString()).with("aio", engine);
        if (variant.endsWith("+rings")) {
            spec = spec.with("pool", "rings");
        }
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.open(ctx, spec)) {
            NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0));
            try {
                body.run("nbd://127.0.0.1:" + server.port(), image);
            } finally {
                server.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "threads+rings", "io_uring"})
    void qemuImgAndNbdinfoSeeTheExportAndQemuIoVerifiesPatterns(String engine) throws Exception {
        assumeTrue(Tools.installed("qemu-img") && Tools.installed("qemu-io"), "qemu-utils is not installed");
        serve(engine, (uri, image) -> {
            assertTrue(run("qemu-img", "info", uri).contains("virtual size: 64 MiB (67108864 bytes)"));
            // A written block among holes, as qemu-img map and nbdinfo --map read base:allocation.
            run("qemu-io", "-f", "raw", "-c", "write -P 0x42 8M 2M", "-c", "flush", uri);
            String map = run("qemu-img", "map", "--output=json", uri);
            assertTrue(map.contains("\"start\": 8388608, \"length\": 2097152, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true"),
                    map);
            assertTrue(map.contains("\"start\": 0, \"length\": 8388608, \"depth\": 0, \"present\": true, \"zero\": true, \"data\": false"),
                    map);
            if (Tools.installed("nbdinfo")) {
                String info = run("nbdinfo", uri);
                assertTrue(info.contains("export-size: 67108864") && info.contains("can_flush: true")
                        && info.contains("is_read_only: false") && info.contains("using structured packets"), info);
                String infoMap = run("nbdinfo", "--map", uri);
                assertTrue(infoMap.matches("(?s)\\s*0\\s+8388608\\s+3\\s+hole,zero\\s+8388608\\s+2097152\\s+0\\s+data\\s+10485760\\s+56623104\\s+3\\s+hole,zero\\s*"),
                        infoMap);
                assertTrue(run("nbdinfo", "--list", uri).contains("export=\"\""));
            }
            String out = run("qemu-io", "-f", "raw",
                    "-c", "write -P 0xab 0 1M", "-c", "write -P 0xcd 1000 3000", "-c", "read -P 0xab 0 1000",
                    "-c", "read -P 0xcd 1000 3000", "-c", "read -P 0xab 4000 1044576", "-c", "flush",
                    "-c", "discard 2M 1M", "-c", "read -P 0 2M 1M", "-c", "write -z 4M 1M", "-c", "read -P 0 4M 1M",
                    "-c", "aio_write -P 0x11 8M 64k", "-c", "aio_write -P 0x22 9M 64k", "-c", "aio_write -P 0x33 10M 64k",
                    "-c", "aio_flush", "-c", "read -P 0x11 8M 64k", "-c", "read -P 0x22 9M 64k", "-c", "read -P 0x33 10M 64k",
                    uri);
            assertTrue(!out.contains("Pattern verification failed") && !out.contains("failed"), out);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "threads+rings", "io_uring"})
    void nbdcopyCopiesInAndOutOverOneAndFourConnections(String engine) throws Exception {
        assumeTrue(Tools.installed("nbdcopy"), "libnbd-bin (nbdcopy) is not installed");
        Path src = dir.resolve("src.bin");
        byte[] data = new byte[(int) SIZE];
        new SplittableRandom(9).nextBytes(data);
        Files.write(src, data);
        serve(engine, (uri, image) -> {
            for (String connections : new String[] {"1", "4"}) {
                Path back = dir.resolve("back" + connections + ".bin");
                run("nbdcopy", "--connections=" + connections, src.toString(), uri);
                run("nbdcopy", "--connections=" + connections, uri, back.toString());
                assertEquals(-1, Files.mismatch(src, back), connections + " connections: what came back is what went in");
            }
            assertEquals(-1, Files.mismatch(src, image), "the image holds the copy");
        });
    }

    @org.junit.jupiter.api.Test
    void aUnixSocketExportServesQemuImgAndNbdinfo() throws Exception {
        assumeTrue(Tools.installed("qemu-io"), "qemu-utils is not installed");
        Path socket = dir.resolve("nbd.sock");
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("u.raw"), SIZE, BlockBackendOptions.defaults())) {
            assumeTrue(ctx.transport() != org.aioemu.engine.Transport.NIO, "Unix sockets need the io_uring or epoll transport");
            NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withUnixSocket(socket).withExportName("u"));
            try {
                String uri = server.uri();
                assertEquals("nbd+unix:///u?socket=" + socket, uri);
                String out = run("qemu-io", "-f", "raw", "-c", "write -P 0x3c 1M 64k", "-c", "read -P 0x3c 1M 64k", uri);
                assertTrue(!out.contains("failed"), out);
                if (Tools.installed("nbdinfo")) {
                    assertTrue(run("nbdinfo", uri).contains("export-size: 67108864"));
                }
            } finally {
                server.close();
            }
            assertTrue(Files.notExists(socket), "the socket file goes with the server");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads"})
    void severalClientsWriteDisjointRegionsAtOnce(String engine) throws Exception {
        assumeTrue(Tools.installed("qemu-io"), "qemu-utils is not installed");
        serve(engine, (uri, image) -> {
            List<Process> writers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String pattern = "0x" + Integer.toHexString(0x41 + i);
                writers.add(new ProcessBuilder("qemu-io", "-f", "raw", "-c", "write -P " + pattern + " " + (i * 8) + "M 8M", uri)
                        .redirectErrorStream(true).start());
            }
            for (Process p : writers) {
                p.getInputStream().readAllBytes();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
            }
            for (int i = 0; i < 4; i++) {
                String out = run("qemu-io", "-f", "raw", "-c", "read -P 0x" + Integer.toHexString(0x41 + i) + " " + (i * 8) + "M 8M", uri);
                assertTrue(!out.contains("failed"), out);
            }
        });
    }
}
