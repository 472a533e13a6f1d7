package org.aioemu.bench.iolog;

import static org.aioemu.bench.iolog.TraceBuilder.R;
import static org.aioemu.bench.iolog.TraceBuilder.W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** merge_blktrace_file as fio's HOWTO describes it (fio 3.33 itself writes an empty file). */
class BlktraceMergeTest {
    @TempDir
    Path dir;

    @Test
    void tracesInterleaveByTimeKeepingOnlyTheQueueEventsAReplayUses() throws Exception {
        Path a = new TraceBuilder().process("a").queue(1_000, R, 0, 512).complete(1_500, R, 0, 512)
                .queue(3_000, R, 8, 512).write(dir.resolve("a.bin"));
        Path b = new TraceBuilder(ByteOrder.BIG_ENDIAN).queue(2_000, W, 100, 1024).issue(2_100, W, 100, 1024)
                .queue(4_000, W, 200, 1024).write(dir.resolve("b.bin"));
        Path out = dir.resolve("merged.bin");
        assertEquals(4, BlktraceMerge.merge(List.of(a, b), new int[] {100, 100}, new int[] {1, 1}, out));
        BlktraceReader.Trace t = BlktraceReader.read(out, w -> { });
        assertEquals(List.of("READ 0@0", "WRITE 51200@1000", "READ 4096@2000", "WRITE 102400@3000"),
                t.ios().stream().map(io -> io.action() + " " + io.offset() + "@" + io.timeNanos()).toList());
    }

    @Test
    void scalarsScaleEachTracesTimeAndIterationsRepeatItShiftedByItsLength() throws Exception {
        Path a = new TraceBuilder().queue(1_000, R, 0, 512).queue(2_000, R, 8, 512).write(dir.resolve("a.bin"));
        Path b = new TraceBuilder().queue(1_500, W, 0, 512).write(dir.resolve("b.bin"));
        Path out = dir.resolve("m.bin");
        // a at 50 %: 500, 1000; played twice, the second pass shifted by a's length (2000) before scaling: 1500, 2000.
        // b at 100 %, once: 1500.
        BlktraceMerge.merge(List.of(a, b), new int[] {50, 100}, new int[] {2, 1}, out);
        BlktraceReader.Trace t = BlktraceReader.read(out, w -> { });
        assertEquals(List.of("READ@0", "READ@500", "READ@1000", "WRITE@1000", "READ@1500"),
                t.ios().stream().map(io -> io.action() + "@" + io.timeNanos()).toList());
    }

    @Test
    void blkparseReadsTheMergedFile() throws Exception {
        Blkparse.assumeInstalled();
        Path a = new TraceBuilder().queue(1_000, R, 0, 4096).write(dir.resolve("a.bin"));
        Path b = new TraceBuilder().queue(500, W, 8, 4096).write(dir.resolve("b.bin"));
        Path out = dir.resolve("m.bin");
        BlktraceMerge.merge(List.of(a, b), new int[] {100, 100}, new int[] {1, 1}, out);
        assertEquals(List.of("Q W 8 + 8", "Q R 0 + 8"), Blkparse.events(out));
    }

    @Test
    void aFileThatIsNotABlktraceIsNamedInTheError() throws Exception {
        Path text = java.nio.file.Files.writeString(dir.resolve("x.log"), "fio version 3 iolog\n");
        IologException e = org.junit.jupiter.api.Assertions.assertThrows(IologException.class,
                () -> BlktraceMerge.merge(List.of(text), new int[] {100}, new int[] {1}, dir.resolve("o.bin")));
        assertTrue(e.getMessage().contains("x.log") && e.getMessage().contains("not a blktrace"), e.getMessage());
    }
}
