package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the fio iolog reader (v2 and v3): any file gives entries or an {@link IologException}
 * naming the file (and line) — never another exception, a hang or an unbounded allocation. Replays
 * {@code IologReaderFuzzTestInputs/} in {@code ./build test}; fuzzes with {@code JAZZER_FUZZ=1} (README, Reliability).
 */
class IologReaderFuzzTest {
    static final int MAX_BYTES = 4096;

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "2m")
    void readsOrExplains(byte[] input) {
        if (input.length > MAX_BYTES) {
            return;
        }
        Path file = IologFuzzing.write(dir.resolve("fuzz.log"), input);
        try {
            List<IologEntry> entries = IologReader.read(file, warning -> assertTrue(warning.startsWith(file + ":"),
                    warning));
            assertTrue(entries.size() <= input.length, "more entries than bytes");
        } catch (IologException e) {
            IologFuzzing.assertUsable(e, file);
        }
    }
}
