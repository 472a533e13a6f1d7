package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of {@code aioemu report}'s reading of fio JSON results: any file gives a page or the
 * {@link IllegalArgumentException} {@link HtmlReport#write} documents, naming the file — never another exception
 * (a JSON document of the wrong shape — a string where fio writes an object, a missing field — included), a hang
 * or an unbounded allocation. Replays {@code HtmlReportFuzzTestInputs/} in {@code ./build test}; fuzzes with
 * {@code JAZZER_FUZZ=1} (README, Reliability).
 */
class HtmlReportFuzzTest {
    static final int MAX_BYTES = 16 << 10;

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "2m")
    void rendersOrExplains(byte[] input) {
        if (input.length > MAX_BYTES) {
            return;
        }
        Path file = dir.resolve("fuzz.json");
        try {
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode results;
        try {
            results = HtmlReport.readResults(file);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            return;
        } catch (IOException e) {
            throw new AssertionError("the file is there and readable: " + e, e);
        }
        String html = HtmlReport.render(results, List.of(), "fuzz.json");
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"), "a cut-off page");
        assertFalse(html.contains("<script"), "fuzzed text reached the page unescaped");
    }
}
