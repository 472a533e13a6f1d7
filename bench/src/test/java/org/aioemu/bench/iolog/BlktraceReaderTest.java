package org.aioemu.bench.iolog;

import static org.aioemu.bench.iolog.TraceBuilder.R;
import static org.aioemu.bench.iolog.TraceBuilder.W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading blktrace binaries as fio 3.33 replays them. */
class BlktraceReaderTest {
    @TempDir
    Path dir;

    @Test
    void onlyQueueEventsAreRequestsWithTheirDirectionOffsetAndDelaysSummedIntoTimes() throws Exception {
        Path f = new TraceBuilder().process("dd")
                .queue(1_000, R, 8, 4096).issue(1_200, R, 8, 4096).complete(5_000, R, 8, 4096)
                .queue(11_000, W, 100, 8192).complete(12_000, W, 100, 8192)
                .queue(31_000, W | Blktrace.TC_DISCARD, 2048, 1 << 20)
                .queue(31_500, R | Blktrace.TC_FLUSH, 0, 0)
                .write(dir.resolve("t.bin"));
        BlktraceReader.Trace t = BlktraceReader.read(f, w -> { });
        assertEquals(List.of(
                new BlktraceReader.Io(0, TraceBuilder.DEV, IologAction.READ, 8 * 512, 4096),
                new BlktraceReader.Io(10_000, TraceBuilder.DEV, IologAction.WRITE, 100 * 512, 8192),
                new BlktraceReader.Io(30_000, TraceBuilder.DEV, IologAction.TRIM, 2048 * 512, 1 << 20),
                new BlktraceReader.Io(30_500, TraceBuilder.DEV, IologAction.SYNC, 0, 0)), t.ios());
        assertEquals(7, t.ios().getFirst().major());
        assertEquals(3, t.ios().getFirst().minor());
    }

    @Test
    void bigEndianTracesReadTheSame() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Path f = new TraceBuilder(order).queue(5, R, 1, 512).queue(9, W, 2, 1024)
                    .write(dir.resolve(order + ".bin"));
            assertEquals(order, Blktrace.probe(f));
            BlktraceReader.Trace t = BlktraceReader.read(f, w -> { });
            assertEquals(List.of(new BlktraceReader.Io(0, TraceBuilder.DEV, IologAction.READ, 512, 512),
                    new BlktraceReader.Io(4, TraceBuilder.DEV, IologAction.WRITE, 1024, 1024)), t.ios(), order.toString());
        }
    }

    @Test
    void aClockThatGoesBackAddsNoDelayAndZeroByteRequestsAreLeftOutWithAWarning() throws Exception {
        Path f = new TraceBuilder().queue(50_000, R, 0, 4096).queue(20_000, R, 8, 4096)
                .queue(25_000, W, 16, 0).queue(26_000, R, 24, 4096).write(dir.resolve("t.bin"));
        List<String> warnings = new ArrayList<>();
        BlktraceReader.Trace t = BlktraceReader.read(f, warnings::add);
        // fio's delays: 0 (first), 0 (went back), the zero-byte event still moves the clock, then 1000.
        assertEquals(List.of(0L, 0L, 6_000L), t.ios().stream().map(BlktraceReader.Io::timeNanos).toList());
        assertEquals(1, t.zeroByte());
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void theDepthIsTheMostQueuedBetweenCompletionsLessMerges() throws Exception {
        TraceBuilder b = new TraceBuilder();
        b.queue(1, R, 0, 512).queue(2, R, 8, 512).queue(3, R, 16, 512).complete(4, R, 0, 512) // 3
                .queue(5, W, 0, 512).queue(6, W, 1, 512).backMerge(6, W, 1, 512).complete(7, W, 0, 512) // 1
                .queue(8, R, 0, 512).complete(9, R, 0, 512); // 1
        assertEquals(3, BlktraceReader.read(b.write(dir.resolve("a.bin")), w -> { }).depth());
        // No completions at all: fio takes 1 for a direction that has requests.
        Path noCompletions = new TraceBuilder().queue(1, W, 0, 512).queue(2, W, 8, 512).write(dir.resolve("b.bin"));
        assertEquals(1, BlktraceReader.read(noCompletions, w -> { }).depth());
        // A stacked device that never completes is capped at 1024.
        TraceBuilder many = new TraceBuilder();
        for (int i = 0; i < 1100; i++) {
            many.queue(i + 1, R, i, 512);
        }
        many.complete(5000, R, 0, 512);
        assertEquals(1024, BlktraceReader.read(many.write(dir.resolve("c.bin")), w -> { }).depth());
    }

    @Test
    void badInputFailsWithWhereAndWhatNotACrash() throws Exception {
        Path text = Files.writeString(dir.resolve("log"), "fio version 3 iolog\n");
        assertNull(Blktrace.probe(text));
        assertTrue(assertThrows(IologException.class, () -> BlktraceReader.read(text, w -> { }))
                .getMessage().contains("not a blktrace"));

        byte[] good = new TraceBuilder().queue(1, R, 0, 512).bytes();
        Path badMagic = new TraceBuilder().queue(1, R, 0, 512).raw(new byte[48]).write(dir.resolve("m.bin"));
        IologException e = assertThrows(IologException.class, () -> BlktraceReader.read(badMagic, w -> { }));
        assertTrue(e.getMessage().contains("record 1 at byte 48: bad magic 0x00000000"), e.getMessage());

        byte[] v6 = good.clone();
        v6[0] = 6; // little-endian magic: the version is the first byte
        Path oldVersion = Files.write(dir.resolve("v.bin"), v6);
        assertTrue(assertThrows(IologException.class, () -> BlktraceReader.read(oldVersion, w -> { }))
                .getMessage().contains("blktrace version 6"));

        Path onlyCompletions = new TraceBuilder().complete(1, R, 0, 512).write(dir.resolve("c.bin"));
        assertTrue(assertThrows(IologException.class, () -> BlktraceReader.read(onlyCompletions, w -> { }))
                .getMessage().contains("no requests"));

        byte[] cut = new TraceBuilder().queue(1, R, 0, 512).queue(2, W, 8, 512).bytes();
        Path truncated = Files.write(dir.resolve("t.bin"), java.util.Arrays.copyOf(cut, cut.length - 10));
        List<String> warnings = new ArrayList<>();
        assertEquals(1, BlktraceReader.read(truncated, warnings::add).ios().size());
        assertTrue(warnings.getFirst().contains("cut short"), warnings.toString());
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButIologException() throws Exception {
        Random rnd = new Random(11);
        byte[] good = new TraceBuilder().process("x").queue(1, R, 0, 512).queue(2, W, 8, 4096)
                .complete(3, R, 0, 512).bytes();
        for (int i = 0; i < 500; i++) {
            byte[] b = good.clone();
            for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
                b[4 + rnd.nextInt(b.length - 4)] = (byte) rnd.nextInt(256); // keep the first magic: still "a blktrace"
            }
            Path f = Files.write(dir.resolve("g" + i), java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1)));
            try {
                BlktraceReader.Trace t = BlktraceReader.read(f, w -> { });
                for (BlktraceReader.Io io : t.ios()) {
                    assertTrue(io.offset() >= 0 && io.length() >= 0 && io.timeNanos() >= 0, io.toString());
                }
            } catch (IologException expected) {
                assertTrue(expected.getMessage().startsWith(f.toString()), expected.getMessage());
            }
        }
    }
}
