package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.iolog.PlatBins;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** write_hist_log: fio 3.33's completion latency histogram log, one line per direction and log_hist_msec window. */
class HistogramLogTest {
    @TempDir
    Path dir;

    @Test
    void eachWindowCountsItsCompletionsInFiosBins() throws Exception {
        JobOptions o = job("h", RwMode.RANDRW, 100, 0);
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        List<String> lines = Files.readAllLines(Path.of(o.writeHistLog + "_clat_hist.1.log"));
        long[] lastTime = {-1, -1};
        long[] counted = new long[2];
        long[] bins = new long[PlatBins.COUNT];
        for (String line : lines) {
            String[] f = line.split(", ");
            assertEquals(3 + PlatBins.COUNT, f.length, line.substring(0, 40));
            long t = Long.parseLong(f[0]);
            int ddir = Integer.parseInt(f[1]);
            assertEquals(4096, Long.parseLong(f[2]));
            assertTrue(lastTime[ddir] < 0 || t - lastTime[ddir] >= 100, "windows of at least 100 ms: " + lastTime[ddir] + " then " + t);
            lastTime[ddir] = t;
            for (int i = 0; i < PlatBins.COUNT; i++) {
                long n = Long.parseLong(f[3 + i]);
                counted[ddir] += n;
                if (ddir == 0) {
                    bins[i] += n;
                }
            }
        }
        assertTrue(lastTime[0] >= 0 && lastTime[1] >= 0, "lines for reads and writes: " + lines.size());
        assertTrue(lines.size() >= 8, "about 5 windows in 600 ms per direction: " + lines.size());
        // Every completion is in a window but those of each direction's last, unfinished one.
        assertTrue(counted[0] > s.read.ios / 2 && counted[0] <= s.read.ios, counted[0] + " of " + s.read.ios);
        assertTrue(counted[1] > s.write.ios / 2 && counted[1] <= s.write.ios, counted[1] + " of " + s.write.ios);
        // The logged reads' median lies within the job's read latencies (the windows leave out the last one's; page-cache
        // reads done on the loop take ~100 ns, the others microseconds, so a median is no sharper check).
        long half = (counted[0] + 1) / 2;
        long seen = 0;
        long median = 0;
        for (int i = 0; i < PlatBins.COUNT && seen < half; i++) {
            seen += bins[i];
            median = PlatBins.value(i);
        }
        double low = s.read.clat().histogram().getValueAtPercentile(1);
        double high = s.read.clat().histogram().getValueAtPercentile(99);
        assertTrue(median >= low * 0.98 && median <= high * 1.02, "median " + median + " ns, the job's p1 " + low + " p99 " + high);
    }

    /** Completions the test times itself: which line, which column, which counts, as fio's add_clat_sample logs them. */
    @Test
    void linesCountWhatEachDirectionCompletedSinceItsLastLine() throws Exception {
        Path file = dir.resolve("synthetic_clat_hist.1.log");
        try (ClatHistogramLog log = new ClatHistogramLog(file, 100, 0)) {
            log.completed(0, 1_000, 5, 4096);       // opens the read window at 5 ms
            log.completed(0, 1_000, 50, 4096);
            log.completed(1, 50_000, 60, 8192);     // opens the write window at 60 ms
            log.completed(0, 2_000_000, 105, 4096); // 100 ms after 5: a read line at 105 with all three reads
            log.completed(0, 1_000, 150, 4096);
            log.completed(1, 50_000, 170, 8192);    // 110 ms after 60: a write line with both writes
            log.completed(0, 1_000, 204, 4096);     // 99 ms after 105: no line yet
            log.completed(0, 1_000, 205, 512);      // a line of the two since 105 (stamped with this one's size)
            log.completed(0, 1_000, 290, 4096);     // the unfinished window: never written
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines).replaceAll("(, 0)+", ", 0..."));
        long[][] expect = {{105, 0, 4096}, {170, 1, 8192}, {205, 0, 512}};
        int[][] counts = {{PlatBins.index(1_000), 2, PlatBins.index(2_000_000), 1}, {PlatBins.index(50_000), 2},
                {PlatBins.index(1_000), 3}};
        for (int l = 0; l < 3; l++) {
            String[] f = lines.get(l).split(", ");
            for (int k = 0; k < 3; k++) {
                assertEquals(expect[l][k], Long.parseLong(f[k]), "line " + l + " field " + k);
            }
            long total = 0;
            for (int i = 3; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long want = 0;
            for (int c = 0; c < counts[l].length; c += 2) {
                assertEquals(counts[l][c + 1], Long.parseLong(f[3 + counts[l][c]]), "line " + l + " bin " + counts[l][c]);
                want += counts[l][c + 1];
            }
            assertEquals(want, total, "line " + l + ": no other bin counts");
        }
    }

    @Test
    void coarsenessSumsAdjacentBinsAndNoWindowLeavesTheFileEmpty() throws Exception {
        JobOptions coarse = job("c", RwMode.RANDREAD, 100, 3);
        assertEquals(0, Jobs.run(coarse).error);
        List<String> lines = Files.readAllLines(Path.of(coarse.writeHistLog + "_clat_hist.1.log"));
        assertTrue(!lines.isEmpty());
        assertEquals(3 + PlatBins.COUNT / 8, lines.getFirst().split(", ").length);

        JobOptions none = job("n", RwMode.RANDREAD, 0, 0);
        assertEquals(0, Jobs.run(none).error);
        Path file = Path.of(none.writeHistLog + "_clat_hist.1.log");
        assertTrue(Files.exists(file) && Files.size(file) == 0, "fio creates the file and writes nothing");
    }

    private JobOptions job(String name, RwMode rw, int msec, int coarseness) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = rw;
        o.size = 4 << 20;
        o.timeBased = true;
        o.runtimeNanos = 600_000_000L;
        o.writeHistLog = dir.resolve(name).toString();
        o.logHistMsec = msec;
        o.logHistCoarseness = coarseness;
        return o;
    }
}
