package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aioemu run}: job files end to end, results read back with a JSON parser. */
class RunCommandTest {
    @TempDir
    Path dir;

    private static synchronized String[] aioemu(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new String[]{String.valueOf(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void jobFileRunsEveryJobInItsGroupAndJsonHasFiosFields() throws Exception {
        Path job = dir.resolve("two.fio");
        Files.writeString(job, """
                ; two groups: a writer, then (stonewall) a mixed job on the same file
                [global]
                filename=%s
                size=2m
                ioengine=psync
                bs=4k

                [writer]
                rw=write

                [mixed]
                stonewall
                rw=randrw
                rwmixread=75
                bs=8k
                iodepth=4
                """.formatted(dir.resolve("data.raw")));
        Path json = dir.resolve("out.json");
        String[] r = aioemu("run", job.toString(), "--output-format=json", "--output=" + json);
        assertEquals("0", r[0], r[2]);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(root.get("fio version").asText().startsWith("aioemu-"), root.toString());
        assertTrue(root.get("timestamp").asLong() > 1_700_000_000L);
        assertEquals("2m", root.get("global options").get("size").asText());
        JsonNode jobs = root.get("jobs");
        assertEquals(2, jobs.size());
        JsonNode writer = jobs.get(0);
        assertEquals("writer", writer.get("jobname").asText());
        assertEquals(0, writer.get("groupid").asInt());
        assertEquals(0, writer.get("error").asInt());
        assertEquals(512, writer.get("write").get("total_ios").asLong(), "2 MiB in 4 KiB writes");
        assertEquals(2L << 20, writer.get("write").get("io_bytes").asLong());
        assertEquals(0, writer.get("read").get("total_ios").asLong());
        assertTrue(writer.get("write").get("clat_ns").get("percentile").has("99.000000"), writer.toString());
        assertTrue(writer.get("write").get("iops").asDouble() > 0);
        JsonNode mixed = jobs.get(1);
        assertEquals(1, mixed.get("groupid").asInt(), "stonewall starts group 1");
        long reads = mixed.get("read").get("total_ios").asLong();
        long writes = mixed.get("write").get("total_ios").asLong();
        assertEquals(256, reads + writes, "2 MiB in 8 KiB requests");
        assertEquals(2L << 20, mixed.get("read").get("io_bytes").asLong() + mixed.get("write").get("io_bytes").asLong());
        assertTrue(reads > 150 && reads < 230, "about 75% reads: " + reads);
        for (String field : new String[]{"usr_cpu", "sys_cpu", "ctx", "iodepth_level", "latency_us", "latency_ms", "job options"}) {
            assertTrue(mixed.has(field), field + " in " + mixed);
        }
        assertTrue(mixed.get("iodepth_level").has(">=64"));
    }

    @Test
    void terseAndNormalFormatsAndBadJobFiles() throws Exception {
        Path job = dir.resolve("one.fio");
        Files.writeString(job, "[t]\nfilename=" + dir.resolve("t.raw") + "\nsize=256k\nrw=read\nbs=4k\n");
        String[] terse = aioemu("run", job.toString(), "--output-format=terse");
        assertEquals("0", terse[0], terse[2]);
        String line = terse[1].lines().filter(l -> l.startsWith("3;")).findFirst().orElseThrow();
        assertTrue(line.startsWith("3;aioemu-"), line);
        assertTrue(line.contains(";t;0;0;"), line);
        String[] normal = aioemu("run", job.toString());
        assertTrue(normal[1].contains("read: IOPS="), normal[1]);
        assertTrue(normal[1].contains("io=256KiB"), normal[1]);

        Path bad = dir.resolve("bad.fio");
        Files.writeString(bad, "[x]\nrw=read\nbsz=4k\n");
        String[] r = aioemu("run", bad.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(bad + ":3: unknown option 'bsz'; did you mean 'bs'?"), r[2]);
        assertFalse(r[2].contains("\tat "), r[2]);
        String[] engine = aioemu("run", job.toString().replace("one", "none"));
        assertEquals("1", engine[0]);
        assertTrue(engine[2].startsWith("aioemu: "), engine[2]);
        String[] format = aioemu("run", job.toString(), "--output-format=xml");
        assertEquals("1", format[0]);
        assertTrue(format[2].contains("xml"), format[2]);
    }

    @Test
    void logsAndResultsBecomeAnHtmlReport() throws Exception {
        Path job = dir.resolve("logged.fio");
        String prefix = dir.resolve("logged").toString();
        Files.writeString(job, """
                [logged]
                filename=%s
                size=8m
                rw=randread
                bs=4k
                iodepth=4
                time_based
                runtime=1
                log_avg_msec=100
                write_bw_log=%s
                write_iops_log=%s
                write_lat_log=%s
                """.formatted(dir.resolve("l.raw"), prefix, prefix, prefix));
        Path json = dir.resolve("logged.json");
        String[] r = aioemu("run", job.toString(), "--output-format=json", "--output=" + json);
        assertEquals("0", r[0], r[2]);
        Path bw = dir.resolve("logged_bw.1.log");
        Path iops = dir.resolve("logged_iops.1.log");
        assertTrue(Files.exists(bw) && Files.exists(iops), "fio-named logs: " + r[2]);
        assertTrue(Files.readAllLines(bw).size() >= 5, "about one bw line per 100 ms over 1 s");
        Path html = dir.resolve("report.html");
        String[] rep = aioemu("report", json.toString(), bw.toString(), iops.toString(), "-o", html.toString());
        assertEquals("0", rep[0], rep[2]);
        String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "inline SVG charts");
        assertTrue(page.contains("logged"), "the job is named");
        assertFalse(page.contains("http://") && page.contains("<script src"), "no network resources");
        String[] missing = aioemu("report", dir.resolve("nope.json").toString(), "-o", html.toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[2].startsWith("aioemu: "), missing[2]);
    }
}
