package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aioemu.bench.FioPeer;
import org.junit.jupiter.api.Assumptions;

/** Runs the installed fio as the reference; tests that need it are skipped where it is missing. */
final class Fio {
    private Fio() {
    }

    /** Skips the test unless {@code fio --version} runs (the probe the other fio-reference tests use). */
    static void assumeInstalled() {
        Assumptions.assumeTrue(FioPeer.available(), "fio is not on the PATH");
    }

    /** Runs fio in {@code dir} and returns its JSON (stdout from the first '{': fio may print errors first). */
    static String runJson(Path dir, String... args) throws IOException, InterruptedException {
        String stdout = run(dir, append(args, "--output-format=json"));
        int brace = stdout.indexOf('{');
        assertTrue(brace >= 0, "no JSON from fio: " + stdout);
        return stdout.substring(brace);
    }

    private static String[] append(String[] args, String arg) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = arg;
        return all;
    }

    /** Runs fio in {@code dir}, asserts it succeeded and returns its standard output. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("fio");
        cmd.addAll(List.of(args));
        Path out = dir.resolve("fio.stdout");
        Path err = dir.resolve("fio.stderr");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fio did not finish: " + cmd);
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "fio failed: " + cmd + "\n" + Files.readString(err) + stdout);
        return stdout;
    }

    /** {@code key}'s number inside the first {@code "section" : {} of a one-job fio JSON. */
    static long number(String json, String section, String key) {
        int at = json.indexOf("\"" + section + "\" : {");
        assertTrue(at >= 0, "no section " + section + " in fio's JSON");
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\" : (\\d+)").matcher(json);
        assertTrue(m.find(at), "no " + key + " in " + section);
        return Long.parseLong(m.group(1));
    }
}
