package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the blktrace reader: any file gives a trace to replay (depth 1 to 1024, reads and
 * writes of at least one byte at offsets that are not negative) or an {@link IologException} naming the file — never another
 * exception, a hang or an unbounded allocation (a record's length fields are the file's to lie about). Replays
 * {@code BlktraceReaderFuzzTestInputs/} in {@code ./build test}; fuzzes with {@code JAZZER_FUZZ=1}.
 */
class BlktraceReaderFuzzTest {
    static final int MAX_BYTES = 8192;

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "2m")
    void readsOrExplains(byte[] input) {
        if (input.length > MAX_BYTES) {
            return;
        }
        Path file = IologFuzzing.write(dir.resolve("fuzz.blktrace"), input);
        try {
            BlktraceReader.Trace trace = BlktraceReader.read(file, warning -> assertTrue(
                    warning.startsWith(file + ":"), warning));
            assertTrue(trace.depth() >= 1 && trace.depth() <= 1024, "depth " + trace.depth());
            assertTrue(trace.ios().size() <= input.length / 48, "more requests than records");
            for (BlktraceReader.Io io : trace.ios()) {
                assertTrue(io.timeNanos() >= 0, () -> "time " + io);
                assertTrue(io.offset() >= 0 && io.length() >= 0, () -> "extent " + io);
                if (io.action() == IologAction.READ || io.action() == IologAction.WRITE) {
                    assertTrue(io.length() > 0, () -> "a read or write of nothing: " + io);
                }
            }
        } catch (IologException e) {
            IologFuzzing.assertUsable(e, file);
        }
    }
}
