package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the job-file parser (Jazzer): whatever a job file holds, {@link JobFileParser#parse}
 * returns jobs or throws {@link JobFileException} with a message a user can act on — never another exception, a
 * hang or an unbounded allocation.
 *
 * <p>In {@code ./build test} this replays the saved corpus in {@code JobFileParserFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (README, Reliability).
 */
class JobFileParserFuzzTest {
    /** Bigger job files add nothing the fuzzer cannot reach with small ones, and keep each run fast. */
    static final int MAX_BYTES = 4096;
    /** What the README says a user may write: ${VAR} and $VAR from the environment. */
    static final Map<String, String> ENV = Map.of("SIZE", "1m", "BS", "4k", "EMPTY", "");

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "2m")
    void parsesOrExplains(byte[] input) {
        if (input.length > MAX_BYTES) {
            return;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        Path file = dir.resolve("fuzz.fio");
        JobFileParser parser = new JobFileParser(ENV);
        try {
            List<JobOptions> jobs = parser.parse(file, text);
            for (JobOptions job : jobs) {
                assertNotNull(job.name, "a job without a name");
                assertNotNull(job.rw);
                assertTrue(job.numjobs >= 1, () -> "numjobs " + job.numjobs);
            }
        } catch (JobFileException e) {
            JobFuzzing.assertNamesFile(e, file.toString());
        }
    }
}
