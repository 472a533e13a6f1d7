package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code aioemu serve}: a client writes through it, SIGTERM drains and stops it with exit 0, a bad image is one line. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    @TempDir
    Path dir;

    private Process serve(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void servesUntilSigtermThenDrainsAndExitsZero() throws Exception {
        Path image = dir.resolve("s.raw");
        try (var f = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0);
            f.write(java.nio.ByteBuffer.allocate(1), (16 << 20) - 1);
        }
        Process p = serve(image.toString(), "--port=0", "--export-name=s");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = Pattern.compile("as nbd://127\\.0\\.0\\.1:(\\d+)/s").matcher(String.valueOf(first));
        assertTrue(m.find(), first);
        String uri = "nbd://127.0.0.1:" + m.group(1) + "/s";
        if (Tools.installed("qemu-io")) {
            Process io = new ProcessBuilder("qemu-io", "-f", "raw", "-c", "write -P 0x77 0 1M", uri).redirectErrorStream(true).start();
            String ioOut = new String(io.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(io.waitFor(60, TimeUnit.SECONDS) && io.exitValue() == 0, ioOut);
        }
        p.toHandle().destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
        String rest = out.lines().reduce("", (a, b) -> a + b + "\n");
        assertEquals(0, p.exitValue(), rest);
        assertTrue(rest.contains("aioemu: stopped"), rest);
        if (Tools.installed("qemu-io")) {
            assertEquals(0x77, Files.readAllBytes(image)[(1 << 20) - 1], "the write is in the image");
        }
    }

    /**
     * SIGINT (Ctrl-C) and SIGHUP (the terminal gone) stop the server as SIGTERM does: the writes a client made are
     * flushed and an lz4 image is closed cleanly, so {@code check} finds nothing wrong and the data reads back.
     */
    @Test
    void sigintAndSighupFlushAndCloseAnLz4ImageCleanly() throws Exception {
        assumeTrue(Tools.installed("qemu-io"), "qemu-io (qemu-utils) is not installed");
        for (String signal : new String[] {"INT", "HUP"}) {
            Path run = Files.createDirectories(dir.resolve(signal));
            Path lz4 = run.resolve("w.lz4");
            Cli.Run created = Cli.aioemu("create", "-q", "-f", "lz4", lz4.toString(), Long.toString(16 << 20));
            assertEquals(0, created.exit(), created.err());
            try (ChildAioemu c = ChildAioemu.start(run, null, "serve", lz4.toString(), "--port=0")) {
                c.awaitText(c.err, " as nbd://");
                Matcher m = Pattern.compile(" as (nbd://127\\.0\\.0\\.1:\\d+/\\S*)").matcher(ChildAioemu.read(c.err));
                assertTrue(m.find(), c.output());
                Tools.Result io = Tools.run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 1M 3M", m.group(1));
                assertEquals(0, io.exit(), io.toString());
                c.signal(signal);
                assertEquals(0, c.awaitExit(60), signal + ": " + c.output());
                assertTrue(ChildAioemu.read(c.err).contains("aioemu: stopped"), signal + ": " + c.output());
            }
            Cli.Run check = Cli.aioemu("check", lz4.toString());
            assertEquals(CheckCommand.EXIT_CLEAN, check.exit(), signal + ": " + check.out() + check.err());
            Path back = run.resolve("back.raw");
            Cli.Run convert = Cli.aioemu("convert", "-q", "-O", "raw", lz4.toString(), back.toString());
            assertEquals(0, convert.exit(), convert.err());
            byte[] b = Files.readAllBytes(back);
            assertEquals(0, b[(1 << 20) - 1], signal + ": before the write");
            assertEquals(0x5a, b[1 << 20], signal + ": the write's first byte");
            assertEquals(0x5a, b[(4 << 20) - 1], signal + ": the write's last byte");
            assertEquals(0, b[4 << 20], signal + ": after the write");
        }
    }

    /**
     * A stop that hangs (here the final flush, stalled a minute by an injected delay, as a dying disk would) gives
     * way to a second signal: the server exits at once with 128 + its number, saying why.
     */
    @Test
    void aSecondSignalEndsAStopThatHangs() throws Exception {
        Path image = dir.resolve("h.raw");
        Files.write(image, new byte[1 << 20]);
        try (ChildAioemu c = ChildAioemu.start(dir, null, "serve", image.toString(), "--port=0",
                "--inject=flush:delay=60000")) {
            c.awaitText(c.err, " as nbd://");
            c.signal("TERM");
            Thread.sleep(1000);
            assertTrue(c.process.isAlive(), "the stop should be waiting for the stalled flush: " + c.output());
            long t0 = System.nanoTime();
            c.signal("INT");
            assertEquals(130, c.awaitExit(10), c.output());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), c.output());
            assertTrue(ChildAioemu.read(c.err).contains("signal 2 while stopping: exiting without waiting"), c.output());
        }
    }

    @Test
    void aMissingImageIsOneLineAndExitOne() throws Exception {
        Process p = serve(dir.resolve("none.raw").toString(), "--port=0");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertEquals(1, out.strip().lines().count(), out);
        assertTrue(out.contains("none.raw") && out.contains("ENOENT"), out);
    }

    /** The URI the server's first line announces. */
    private static String announcedUri(BufferedReader out) throws Exception {
        String first = out.readLine();
        Matcher m = Pattern.compile("as (nbd://127\\.0\\.0\\.1:\\d+/?\\S*)").matcher(String.valueOf(first));
        assertTrue(m.find(), first);
        return m.group(1);
    }

    @Test
    void imageOptsServeAWindowAndSharedLimitsTheClients() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.installed("qemu-img"), "qemu-utils is not installed");
        Path image = dir.resolve("w.raw");
        byte[] data = new byte[8 << 20];
        java.util.Arrays.fill(data, 1 << 20, 5 << 20, (byte) 0x42);
        Files.write(image, data);
        Process p = serve("--image-opts", "driver=raw,offset=1M,size=4M,file.driver=file,file.filename=" + image,
                "--port=0", "--shared=1", "--cache=none");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String uri = announcedUri(out);
            String info = qemuImg("info", uri);
            assertTrue(info.contains("virtual size: 4 MiB (4194304 bytes)"), info);
            String port = uri.replaceAll(".*:(\\d+).*", "$1");
            // The info client above may not be counted out yet when the next connects (its close reaches the loop
            // later): until it is, a new client is turned away with no greeting. Hold the place once greeted.
            java.net.Socket held = null;
            for (int i = 0; i < 50 && held == null; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(port));
                if (s.getInputStream().readNBytes(18).length == 18) {
                    held = s;
                } else {
                    s.close();
                    Thread.sleep(100);
                }
            }
            assertTrue(held != null, "a client is greeted once the earlier one is gone");
            try (java.net.Socket holding = held) { // greeted: this client holds the one place
                Process second = new ProcessBuilder("qemu-img", "info", uri).redirectErrorStream(true).start();
                String o = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
                assertTrue(second.exitValue() != 0, "a second client is turned away with --shared=1: " + o);
            }
            // Once the first client is gone the next one is served (the close reaches the loop first).
            String again = "";
            for (int i = 0; i < 50 && !again.contains("4 MiB"); i++) {
                Thread.sleep(100);
                Process q = new ProcessBuilder("qemu-img", "info", uri).redirectErrorStream(true).start();
                again = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                q.waitFor(60, TimeUnit.SECONDS);
            }
            assertTrue(again.contains("virtual size: 4 MiB"), again);
        } finally {
            p.toHandle().destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String qemuImg(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        Process q = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String o = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor(60, TimeUnit.SECONDS) && q.exitValue() == 0, o);
        return o;
    }

    @Test
    void badSpecsAndCacheModesAreOneLineNamingTheMistake() throws Exception {
        Path image = dir.resolve("b.raw");
        Files.write(image, new byte[65536]);
        String[][] cases = {
                {"--cache=fast", "'fast'"},
                {"--image-opts", "fliename"},
                {"--aio=uring", "uring"},
                {"--pool=lanes", "lanes"},
        };
        for (String[] c : cases) {
            String imageArg = c[0].equals("--image-opts") ? "driver=raw,fliename=" + image : image.toString();
            Process p = c[0].equals("--image-opts") ? serve("--image-opts", imageArg, "--port=0") : serve(imageArg, c[0], "--port=0");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), c[0] + ": " + out);
            assertEquals(1, out.strip().lines().count(), c[0] + ": " + out);
            assertTrue(out.contains(c[1]), c[0] + ": " + out);
        }
    }
}
