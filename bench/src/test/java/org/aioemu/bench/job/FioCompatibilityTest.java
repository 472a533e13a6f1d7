package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the real fio ({@code fio --parse-only}) over the test job files, when fio is on the PATH (else
 * skipped), to keep the files honest: fio accepts jobs/good and jobs/stricter (the latter are aioemu's
 * deliberate refusals) and refuses jobs/bad and jobs/lenient (aioemu's deliberate extensions).
 *
 * <p>fio 3.33 exits 0 after some errors (a missing include), so its messages count as a refusal too.
 * Files are given to fio by absolute path: fio resolves includes against the job file's directory only
 * then.
 */
class FioCompatibilityTest {
    private static final Pattern FIO_ERROR = Pattern.compile(
            "(?i)error|failed|bad option|unable|outside of|requires an argument");

    @BeforeAll
    static void fioIsInstalled() {
        assumeTrue(org.aioemu.bench.FioPeer.available(), "fio is not on the PATH");
    }

    /** fio's verdict and what it printed. */
    private record Verdict(boolean accepted, String output) {
    }

    private static Verdict fio(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("fio", "--parse-only", file.toAbsolutePath().toString())
                .directory(file.getParent().toFile()).redirectErrorStream(true);
        pb.environment().putAll(JobFiles.ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fio --parse-only " + file + " did not finish");
        }
        return new Verdict(p.exitValue() == 0 && !FIO_ERROR.matcher(out).find(), out);
    }

    static Stream<Path> fioAccepts() {
        return Stream.of("good", "stricter").flatMap(c -> JobFiles.category(c).stream());
    }

    static Stream<Path> fioRefuses() {
        return Stream.of("bad", "lenient").flatMap(c -> JobFiles.category(c).stream());
    }

    @ParameterizedTest
    @MethodSource("fioAccepts")
    void fioAcceptsIt(Path file) throws Exception {
        Verdict v = fio(file);
        assertTrue(v.accepted(), "fio refused " + file + ":\n" + v.output());
    }

    @ParameterizedTest
    @MethodSource("fioRefuses")
    void fioRefusesIt(Path file) throws Exception {
        Verdict v = fio(file);
        assertFalse(v.accepted(), "fio accepted " + file + ":\n" + v.output());
    }

    /** Sanity: the categories above cover every file the other tests use. */
    @ParameterizedTest
    @MethodSource("categories")
    void categoryIsNotEmpty(String category) {
        assertFalse(JobFiles.category(category).isEmpty(), category);
    }

    static List<String> categories() {
        return List.of("good", "bad", "stricter", "lenient");
    }
}
