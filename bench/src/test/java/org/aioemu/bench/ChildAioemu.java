package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The aioemu command line in a JVM of its own, for tests that signal it: its stdout and stderr go to files (a child
 * that hangs cannot hold a test's read), and it is started with SIGINT, SIGTERM and SIGHUP at their defaults. A shell
 * that starts a background job without job control sets its SIGINT to ignored, a JVM started so never handles it,
 * and a test JVM started so would pass that on; coreutils' {@code env --default-signal} undoes it. Closing kills a
 * child the test left running.
 */
final class ChildAioemu implements AutoCloseable {
    /** env (coreutils 8.31 and later) can reset the signals; without it the child inherits this JVM's. */
    private static final boolean RESET_SIGNALS = Tools.installed("env", "--default-signal=INT,TERM,HUP");

    final Process process;
    final Path out;
    final Path err;

    private ChildAioemu(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code aioemu ARGS} with its output in {@code dir}/child.out and child.err and $TMPDIR set to {@code tmp}. */
    static ChildAioemu start(Path dir, Path tmp, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (RESET_SIGNALS) {
            cmd.addAll(List.of("env", "--default-signal=INT,TERM,HUP"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (tmp != null) {
            pb.environment().put("TMPDIR", tmp.toString());
        }
        return new ChildAioemu(pb.start(), out, err);
    }

    /** Sends {@code signal} (INT, TERM, HUP) with kill(1), as an operator would. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(20, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }

    /** Waits until {@code file} (out or err) holds {@code text}; fails if the child exits first or 60 s pass. */
    void awaitText(Path file, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!read(file).contains(text)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new AssertionError("no '" + text + "' from aioemu (alive " + process.isAlive() + "): " + output());
            }
            Thread.sleep(20);
        }
    }

    /** Waits up to {@code seconds} for the exit; fails naming what the child printed if it is still running. */
    int awaitExit(long seconds) throws IOException, InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "aioemu still running after " + seconds + " s: " + output());
        return process.exitValue();
    }

    /** Both outputs, for assertion messages. */
    String output() throws IOException {
        return "stdout: " + read(out) + "\nstderr: " + read(err);
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
