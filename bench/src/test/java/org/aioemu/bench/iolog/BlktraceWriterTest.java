package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blktrace files aioemu writes: what blkparse prints of them, and what a replay reads back. */
class BlktraceWriterTest {
    private static final int DEV = Blktrace.device(254, 1);

    @TempDir
    Path dir;

    @Test
    void blkparseShowsEveryRequestQueuedThenCompletedWithItsKindSectorAndSize() throws Exception {
        Blkparse.assumeInstalled();
        Path f = dir.resolve("t.bin");
        try (BlktraceWriter w = new BlktraceWriter(f, "aioemu")) {
            w.queue(1_000, DEV, IologAction.WRITE, 122_880, 4096);
            w.queue(2_000, DEV, IologAction.READ, 0, 65_536);
            w.complete(3_000, DEV, IologAction.WRITE, 122_880, 4096, 0);
            w.complete(4_000, DEV, IologAction.READ, 0, 65_536, 5);
            w.queue(5_000, DEV, IologAction.TRIM, 1 << 20, 1 << 20);
            w.queue(6_000, DEV, IologAction.SYNC, 0, 0);
        }
        assertEquals(List.of("Q W 240 + 8", "Q R 0 + 128", "C W 240 + 8", "C R 0 + 128", "Q D 2048 + 2048", "Q FN"),
                Blkparse.events(f));
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameRequestsAtTheSameTimesAcrossManyBuffers() throws Exception {
        Random rnd = new Random(3);
        Path f = dir.resolve("t.bin");
        List<BlktraceReader.Io> expected = new ArrayList<>();
        long time = 0;
        IologAction[] kinds = {IologAction.READ, IologAction.WRITE, IologAction.TRIM, IologAction.SYNC};
        try (BlktraceWriter w = new BlktraceWriter(f, "a-process-name-longer-than-sixteen")) {
            for (int i = 0; i < 5_000; i++) { // 48 bytes each: several of the writer's 64 KiB buffers
                time += 1 + rnd.nextInt(100_000);
                IologAction a = kinds[rnd.nextInt(kinds.length)];
                long offset = a == IologAction.SYNC ? 0 : (long) rnd.nextInt(1 << 20) * 512;
                int length = a == IologAction.SYNC ? 0 : (1 + rnd.nextInt(256)) * 512;
                w.queue(time, DEV, a, offset, length);
                w.complete(time + 10, DEV, a, offset, length, 0);
                expected.add(new BlktraceReader.Io(time, DEV, a, offset, length));
            }
            assertEquals(0, w.inexactOffsets());
        }
        assertEquals(ByteOrder.nativeOrder(), Blktrace.probe(f));
        BlktraceReader.Trace t = BlktraceReader.read(f, w -> { });
        long first = expected.getFirst().timeNanos();
        assertEquals(expected.stream().map(io -> new BlktraceReader.Io(io.timeNanos() - first, io.device(), io.action(),
                io.offset(), io.length())).toList(), t.ios());
        assertEquals(1, t.depth()); // every request completed before the next was queued
        if (hasBlkparse()) {
            assertEquals(10_000, Blkparse.events(f).size());
        }
    }

    @Test
    void offsetsOffTheSectorGridAreCountedAndRoundedDown() throws Exception {
        Path f = dir.resolve("t.bin");
        try (BlktraceWriter w = new BlktraceWriter(f, "x")) {
            w.queue(1, DEV, IologAction.READ, 1000, 512);
            w.queue(2, DEV, IologAction.READ, 1024, 512);
            assertEquals(1, w.inexactOffsets());
        }
        assertEquals(List.of(512L, 1024L), BlktraceReader.read(f, x -> { }).ios().stream().map(BlktraceReader.Io::offset).toList());
    }

    @Test
    void glibcDeviceNumbersBecomeTheKernelsEncoding() {
        // glibc: major bits 8-19 and 32-43, minor bits 0-7 and 20-31. 259:65536 (an nvme namespace) uses the high parts.
        long glibc = ((259L & 0xfff) << 8) | ((259L & ~0xfffL) << 32) | (65_536L & 0xff) | ((65_536L & ~0xffL) << 12);
        assertEquals(Blktrace.device(259, 65_536), BlktraceWriter.kernelDevice(glibc));
        assertEquals(Blktrace.device(8, 1), BlktraceWriter.kernelDevice(0x801));
    }

    private static boolean hasBlkparse() {
        try {
            Blkparse.assumeInstalled();
            return true;
        } catch (org.opentest4j.TestAbortedException e) {
            return false;
        }
    }
}
