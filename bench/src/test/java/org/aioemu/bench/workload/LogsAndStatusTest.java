package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bw/iops/lat logs through LogSink, fio's log files, and the live status line. */
class LogsAndStatusTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    record Entry(LogKind kind, long time, long value, int ddir, long bs) {
    }

    @Test
    void logsReceiveWindowedBandwidthAndPerRequestLatency() {
        List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        List<Path> opened = Collections.synchronizedList(new ArrayList<>());
        LogSinkFactory capture = (file, kind) -> {
            opened.add(file);
            return new LogSink() {
                @Override
                public void entry(long timeMillis, long value, int ddir, long blockSize, long offset) {
                    entries.add(new Entry(kind, timeMillis, value, ddir, blockSize));
                }

                @Override
                public void close() {
                }
            };
        };
        JobOptions o = Jobs.job("lg", dir);
        o.rw = RwMode.RANDRW;
        o.size = 1 << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.timeBased = true;
        o.runtimeNanos = 450 * MS;
        o.rateIops[0] = 200;
        o.rateIops[1] = 200;
        o.logAvgMsec = 100;
        o.writeBwLog = dir.resolve("p").toString();
        o.writeIopsLog = dir.resolve("p").toString();
        o.writeLatLog = dir.resolve("p").toString();
        JobStats s = WorkloadRunner.run(List.of(o), RunSettings.defaults().withLogSinks(capture)).getFirst();
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(List.of("p_bw.1.log", "p_iops.1.log", "p_lat.1.log", "p_clat.1.log", "p_slat.1.log"),
                opened.stream().map(p -> p.getFileName().toString()).toList());
        List<Entry> bw = entries.stream().filter(e -> e.kind() == LogKind.BW && e.ddir() == 0).toList();
        assertTrue(bw.size() >= 4 && bw.size() <= 5, "a read bw entry per 100 ms window: " + bw);
        assertEquals(100, bw.getFirst().time(), 30);
        List<Entry> iops = entries.stream().filter(e -> e.kind() == LogKind.IOPS && e.ddir() == 1).toList();
        assertTrue(iops.stream().allMatch(e -> e.value() > 100 && e.value() < 300), "about 200 write IOPS: " + iops);
        assertTrue(entries.stream().anyMatch(e -> e.kind() == LogKind.CLAT && e.value() > 0));
        assertEquals(s.read.bwKiB.samples(), bw.size());

        o.logAvgMsec = 0;
        entries.clear();
        JobStats per = WorkloadRunner.run(List.of(o), RunSettings.defaults().withLogSinks(capture)).getFirst();
        long lat = entries.stream().filter(e -> e.kind() == LogKind.LAT).count();
        assertEquals(per.read.ios + per.write.ios, lat, "log_avg_msec=0: one latency entry per request");
    }

    @Test
    void builtInLogFilesUseFiosFormat() throws Exception {
        JobOptions o = Jobs.job("lf", dir);
        o.rw = RwMode.READ;
        o.size = 64 * 1024;
        o.writeLatLog = dir.resolve("q").toString();
        assertEquals(0, Jobs.run(o).error);
        List<String> lines = Files.readAllLines(dir.resolve("q_clat.1.log"));
        assertEquals(16, lines.size());
        assertTrue(Pattern.matches("\\d+, \\d+, 0, 4096, 0", lines.getFirst()), lines.getFirst());
    }

    @Test
    void statusLineLooksLikeFios() {
        Progress a = new Progress('P', 1);
        Progress b = new Progress('P', 2);
        Progress c = new Progress('P', 1);
        long now = System.nanoTime();
        a.started(now - 2_000_000_000L, now + 6_000_000_000L);
        a.state('r');
        b.started(now - 2_000_000_000L, 0);
        b.state('r');
        b.fraction(0.5);
        StatusLine line = new StatusLine(new Progress[] {a, b, c}, new boolean[][] {{true, false, false}, {true, false, false},
            {false, true, false}}, new int[] {0, 0, 1}, new long[] {8_000_000_000L, 0, 10_000_000_000L});
        String first = line.next(now);
        assertTrue(first.startsWith("Jobs: 2 (f=3): [r(2),P(1)]["), first);
        for (int i = 0; i < 100; i++) {
            a.add(0, 4096);
        }
        String second = line.next(now + 1_000_000_000L);
        assertTrue(Pattern.matches("Jobs: 2 \\(f=3\\): \\[r\\(2\\),P\\(1\\)\\]\\[\\d+\\.\\d%\\]\\[r=400KiB/s\\]\\[r=100 IOPS\\]\\[eta 00m:1[56]s\\]", second),
                second);
        a.state('_');
        b.state('_');
        c.started(now, now + 10_000_000_000L);
        c.state('W');
        String third = line.next(now + 2_000_000_000L);
        assertTrue(third.startsWith("Jobs: 1 (f=1): [_(2),W(1)]"), third);
        assertTrue(third.contains("[w="), third);
        assertEquals("01h:01m:01s", StatusLine.eta(3661_000_000_000L));
        assertEquals("00m:00s", StatusLine.eta(0));
    }

    @Test
    void theListenerHearsAboutOnceASecondWhileJobsRun() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        JobOptions o = Jobs.job("st", dir);
        o.rw = RwMode.RANDREAD;
        o.size = 1 << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.timeBased = true;
        o.runtimeNanos = 1300 * MS;
        o.rateIops[0] = 1000;
        WorkloadRunner.run(List.of(o), RunSettings.defaults().withPrintStatus(true).withStatusListener(lines::add));
        assertEquals(1, lines.size(), String.valueOf(lines));
        assertTrue(Pattern.matches("Jobs: 1 \\(f=0\\): \\[r\\(1\\)\\]\\[\\d+\\.\\d%\\]\\[r=\\d+(\\.\\d)?KiB/s\\]\\[r=\\d+ IOPS\\]\\[eta 00m:0\\ds\\]",
                lines.getFirst()), lines.getFirst());

        lines.clear();
        WorkloadRunner.run(List.of(o), RunSettings.defaults().withStatusListener(lines::add));
        assertFalse(!lines.isEmpty(), "quiet unless printStatus");
    }
}
