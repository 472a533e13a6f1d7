package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job files aioemu refuses (jobs/bad: fio refuses them too; jobs/stricter: fio runs them, but they
 * ask for something aioemu does not do, or fio would silently misread them), and those aioemu accepts
 * although fio 3.33 does not (jobs/lenient). Each rejected file says in comments which line is wrong
 * ("; line: N") and what the message says after "file:line: " ("; error: ...").
 */
class RejectedJobFilesTest {
    static Stream<Path> rejected() {
        return Stream.concat(JobFiles.category("bad").stream(), JobFiles.category("stricter").stream());
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void refusedWithFileLineAndReason(Path file) throws IOException {
        String message = assertThrows(JobFileException.class, () -> JobFiles.parse(root(file)), file + " was accepted")
                .getMessage();
        String expected = ":" + JobFiles.expectedLine(file) + ": " + JobFiles.expectedError(file);
        assertTrue(message.contains(expected), "\n  message: " + message + "\n expected: " + expected);
        if (!Files.readString(file).contains("; from-include")) {
            assertTrue(message.startsWith(file + ":" + JobFiles.expectedLine(file) + ": "), message);
        }
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void thereAreEnoughOfEach() {
        assertTrue(JobFiles.category("bad").size() >= 25);
        assertTrue(JobFiles.category("stricter").size() >= 20);
        assertTrue(JobFiles.category("lenient").size() >= 7);
        assertTrue(JobFiles.category("good").size() >= 18);
    }

    static Stream<Path> lenient() {
        return JobFiles.category("lenient").stream();
    }

    @ParameterizedTest
    @MethodSource("lenient")
    void lenientFilesParse(Path file) {
        assertEquals(1, JobFiles.parse(root(file)).size());
    }

    @Test
    void lenientValues() {
        JobOptions words = JobFiles.parse("lenient/bool-words.fio").get(0);
        assertTrue(words.direct && words.timeBased && words.groupReporting);
        assertFalse(words.norandommap || words.endFsync || words.unlink);
        JobOptions bare = JobFiles.parse("lenient/bare-bools.fio").get(0);
        assertTrue(bare.direct && bare.randrepeat && bare.endFsync && bare.createOnOpen && bare.verifyFatal
                && bare.scrambleBuffers);
        JobOptions gauss = JobFiles.parse("lenient/gauss.fio").get(0);
        assertEquals(JobOptions.Distribution.GAUSS, gauss.randomDistribution);
        assertEquals(3.0, gauss.randomDistributionParam);
        assertEquals(JobOptions.Verify.NONE, JobFiles.parse("lenient/verify-none.fio").get(0).verify);
        assertTrue(JobFiles.parse("lenient/sync-true.fio").get(0).sync);
        JobOptions aio = JobFiles.parse("lenient/aio-option.fio").get(0);
        assertEquals("libaio", aio.ioengine);
        assertEquals("io_uring", aio.aioEngine);
        assertEquals(8192, JobFiles.parse("lenient/dollar-var.fio").get(0).bs[0]);
    }

    /** The category folder and name of a file, as JobFiles.parse takes it. */
    private static String root(Path file) {
        return JobFiles.root().relativize(file).toString();
    }

    static List<Path> all() {
        return Stream.of("good", "bad", "stricter", "lenient").flatMap(c -> JobFiles.category(c).stream()).toList();
    }
}
