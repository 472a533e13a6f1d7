package org.aioemu.bench.iolog;

import org.aioemu.bench.Allocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FioLogWriterTest {
    @TempDir
    Path dir;

    @Test
    void namesLogsAsFioDoes() {
        assertEquals(Path.of("p_bw.1.log"), FioLogWriter.path("p", "bw", 1));
        assertEquals(Path.of("/tmp/run_clat.12.log"), FioLogWriter.path("/tmp/run", "clat", 12));
        assertThrows(IllegalArgumentException.class, () -> FioLogWriter.path("p", "bw", 0));
        assertEquals(FioLogWriter.Kind.BW, FioLogWriter.kindOf(Path.of("/x/p_bw.3.log")));
        assertEquals(FioLogWriter.Kind.IOPS, FioLogWriter.kindOf(Path.of("p_iops.1.log")));
        assertEquals(FioLogWriter.Kind.SLAT, FioLogWriter.kindOf(Path.of("p_slat.1.log")));
        assertEquals(FioLogWriter.Kind.LAT, FioLogWriter.kindOf(Path.of("whatever.txt")));
    }

    @Test
    void rawLinesHaveFiveColumnsOrSixWithOffsets() throws Exception {
        Path a = dir.resolve("a_lat.1.log");
        try (FioLogWriter w = FioLogWriter.open(a, 0)) {
            w.add(0, 254158, 0, 4096, 61440);
            w.sample(17, 5, 1, 512, 99);
        }
        assertEquals("0, 254158, 0, 4096, 0\n17, 5, 1, 512, 0\n", Files.readString(a));
        Path b = dir.resolve("b_lat.1.log");
        try (FioLogWriter w = FioLogWriter.open(b, FioLogWriter.Kind.LAT, 0, true)) {
            w.add(0, 254158, 0, 4096, 61440);
        }
        assertEquals("0, 254158, 0, 4096, 61440, 0\n", Files.readString(b));
    }

    @Test
    void rawBandwidthAndIopsUseFiosPerIoFormulas() throws Exception {
        Path bw = dir.resolve("p_bw.1.log");
        Path iops = dir.resolve("p_iops.1.log");
        try (FioLogWriter b = FioLogWriter.open(bw, 0); FioLogWriter i = FioLogWriter.open(iops, 0)) {
            // fio 3.33 logged "0, 16115, 0, 4096, 0" for a 4 KiB read of 254158 ns clat.
            b.addCount(0, 0, 4096, 0, 254_158);
            b.addCount(3, 1, 4096, 8192, 14_842);
            i.addCount(0, 0, 4096, 0, 254_158);
        }
        assertEquals("0, 16115, 0, 4096, 0\n3, 275973, 1, 4096, 0\n", Files.readString(bw));
        assertEquals("0, 1, 0, 4096, 0\n", Files.readString(iops));
    }

    @Test
    void latencyWindowsAverageEachDirectionAndSkipEmptyWindows() throws Exception {
        Path p = dir.resolve("w_clat.1.log");
        try (FioLogWriter w = FioLogWriter.open(p, 100)) {
            w.add(1, 1000, 0, 4096, 0);
            w.add(50, 3000, 0, 4096, 4096);
            w.add(99, 700, 1, 4096, 0);
            w.add(100, 10, 0, 4096, 0); // opens [100, 200)
            w.add(350, 40, 1, 4096, 0); // nothing in [200, 300)
            w.finish(420);
        }
        assertEquals("""
                100, 2000, 0, 0, 0
                100, 700, 1, 0, 0
                200, 10, 0, 0, 0
                400, 40, 1, 0, 0
                """, Files.readString(p));
    }

    @Test
    void bandwidthAndIopsWindowsAreRatesInKibPerSecondAndIoPerSecond() throws Exception {
        Path bw = dir.resolve("r_bw.1.log");
        Path iops = dir.resolve("r_iops.1.log");
        try (FioLogWriter b = FioLogWriter.open(bw, 100); FioLogWriter i = FioLogWriter.open(iops, 100)) {
            // 2000 reads/s and 1000 writes/s of 4 KiB for 300 ms, then a 50 ms tail.
            for (long us = 0; us < 350_000; us += 500) {
                b.addCount(us / 1000, 0, 4096, 0, 1000);
                i.addCount(us / 1000, 0, 4096, 0, 1000);
                if (us % 1000 == 0) {
                    b.addCount(us / 1000, 1, 4096, 0, 1000);
                    i.addCount(us / 1000, 1, 4096, 0, 1000);
                }
            }
            b.finish(350);
            i.finish(350);
        }
        List<String> b = Files.readAllLines(bw);
        assertEquals(List.of("100, 8000, 0, 0, 0", "100, 4000, 1, 0, 0", "200, 8000, 0, 0, 0", "200, 4000, 1, 0, 0",
                "300, 8000, 0, 0, 0", "300, 4000, 1, 0, 0", "350, 8000, 0, 0, 0", "350, 4000, 1, 0, 0"), b);
        assertEquals("100, 2000, 0, 0, 0", Files.readAllLines(iops).get(0));
        assertEquals("350, 1000, 1, 0, 0", Files.readAllLines(iops).get(7));
    }

    @Test
    void misuseIsRefused() throws Exception {
        try (FioLogWriter lat = FioLogWriter.open(dir.resolve("x_lat.1.log"), 0);
             FioLogWriter bw = FioLogWriter.open(dir.resolve("x_bw.1.log"), 0)) {
            assertThrows(IllegalStateException.class, () -> lat.addCount(0, 0, 4096, 0, 1));
            assertThrows(IllegalStateException.class, () -> bw.add(0, 1, 0, 4096, 0));
            assertThrows(IllegalArgumentException.class, () -> lat.add(0, 1, 3, 4096, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> FioLogWriter.open(dir.resolve("y.log"), -1));
        assertThrows(java.io.UncheckedIOException.class, () -> FioLogWriter.open(dir.resolve("no/such/dir.log"), 0));
    }

    @Test
    void loggingAnIoAllocatesNothing() throws Exception {
        try (FioLogWriter raw = FioLogWriter.open(dir.resolve("a_lat.1.log"), 0);
             FioLogWriter avg = FioLogWriter.open(dir.resolve("a_bw.1.log"), 10);
             IologWriter iolog = new IologWriter(dir.resolve("a.iolog"))) {
            Runnable burst = () -> {
                for (int i = 0; i < 20_000; i++) {
                    raw.add(i, 123_456 + i, i & 1, 4096, i * 4096L);
                    avg.addCount(i, i & 1, 4096, i * 4096L, 50_000);
                    iolog.io(i * 1000L, "/dev/x", IologAction.WRITE, i * 4096L, 4096);
                }
            };
            burst.run(); // warm up: JIT, file name cache
            long bytes = Allocations.of(burst);
            // Less than one 16-byte object per line: JIT and class loading may allocate a little on the side.
            assertTrue(bytes < 60_000 * 16, "allocated " + bytes + " bytes for 60000 log lines");
        }
    }
}
