package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JsonReportTest {
    private static String json(String format, List<JobStats> jobs, ReportContext ctx) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write(format, jobs, ctx, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String text) throws Exception {
        return FioJson.MAPPER.readTree(text);
    }

    @Test
    void sameKeysAsFioAtEveryLevel() throws Exception {
        JsonNode fio = parse(Fixtures.read("fio-3.33-randrw-psync.json"));
        JsonNode ours = parse(json("json", List.of(Synthetic.mixed("m", 0)), Synthetic.context()));
        assertEquals(keys(fio), keys(ours));
        assertEquals(keys(fio.get("jobs").get(0)), keys(ours.get("jobs").get(0)));
    }

    @Test
    void jsonPlusHasFiosKeysAndBins() throws Exception {
        JsonNode fio = parse(Fixtures.read("fio-3.33-randrw-libaio.json+"));
        JsonNode ours = parse(json("json+", List.of(Synthetic.mixed("m", 0)), Synthetic.context()));
        assertEquals(keys(fio.get("jobs").get(0)), keys(ours.get("jobs").get(0)));
        JsonNode bins = ours.get("jobs").get(0).get("read").get("clat_ns").get("bins");
        assertEquals(Map.of("1000", 500L, "1500", 400L, "1900", 100L),
                FioJson.MAPPER.convertValue(bins, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {
                }));
    }

    @Test
    void syncLatencyHasPercentilesAndBinsLikeFio() throws Exception {
        JsonNode fio = parse(Fixtures.read("fio-3.33-fsync.json+")).get("jobs").get(0).get("sync");
        JobStats j = Synthetic.mixed("s", 0);
        j.sync.record(0, 100, 1500, false);
        JsonNode ours = parse(json("json+", List.of(j), Synthetic.context())).get("jobs").get(0).get("sync");
        assertEquals(keys(fio), keys(ours));
    }

    @Test
    void globalOptionsAppearOnceAndNotInJobOptions() throws Exception {
        JsonNode fio = parse(Fixtures.read("fio-3.33-groups.json"));
        ReportContext ctx = new ReportContext("aioemu-0.1.0", Map.of("bs", "4k", "size", "16m"), Synthetic.NOW, 1,
                ZoneOffset.UTC);
        JsonNode ours = parse(json("json", List.of(Synthetic.reader("r", 0)), ctx));
        assertEquals(keys(fio), keys(ours));
        assertEquals("4k", ours.get("global options").get("bs").asText());
        JsonNode options = ours.get("jobs").get(0).get("job options");
        assertFalse(options.has("bs"), "inherited unchanged from [global]");
        assertFalse(options.has("time_based"), "fio leaves value-less flags out");
        assertEquals("randread", options.get("rw").asText());
    }

    @Test
    void numbersAreRight() throws Exception {
        String text = json("json", List.of(Synthetic.mixed("m", 0)), Synthetic.context());
        JsonNode root = parse(text);
        assertEquals("aioemu-0.1.0", root.get("fio version").asText());
        assertEquals(Synthetic.NOW / 1000, root.get("timestamp").asLong());
        assertEquals(Synthetic.NOW, root.get("timestamp_ms").asLong());
        assertEquals("Mon Nov 23 21:37:12 2026", root.get("time").asText());
        assertTrue(root.get("disk_util").isArray());

        JsonNode job = root.get("jobs").get(0);
        assertEquals("m", job.get("jobname").asText());
        assertEquals(1, job.get("elapsed").asLong());
        JsonNode read = job.get("read");
        assertEquals(4_096_000, read.get("io_bytes").asLong());
        assertEquals(4000, read.get("io_kbytes").asLong());
        assertEquals(4_096_000, read.get("bw_bytes").asLong());
        assertEquals(4000, read.get("bw").asLong());
        assertEquals(1000.0, read.get("iops").asDouble());
        assertEquals(1000, read.get("runtime").asLong());
        assertEquals(1000, read.get("total_ios").asLong());
        JsonNode clat = read.get("clat_ns");
        assertEquals(1000, clat.get("min").asLong());
        assertEquals(1900, clat.get("max").asLong());
        assertEquals(1290.0, clat.get("mean").asDouble());
        assertEquals(311.44, clat.get("stddev").asDouble(), 0.005);
        assertEquals(1000, clat.get("N").asLong());
        assertEquals(1000, clat.get("percentile").get("50.000000").asLong());
        assertEquals(1500, clat.get("percentile").get("90.000000").asLong());
        assertEquals(1900, clat.get("percentile").get("99.990000").asLong());
        assertFalse(read.get("slat_ns").has("percentile"), "fio gives percentiles for clat only");
        assertEquals(100.0, read.get("bw_agg").asDouble());
        assertEquals(3900, read.get("bw_min").asLong());
        assertEquals(100.0, read.get("bw_dev").asDouble(), 1e-9);
        assertEquals(25.0, read.get("iops_stddev").asDouble(), 1e-9);
        assertEquals(3, read.get("iops_samples").asLong());
        assertFalse(job.get("trim").get("clat_ns").has("percentile"), "no percentiles without samples");

        assertEquals(100.0, job.get("iodepth_level").get("16").asDouble());
        assertEquals(50.0, job.get("latency_us").get("2").asDouble());
        assertEquals(4.95, job.get("latency_us").get("500").asDouble());
        assertEquals(0.05, job.get("latency_ms").get("10").asDouble());
        assertEquals(1.5, job.get("usr_cpu").asDouble());
        assertEquals(16, job.get("latency_depth").asLong());
        // fio's layout: "key" : value, floats with six decimals.
        assertTrue(text.contains("\"iops\" : 1000.000000,"), text);
        assertTrue(text.contains("\"fio version\" : \"aioemu-0.1.0\""), text);
    }

    @Test
    void rareBucketsShowAsTheSmallestPercent() throws Exception {
        JobStats j = Synthetic.reader("r", 0);
        j.read.recordClat(1000, 199_000);
        Synthetic.fill(j.read, 1, 5_000_000_000L);
        JsonNode job = parse(json("json", List.of(j), Synthetic.context())).get("jobs").get(0);
        // 1 of 200001 I/Os took over 2 s: 0.0005%, which fio lifts to 0.01% so it is not lost in rounding.
        assertEquals(0.01, job.get("latency_ms").get(">=2000").asDouble());
        assertEquals(0.0, job.get("latency_ms").get("2000").asDouble());
    }

    /** Every key path in a tree, not descending into maps whose keys are data (options, bins). */
    static TreeSet<String> keys(JsonNode node) {
        TreeSet<String> out = new TreeSet<>();
        collect(node, "", out);
        return out;
    }

    private static void collect(JsonNode node, String path, TreeSet<String> out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String p = path + "/" + name;
                out.add(p);
                if (!List.of("job options", "global options", "bins", "jobs").contains(name)) {
                    collect(node.get(name), p, out);
                }
            }
        }
    }
}
