package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Formats the numbers of a real fio 3.33 run (its JSON, printed in the same run as its normal output)
 * with our line builders and checks that fio printed exactly those lines, block by block.
 */
class FioGoldenTest {
    private static final String[] DIRS = {"read", "write", "trim"};

    @ParameterizedTest
    @ValueSource(strings = {"fio-3.33-normal-and-json.txt", "fio-3.33-psync-normal-and-json.txt",
            "fio-3.33-wide-nsec-percentiles.txt", "fio-3.33-bimodal-nsec-percentiles.txt",
            "fio-3.33-msec-percentiles.txt", "fio-3.33-usec-small-min.txt"})
    void ourLinesAreFiosLines(String fixture) throws Exception {
        String text = Fixtures.read(fixture);
        int start = text.indexOf("\n{") + 1;
        int end = text.indexOf("\n}", start) + 2;
        JsonNode root = FioJson.MAPPER.readTree(text.substring(start, end));
        List<String> normal = Arrays.asList(text.substring(end).split("\n"));
        List<List<String>> blocks = blocks(normal);
        JsonNode jobs = root.get("jobs");
        assertEquals(jobs.size(), blocks.size());

        for (int i = 0; i < jobs.size(); i++) {
            JsonNode job = jobs.get(i);
            List<String> ours = new ArrayList<>();
            for (int ddir = 0; ddir < 3; ddir++) {
                JsonNode d = job.get(DIRS[ddir]);
                if (d.get("total_ios").asLong() == 0) {
                    continue;
                }
                ours.add(NormalDirection.ioLine(ddir, d.get("total_ios").asLong(), d.get("io_bytes").asLong(),
                        d.get("runtime").asLong()));
                for (String lat : new String[]{"slat", "clat", " lat"}) {
                    LatStats s = stats(d.get(lat.trim() + "_ns"));
                    if (s.count() > 0) {
                        ours.add(NormalDirection.latencyLine(lat, s));
                    }
                }
                ours.addAll(NormalDirection.percentileLines("clat", percentiles(d.get("clat_ns").get("percentile"))));
                if (d.get("bw_samples").asLong() == 0) {
                    continue; // fio, like NormalDirection, prints no sample lines without samples
                }
                ours.add(NormalDirection.bwLine(d.get("bw_min").asDouble(), d.get("bw_max").asDouble(),
                        d.get("bw_agg").asDouble(), d.get("bw_mean").asDouble(), d.get("bw_dev").asDouble(),
                        d.get("bw_samples").asLong()));
                ours.add(NormalDirection.iopsLine(d.get("iops_min").asDouble(), d.get("iops_max").asDouble(),
                        d.get("iops_mean").asDouble(), d.get("iops_stddev").asDouble(), d.get("iops_samples").asLong()));
            }
            ours.addAll(NormalReport.latencyDistributionLines(table(job.get("latency_ns")), table(job.get("latency_us")),
                    table(job.get("latency_ms"))));
            ours.add(NormalReport.cpuLine(job.get("usr_cpu").asDouble(), job.get("sys_cpu").asDouble(),
                    job.get("ctx").asLong(), job.get("majf").asLong(), job.get("minf").asLong()));
            ours.add(NormalReport.distLine("  IO depths    : ", Distributions.DEPTH_LABELS, table(job.get("iodepth_level"))));
            ours.add(NormalReport.distLine("     submit    : ", Distributions.BATCH_LABELS, table(job.get("iodepth_submit"))));
            ours.add(NormalReport.distLine("     complete  : ", Distributions.BATCH_LABELS, table(job.get("iodepth_complete"))));

            List<String> theirs = blocks.get(i);
            // Every line we built is in fio's block, and in the same order.
            int at = -1;
            for (String line : ours) {
                int found = theirs.subList(at + 1, theirs.size()).indexOf(line);
                assertTrue(found >= 0, () -> "fio's block " + theirs + "\nhas no line\n" + line);
                at += found + 1;
            }
        }

        for (int ddir = 0; ddir < 3; ddir++) {
            Groups.DirectionStatus s = status(jobs, DIRS[ddir]);
            if (s.present()) {
                String line = NormalReport.statusLine(new String[]{"READ", "WRITE", "TRIM"}[ddir], s);
                assertTrue(normal.contains(line), () -> "fio's output has no line\n" + line);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fio-3.33-normal-and-json.txt", "fio-3.33-psync-normal-and-json.txt"})
    void headerLineMatches(String fixture) {
        String first = Fixtures.read(fixture).lines().findFirst().orElseThrow();
        JobOptions o = new JobOptions();
        o.name = first.substring(0, first.indexOf(':'));
        o.rw = JobOptions.RwMode.RANDRW;
        o.ioengine = first.contains("libaio") ? "libaio" : "psync";
        o.iodepth = first.contains("iodepth=8") ? 8 : 1;
        assertEquals(first, NormalHeader.describe(o, 0));
    }

    /** The job blocks: from each "name: (groupid=" line to the next one or the run status. */
    private static List<List<String>> blocks(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        for (String line : lines) {
            if (line.contains(": (groupid=")) {
                blocks.add(new ArrayList<>());
            } else if (line.startsWith("Run status group")) {
                break;
            }
            if (!blocks.isEmpty()) {
                blocks.getLast().add(line);
            }
        }
        return blocks;
    }

    private static LatStats stats(JsonNode n) {
        return new LatStats(n.get("N").asLong(), n.get("min").asLong(), n.get("max").asLong(), n.get("mean").asDouble(),
                n.get("stddev").asDouble(), null);
    }

    private static long[] percentiles(JsonNode n) {
        List<Long> values = new ArrayList<>();
        n.properties().forEach(e -> values.add(e.getValue().asLong()));
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static double[] table(JsonNode n) {
        List<Double> values = new ArrayList<>();
        n.properties().forEach(e -> values.add(e.getValue().asDouble()));
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The run-status figures computed from fio's own per-job numbers, as Groups computes them from ours. */
    private static Groups.DirectionStatus status(JsonNode jobs, String dir) {
        long bytes = 0;
        long minBw = Long.MAX_VALUE;
        long maxBw = 0;
        long minRun = Long.MAX_VALUE;
        long maxRun = 0;
        for (JsonNode job : jobs) {
            JsonNode d = job.get(dir);
            long run = d.get("runtime").asLong();
            if (run == 0) {
                continue;
            }
            bytes += d.get("io_bytes").asLong();
            long bw = d.get("io_bytes").asLong() * 1000 / run;
            minBw = Math.min(minBw, bw);
            maxBw = Math.max(maxBw, bw);
            minRun = Math.min(minRun, run);
            maxRun = Math.max(maxRun, run);
        }
        return maxRun == 0 ? Groups.DirectionStatus.NONE
                : new Groups.DirectionStatus(bytes * 1000 / maxRun, minBw, maxBw, bytes, minRun, maxRun);
    }
}
