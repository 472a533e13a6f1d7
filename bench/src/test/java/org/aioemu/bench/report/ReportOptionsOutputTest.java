package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/**
 * percentile_list, clat/lat/slat_percentiles, significant_figures and kb_base change the report as they change
 * fio's (the bandwidth lines are fio 3.33's for the same figures; the percentile blocks follow its layout).
 */
class ReportOptionsOutputTest {
    @Test
    void aPercentileListIsSortedAndPrintedWithItsOwnPrecision() {
        JobStats j = Synthetic.reader("r", 0);
        j.options.percentileList = new double[] {99.999, 50, 90.5};
        j.options.percentilePrecision = 3;
        List<String> lines = NormalDirection.percentileLines("clat", Percentiles.of(j.options),
                LatStats.of(j.read.clat()).percentiles(Percentiles.of(j.options).list()));
        assertEquals(List.of("    clat percentiles (nsec):",
                "     | 50.000th=[ 1000], 90.500th=[ 1900], 99.999th=[ 1900]"), lines);
    }

    @Test
    void onlyTheLatenciesAskedForCarryPercentilesInEveryFormat() throws Exception {
        JobStats j = Synthetic.reader("r", 0, o -> o.latPercentiles = true); // the total latency's histogram is kept
        j.options.clatPercentiles = false;
        j.options.percentileList = new double[] {50, 99};
        String normal = render("normal", j);
        assertTrue(normal.contains("    lat percentiles (nsec):\n     | 50.00th=["), normal);
        assertFalse(normal.contains("clat percentiles"), normal);

        JsonNode read = FioJson.MAPPER.readTree(render("json", j)).get("jobs").get(0).get("read");
        assertFalse(read.get("clat_ns").has("percentile"));
        assertEquals(List.of("50.000000", "99.000000"), names(read.get("lat_ns").get("percentile")));

        // terse: the total latency's percentiles (lat_percentiles wins), the rest of the 20 fields "0%=0"
        String terse = render("terse", j);
        assertTrue(terse.contains(";50.000000%=") && terse.contains(";99.000000%=") && terse.contains(";0%=0;"), terse);

        j.options.latPercentiles = false;
        String none = render("normal", j);
        assertFalse(none.contains("percentiles"), none);
    }

    @Test
    void significantFiguresAndKbBaseShapeTheBandwidthLine() {
        // fio 3.33: 4 MiB read in 2 ms, 512k IOPS
        long bytes = 4 << 20;
        assertEquals("  read: IOPS=512k, BW=2000MiB/s (2097MB/s)(4096KiB/2msec)",
                NormalDirection.ioLine(0, 1024, bytes, 2, 4, 1024));
        assertEquals("  read: IOPS=512000, BW=2000.0MiB/s (2097.2MB/s)(4096.0KiB/2msec)",
                NormalDirection.ioLine(0, 1024, bytes, 2, 6, 1024));
        assertEquals("  read: IOPS=512k, BW=2097MB/s (2000MiB/s)(4194kB/2msec)",
                NormalDirection.ioLine(0, 1024, bytes, 2, 4, 1000));
    }

    @Test
    void unifiedRwReportingFoldsTheDirectionsIntoMixedWhereFioDoes() throws Exception {
        JobStats j = Synthetic.mixed("m", 0);
        long ios = j.read.ios + j.write.ios;
        long bytes = j.read.bytes + j.write.bytes;

        j.options.unifiedRwReporting = 1;
        JsonNode job = FioJson.MAPPER.readTree(render("json", j)).get("jobs").get(0);
        List<String> keys = names(job);
        assertEquals(keys.indexOf("job options") + 1, keys.indexOf("mixed"), "mixed takes read's place: " + keys);
        assertFalse(keys.contains("read") || keys.contains("write") || keys.contains("sync"), keys.toString());
        assertEquals(ios, job.get("mixed").get("total_ios").asLong());
        assertEquals(bytes, job.get("mixed").get("io_bytes").asLong());
        assertEquals(ios, job.get("mixed").get("clat_ns").get("N").asLong(), "latencies pooled");
        String normal = render("normal", j);
        assertTrue(normal.contains("  mixed: IOPS=") && normal.contains("  MIXED: bw="), normal);
        assertFalse(normal.contains("  read: IOPS=") || normal.contains("   READ: bw="), normal);

        j.options.unifiedRwReporting = 2;
        keys = names(FioJson.MAPPER.readTree(render("json", j)).get("jobs").get(0));
        assertEquals(List.of("read", "write", "trim", "sync", "mixed"),
                keys.subList(keys.indexOf("read"), keys.indexOf("mixed") + 1), "both: fio's order");
        String both = render("normal", j);
        assertTrue(both.contains("  read: IOPS=") && both.contains("  mixed: IOPS=") && both.contains("  MIXED: bw="), both);
    }

    private static String render(String format, JobStats j) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write(format, List.of(j), Synthetic.context(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
