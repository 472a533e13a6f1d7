package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aioemu run}: job files end to end, results read back with a JSON parser. */
class RunCommandTest {
    @TempDir
    Path dir;

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
        Cli.Run r = Cli.aioemu("run", job.toString(), "--output-format=json", "--output=" + json);
        assertEquals(0, r.exit(), r.err());
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
        Cli.Run terse = Cli.aioemu("run", job.toString(), "--output-format=terse");
        assertEquals(0, terse.exit(), terse.err());
        String line = terse.out().lines().filter(l -> l.startsWith("3;")).findFirst().orElseThrow();
        assertTrue(line.startsWith("3;aioemu-"), line);
        assertTrue(line.contains(";t;0;0;"), line);
        Cli.Run normal = Cli.aioemu("run", job.toString());
        assertTrue(normal.out().contains("read: IOPS="), normal.out());
        assertTrue(normal.out().contains("io=256KiB"), normal.out());

        Path bad = dir.resolve("bad.fio");
        Files.writeString(bad, "[x]\nrw=read\nbsz=4k\n");
        Cli.Run r = Cli.aioemu("run", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(bad + ":3: unknown option 'bsz'; did you mean 'bs'?"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Cli.Run engine = Cli.aioemu("run", job.toString().replace("one", "none"));
        assertEquals(1, engine.exit());
        assertTrue(engine.err().startsWith("aioemu: "), engine.err());
        Path tuned = dir.resolve("tuned.fio");
        Files.writeString(tuned, "[t]\nfilename=" + dir.resolve("t.raw") + "\nsize=64k\nrw=read\ncpus_allowed=0\niodepth_batch_complete_max=2\nrandom_generator=lfsr\n");
        Cli.Run noticed = Cli.aioemu("run", tuned.toString());
        assertEquals(0, noticed.exit(), noticed.err());
        assertTrue(noticed.err().contains("cpus_allowed=0 is accepted but not applied"), "no silent difference: " + noticed.err());
        assertFalse(noticed.err().contains("iodepth_batch_complete_max") || noticed.err().contains("random_generator"),
                "options that are applied get no notice: " + noticed.err());
        Cli.Run format = Cli.aioemu("run", job.toString(), "--output-format=xml");
        assertEquals(1, format.exit());
        assertTrue(format.err().contains("xml"), format.err());
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
        Cli.Run r = Cli.aioemu("run", job.toString(), "--output-format=json", "--output=" + json);
        assertEquals(0, r.exit(), r.err());
        Path bw = dir.resolve("logged_bw.1.log");
        Path iops = dir.resolve("logged_iops.1.log");
        assertTrue(Files.exists(bw) && Files.exists(iops), "fio-named logs: " + r.err());
        assertTrue(Files.readAllLines(bw).size() >= 5, "about one bw line per 100 ms over 1 s");
        Path html = dir.resolve("report.html");
        Cli.Run rep = Cli.aioemu("report", json.toString(), bw.toString(), iops.toString(), "-o", html.toString());
        assertEquals(0, rep.exit(), rep.err());
        String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "inline SVG charts");
        assertTrue(page.contains("logged"), "the job is named");
        assertFalse(page.contains("http://") && page.contains("<script src"), "no network resources");
        Cli.Run missing = Cli.aioemu("report", dir.resolve("nope.json").toString(), "-o", html.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("aioemu: "), missing.err());
    }

    @Test
    void aTraceWrittenByFioReplaysWithTheSameOps() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(FioPeer.available(), "fio is not on the PATH");
        Path data = dir.resolve("traced.raw");
        Path trace = dir.resolve("fio.iolog");
        Process fio = new ProcessBuilder("fio", "--name=traced", "--filename=" + data, "--size=1m", "--rw=randrw",
                "--rwmixread=60", "--bs=4k", "--ioengine=psync", "--write_iolog=" + trace, "--output-format=json")
                .redirectErrorStream(true).start();
        String fioOut = new String(fio.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, fio.waitFor(), fioOut);
        JsonNode fioJob = new ObjectMapper().readTree(fioOut.substring(fioOut.indexOf('{'))).get("jobs").get(0);
        Path job = dir.resolve("replay.fio");
        Files.writeString(job, "[replay]\nread_iolog=" + trace + "\nreplay_no_stall=1\n");
        Path json = dir.resolve("replay.json");
        Cli.Run r = Cli.aioemu("run", job.toString(), "--output-format=json", "--output=" + json);
        assertEquals(0, r.exit(), r.err());
        JsonNode ours = new ObjectMapper().readTree(json.toFile()).get("jobs").get(0);
        for (String dir : new String[]{"read", "write"}) {
            assertEquals(fioJob.get(dir).get("total_ios").asLong(), ours.get(dir).get("total_ios").asLong(), dir + " ops");
            assertEquals(fioJob.get(dir).get("io_bytes").asLong(), ours.get(dir).get("io_bytes").asLong(), dir + " bytes");
        }
        assertTrue(ours.get("read").get("total_ios").asLong() > 0 && ours.get("write").get("total_ios").asLong() > 0);
    }
}
