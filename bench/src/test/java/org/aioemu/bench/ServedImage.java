package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code aioemu serve} in a JVM of its own on a port the kernel picks, for tests that point real NBD clients (nbdcopy,
 * qemu-img) at it. A child process rather than a thread: serve's stop is a signal, and its exit status is part of what
 * is tested. Closing kills a server the test did not {@link #stop}.
 */
final class ServedImage implements AutoCloseable {
    private static final Pattern ANNOUNCED = Pattern.compile(" as (nbd://127\\.0\\.0\\.1:\\d+/\\S*)");

    private final Process process;
    private final BufferedReader output;
    private final String announcement;
    private final String uri;

    private ServedImage(Process process, BufferedReader output, String announcement, String uri) {
        this.process = process;
        this.output = output;
        this.announcement = announcement;
        this.uri = uri;
    }

    /** Starts {@code aioemu serve --port=0 ARGS} and waits for its first line, which names the URI it serves. */
    static ServedImage start(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--port=0"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = String.valueOf(out.readLine());
        Matcher m = ANNOUNCED.matcher(first);
        if (!m.find()) {
            // Not serving: what it printed instead is the failure's message.
            String rest = out.lines().reduce(first + "\n", (a, b) -> a + b + "\n");
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
            throw new AssertionError("aioemu serve " + String.join(" ", args) + " did not start: " + rest);
        }
        return new ServedImage(p, out, first, m.group(1));
    }

    /** The export's URI, as the server announced it. */
    String uri() {
        return uri;
    }

    /** The server's first line: the image, its format and size, and the URI. */
    String announcement() {
        return announcement;
    }

    /**
     * Stops the server as an operator would, with SIGTERM, and waits for it to drain and flush: its exit status and
     * what it printed after the first line.
     */
    Tools.Result stop() throws IOException, InterruptedException {
        process.toHandle().destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "aioemu serve stops within 60 s of SIGTERM");
        String rest = output.lines().reduce("", (a, b) -> a + b + "\n");
        return new Tools.Result(process.exitValue(), rest);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
