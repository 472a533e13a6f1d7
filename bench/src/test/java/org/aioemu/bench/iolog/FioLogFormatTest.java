package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our log lines against the ones fio 3.33 writes for the same options. */
class FioLogFormatTest {
    private static final Pattern RAW = Pattern.compile("\\d+, \\d+, [012], \\d+, 0");
    private static final Pattern RAW_OFFSET = Pattern.compile("\\d+, \\d+, [012], \\d+, \\d+, 0");
    private static final Pattern WINDOWED = Pattern.compile("\\d+, \\d+, [012], 0, 0");

    @TempDir
    Path dir;

    @BeforeEach
    void needFio() {
        Fio.assumeInstalled();
    }

    private void assertAllMatch(Pattern p, List<String> lines, String what) {
        assertFalse(lines.isEmpty(), what + " is empty");
        for (String l : lines) {
            assertTrue(p.matcher(l).matches(), what + ": '" + l + "' is not " + p);
        }
    }

    /** Every raw line fio wrote, parsed and written again through {@link FioLogWriter#sample}, is the same bytes. */
    @Test
    void rawLogsRoundTripByteForByte() throws Exception {
        for (boolean logOffset : new boolean[] {false, true}) {
            String prefix = dir.resolve(logOffset ? "o" : "p").toString();
            Fio.runJson(dir, "--name=j", "--rw=randrw", "--bs=4k", "--size=1m", "--io_size=64k",
                    "--filename=" + dir.resolve("data"), "--write_lat_log=" + prefix, "--write_bw_log=" + prefix,
                    "--write_iops_log=" + prefix, "--log_offset=" + (logOffset ? 1 : 0));
            for (String kind : List.of("lat", "clat", "bw", "iops")) {
                Path theirs = FioLogWriter.path(prefix, kind, 1);
                List<String> lines = Files.readAllLines(theirs);
                assertAllMatch(logOffset ? RAW_OFFSET : RAW, lines, theirs.toString());
                Path ours = dir.resolve("ours_" + kind + ".1.log");
                try (FioLogWriter w = FioLogWriter.open(ours, FioLogWriter.kindOf(theirs), 0, logOffset)) {
                    for (String l : lines) {
                        long[] c = Arrays.stream(l.split(", ")).mapToLong(Long::parseLong).toArray();
                        w.sample(c[0], c[1], (int) c[2], (int) c[3], logOffset ? c[4] : 0);
                    }
                }
                assertEquals(Files.readString(theirs), Files.readString(ours), kind);
            }
        }
    }

    /** fio's windowed lines and ours have the same shape, and the same rates for the same load. */
    @Test
    void windowedLogsMatchFiosColumnsAndUnits() throws Exception {
        String prefix = dir.resolve("p").toString();
        Fio.runJson(dir, "--name=j", "--rw=randrw", "--bs=4k", "--size=1m", "--time_based", "--runtime=1",
                "--rate_iops=500", "--filename=" + dir.resolve("data"), "--write_bw_log=" + prefix,
                "--write_iops_log=" + prefix, "--write_lat_log=" + prefix, "--log_avg_msec=100");
        List<String> fioBw = Files.readAllLines(FioLogWriter.path(prefix, "bw", 1));
        List<String> fioIops = Files.readAllLines(FioLogWriter.path(prefix, "iops", 1));
        List<String> fioLat = Files.readAllLines(FioLogWriter.path(prefix, "lat", 1));
        assertAllMatch(WINDOWED, fioBw, "fio bw");
        assertAllMatch(WINDOWED, fioIops, "fio iops");
        assertAllMatch(WINDOWED, fioLat, "fio lat");

        // The same load through our writers: 500 reads/s and 500 writes/s of 4 KiB for one second.
        Path bw = FioLogWriter.path(dir.resolve("q").toString(), "bw", 1);
        Path iops = FioLogWriter.path(dir.resolve("q").toString(), "iops", 1);
        Path lat = FioLogWriter.path(dir.resolve("q").toString(), "lat", 1);
        try (FioLogWriter b = FioLogWriter.open(bw, 100); FioLogWriter i = FioLogWriter.open(iops, 100);
             FioLogWriter l = FioLogWriter.open(lat, 100)) {
            for (long ms = 0; ms < 1000; ms += 2) {
                for (int ddir = 0; ddir < 2; ddir++) {
                    b.addCount(ms, ddir, 4096, 0, 20_000);
                    i.addCount(ms, ddir, 4096, 0, 20_000);
                    l.add(ms, 20_000, ddir, 4096, 0);
                }
            }
        }
        assertAllMatch(WINDOWED, Files.readAllLines(bw), "our bw");
        assertAllMatch(WINDOWED, Files.readAllLines(iops), "our iops");
        assertAllMatch(WINDOWED, Files.readAllLines(lat), "our lat");
        assertEquals(median(fioBw), median(Files.readAllLines(bw)), 2000 * 0.02, "KiB/s for 500 x 4 KiB/s");
        assertEquals(median(fioIops), median(Files.readAllLines(iops)), 500 * 0.02, "IOPS");
        assertEquals(2000, median(Files.readAllLines(bw)));
        assertEquals(500, median(Files.readAllLines(iops)));
    }

    private static long median(List<String> lines) {
        long[] v = lines.stream().mapToLong(l -> Long.parseLong(l.split(", ")[1])).sorted().toArray();
        return v[v.length / 2];
    }
}
