package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's own example job files (Debian's fio-examples package), each rewritten by {@link ExampleRewriter} to
 * run on scratch files, run through fio and through {@code aioemu run}: every example fio runs without error
 * must give the same jobs, groups and errors in aioemu, and the same I/O — exact totals for a job bound by
 * size, the same shares of bytes per direction and about the same block size for one bound by time. The
 * examples are read from the installed package; without it or fio the test skips and says so. Examples
 * for engines that do not read and write file blocks (network, cpuio, exec, fio's file-operation engines such
 * as falloc or filecreate, vendor libraries) are skipped, and so are those fio itself fails on files.
 */
class FioExamplesTest {
    static final Path EXAMPLES = Path.of("/usr/share/doc/fio/examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Examples fio runs that aioemu still refuses, each with the refusal it prints (issue 15 lists them). The
     * list only shrinks.
     */
    static final Map<String, String> KNOWN_GAPS = Map.of();

    /**
     * Examples where fio 3.33 itself misbehaves, so only the jobs, groups, errors and directions are compared.
     * Each names the fault, found by running fio on variations of the example.
     */
    static final Map<String, String> FIO_FAULTS = Map.of(
            "cmdprio-bssplit.fio", "randrw with writes of 1m and reads of 64k/1m stops after 12 I/Os (9.2 of 16 MiB):"
                    + " fio indexes its random map in the smallest block size but looks up a write's block in 1 MiB"
                    + " units, finds no free block and ends the job; randread with the same split moves all 16 MiB");

    @TempDir
    Path dir;

    static Stream<String> examples() throws IOException {
        if (!Files.isDirectory(EXAMPLES)) {
            return Stream.of("(none: " + EXAMPLES + " is missing; apt-get install fio-examples)");
        }
        // -Daioemu.examples=a.fio,b.fio runs only those (while working on one).
        List<String> only = List.of(System.getProperty("aioemu.examples", "").split(","));
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".fio"))
                    .filter(n -> only.equals(List.of("")) || only.contains(n)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runsAsInFio(String example) throws Exception {
        assumeTrue(Files.isDirectory(EXAMPLES), EXAMPLES + " is missing (apt-get install fio-examples)");
        assumeTrue(FioPeer.available(), "fio is not on the PATH");
        String original = Files.readString(EXAMPLES.resolve(example));
        Path fioDir = Files.createDirectory(dir.resolve("fio"));
        String forFio = ExampleRewriter.rewrite(original, fioDir);
        assumeTrue(forFio != null, example + " needs an engine that does not work on files");
        Files.writeString(fioDir.resolve(example), forFio);
        JsonNode fio = run(fioDir, example, List.of("fio", "--output-format=json", "--output=out.json", example));
        assumeTrue(fio != null && allSucceeded(fio), example + ": fio itself does not run it on files");

        Path ourDir = Files.createDirectory(dir.resolve("aioemu"));
        Files.writeString(ourDir.resolve(example), ExampleRewriter.rewrite(original, ourDir));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--output-format=json", "--output=out.json", example));
        JsonNode ours = run(ourDir, example, cmd);
        String gap = KNOWN_GAPS.get(example);
        if (gap != null) {
            // Not done yet, and refused with file:line and a reason rather than run wrongly; when one is done,
            // this fails and the entry goes.
            String err = Files.readString(ourDir.resolve("stderr.txt"));
            assertTrue(ours == null && err.contains(gap), example + ": known gap '" + gap + "', but aioemu said:\n" + err);
            return;
        }
        if (ours == null) {
            fail(example + ": aioemu gave no results:\n" + Files.readString(ourDir.resolve("stderr.txt")));
        }
        compare(example, fio.get("jobs"), ours.get("jobs"), !FIO_FAULTS.containsKey(example));
    }

    /** Runs {@code cmd} in {@code in}; its JSON results, or null when it wrote none. */
    private static JsonNode run(Path in, String example, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(in.toFile())
                .redirectOutput(in.resolve("stdout.txt").toFile()).redirectError(in.resolve("stderr.txt").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            if (cmd.get(0).equals("fio")) {
                // fio 3.33 now and then never ends fixed-rate-submission.fio (io_submit_mode=offload) here.
                Assumptions.abort(example + ": fio itself did not end within 60 s");
            }
            fail(example + ": aioemu ran over 60 s");
        }
        Path out = in.resolve("out.json");
        if (!Files.exists(out)) {
            return null;
        }
        // fio may put its own messages ("fio: ...") before the JSON document, which starts a line with '{'.
        String text = Files.readString(out, StandardCharsets.UTF_8);
        int brace = text.startsWith("{") ? 0 : text.indexOf("\n{");
        return brace < 0 ? null : JSON.readTree(text.substring(brace));
    }

    private static boolean allSucceeded(JsonNode results) {
        for (JsonNode job : results.get("jobs")) {
            if (job.get("error").asInt() != 0) {
                return false;
            }
        }
        return true;
    }

    private static void compare(String example, JsonNode fio, JsonNode ours, boolean io) {
        assertEquals(names(fio), names(ours), example + ": the jobs and their groups");
        for (int i = 0; i < fio.size(); i++) {
            JsonNode a = fio.get(i);
            JsonNode b = ours.get(i);
            String what = example + " job " + i + " (" + a.get("jobname").asText() + ")";
            assertEquals(0, b.get("error").asInt(), what + ": aioemu's error");
            if (!io) {
                for (String d : List.of("read", "write", "trim")) {
                    assertEquals(a.get(d).get("io_bytes").asLong() > 0, b.get(d).get("io_bytes").asLong() > 0, what + ": " + d);
                }
                continue;
            }
            boolean timeBound = a.get("job_runtime").asLong() >= 900 || b.get("job_runtime").asLong() >= 900;
            long fioBytes = totalBytes(a);
            long ourBytes = totalBytes(b);
            if (!timeBound) {
                assertEquals(fioBytes, ourBytes, what + ": bytes moved by a job bound by size");
            }
            for (String d : List.of("read", "write", "trim")) {
                long x = a.get(d).get("io_bytes").asLong();
                long y = b.get(d).get("io_bytes").asLong();
                assertEquals(x > 0, y > 0, what + ": whether it moved " + d + " bytes (fio " + x + ", aioemu " + y + ")");
                if (x == 0) {
                    continue;
                }
                double fioShare = (double) x / fioBytes;
                double ourShare = (double) y / ourBytes;
                assertTrue(Math.abs(fioShare - ourShare) < 0.1, what + ": share of " + d + " bytes, fio "
                        + fioShare + ", aioemu " + ourShare);
                double fioBs = (double) x / a.get(d).get("total_ios").asLong();
                double ourBs = (double) y / b.get(d).get("total_ios").asLong();
                assertTrue(Math.abs(fioBs - ourBs) <= 0.25 * fioBs, what + ": mean " + d + " block size, fio " + fioBs
                        + ", aioemu " + ourBs);
            }
        }
    }

    private static List<String> names(JsonNode jobs) {
        List<String> out = new ArrayList<>();
        for (JsonNode j : jobs) {
            out.add(j.get("jobname").asText() + "@" + j.get("groupid").asInt());
        }
        return out;
    }

    private static long totalBytes(JsonNode job) {
        return job.get("read").get("io_bytes").asLong() + job.get("write").get("io_bytes").asLong()
                + job.get("trim").get("io_bytes").asLong();
    }
}
