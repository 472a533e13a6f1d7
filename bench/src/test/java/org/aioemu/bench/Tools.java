package org.aioemu.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The external tools tests drive as peers (qemu-utils, libnbd-bin, nbdkit, e2fsprogs): whether one runs here, and running it. */
final class Tools {
    private Tools() {
    }

    /** Whether {@code tool --version} runs and succeeds within 20 s: installed and working. */
    static boolean installed(String tool) {
        return installed(tool, "--version");
    }

    /**
     * Whether {@code tool versionFlag} runs and succeeds within 20 s. For tools that refuse {@code --version}, as
     * e2fsprogs' do (they take {@code -V}).
     */
    static boolean installed(String tool, String versionFlag) {
        try {
            Process p = new ProcessBuilder(tool, versionFlag).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** What a tool printed (stdout and stderr together) and returned. */
    record Result(int exit, String out) {
        /** For assertion messages: the command's output, which says why it failed. */
        @Override
        public String toString() {
            return "exit " + exit + ": " + out;
        }
    }

    /** Runs {@code command}, waiting up to 120 s; one that does not finish by then is killed and fails the test. */
    static Result run(String... command) throws IOException, InterruptedException {
        // Output to a file rather than a pipe: a tool that hangs cannot then hold a read past the timeout.
        Path log = Files.createTempFile("aioemu-tool", ".log");
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s: " + output(log));
            }
            return new Result(p.exitValue(), output(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Lenient: a tool's output may hold bytes that are not UTF-8 (a dump of an image), and they must not hide its exit. */
    private static String output(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }
}
