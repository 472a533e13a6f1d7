package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.Cli.Run;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.nbd.NbdServer;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aioemu bench --filename=nbd://...} and {@code aioemu run} with fio's {@code ioengine=nbd} and {@code uri=}, as a
 * user runs them: against aioemu's own server in the same JVM and against qemu-nbd (skipped where missing), with
 * verified results in fio's format, and one-line errors for a bad URI or a missing export.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchNbdTest {
    @TempDir
    Path dir;

    private interface Body {
        void run(String uri, Path image) throws Exception;
    }

    private void serve(Body body) throws Exception {
        Path image = dir.resolve("served.raw");
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.create(ctx, image, 64L << 20, BlockBackendOptions.defaults())) {
            NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0).withExportName("disk"));
            try {
                body.run(server.uri(), image);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void benchWithAnNbdFilenameRunsAVerifiedRandrwJob() throws Exception {
        serve((uri, image) -> {
            Run r = Cli.aioemu("bench", "--filename=" + uri, "--rw=randrw", "--verify=crc32c", "--bs=4k", "--iodepth=16",
                    "--size=16m", "--time_based=0", "--runtime=60");
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("ioengine=nbd, iodepth=16"), r.out());
            assertTrue(r.out().contains("err= 0"), r.out());
            assertTrue(r.out().matches("(?s).*issued rwts: total=[1-9][0-9]*,[1-9][0-9]*,0,0.*"), r.out());
            assertTrue(!r.err().contains("Laying out"), "an export is not laid out: " + r.err());
            assertTrue(Files.size(image) == 64L << 20);
        });
    }

    @Test
    void runTakesFiosNbdJobFileShape() throws Exception {
        serve((uri, image) -> {
            // examples/nbd.fio's shape: ioengine=nbd, uri=, jobs at offsets, no size (the export's).
            Path job = dir.resolve("nbd.fio");
            Files.writeString(job, """
                    [global]
                    ioengine=nbd
                    uri=%s
                    rw=randrw
                    time_based
                    runtime=1
                    group_reporting
                    iodepth=8

                    [job0]
                    offset=0

                    [job1]
                    offset=32m
                    """.formatted(uri));
            Run r = Cli.aioemu("run", job.toString(), "--output-format=json");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"ioengine\" : \"nbd\""), r.out());
            assertTrue(r.out().contains("\"error\" : 0"), r.out());
        });
    }

    @Test
    void aBadUriAndAMissingExportAreOneLineErrors() throws Exception {
        Run bad = Cli.aioemu("bench", "--ioengine=nbd", "--uri=nbd+unix:///x", "--runtime=1");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("--uri=nbd+unix:///x: bad value") && bad.err().contains("needs ?socket=PATH"), bad.err());
        assertTrue(!bad.err().contains("\tat "), "no stack trace: " + bad.err());
        serve((uri, image) -> {
            Run missing = Cli.aioemu("bench", "--filename=" + uri.replace("/disk", "/nope"), "--runtime=1");
            assertEquals(1, missing.exit());
            assertTrue(missing.err().contains("no export named 'nope'"), missing.err() + missing.out());
        });
    }

    @Test
    void benchVerifiesThroughQemuNbd() throws Exception {
        assumeTrue(Tools.installed("qemu-nbd"), "qemu-nbd (qemu-utils) is not installed");
        Path image = dir.resolve("q.raw");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("qemu-nbd", "-f", "raw", "-t", "-p", Integer.toString(port), "--bind", "127.0.0.1",
                "-x", "q", image.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("qemu-nbd.log").toFile()).start();
        try {
            waitForPort(p, port);
            Run r = Cli.aioemu("bench", "--filename=nbd://127.0.0.1:" + port + "/q", "--rw=randrw", "--verify=crc32c",
                    "--bs=4k", "--iodepth=16", "--size=8m", "--time_based=0", "--runtime=60");
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("ioengine=nbd") && r.out().contains("err= 0"), r.out());
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void waitForPort(Process p, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("qemu-nbd did not listen on " + port);
    }

}
