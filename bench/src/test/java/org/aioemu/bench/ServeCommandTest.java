package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        if (installed("qemu-io")) {
            Process io = new ProcessBuilder("qemu-io", "-f", "raw", "-c", "write -P 0x77 0 1M", uri).redirectErrorStream(true).start();
            String ioOut = new String(io.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(io.waitFor(60, TimeUnit.SECONDS) && io.exitValue() == 0, ioOut);
        }
        p.toHandle().destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
        String rest = out.lines().reduce("", (a, b) -> a + b + "\n");
        assertEquals(0, p.exitValue(), rest);
        assertTrue(rest.contains("aioemu: stopped"), rest);
        if (installed("qemu-io")) {
            assertEquals(0x77, Files.readAllBytes(image)[(1 << 20) - 1], "the write is in the image");
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

    private static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
