package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.iolog.IologEntry;
import org.aioemu.bench.iolog.IologReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT, SIGTERM and SIGHUP during {@code bench} and {@code run}, sent to the real command line in a child JVM: the
 * jobs drain, the results so far are printed and written (as fio prints them after "terminating on signal N"), logs
 * end in whole lines, the temporary image is removed, and the exit status is 128 + the signal's number. A second
 * SIGINT, or requests that never complete, end the process without waiting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterruptsTest {
    @TempDir
    Path dir;

    private Path tmp() throws Exception {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    /**
     * Waits until the live status line (--eta=always) shows the job issuing {@code state} (r, w: random reads or
     * writes) — its files are laid out and the handlers in place by then — and lets it run a second more, so that it
     * has done some I/O when the signal comes.
     */
    private static void awaitRunning(ChildAioemu c, char state) throws Exception {
        c.awaitText(c.out, "[" + state + "(1)]");
        Thread.sleep(1000);
    }

    private static void assertWholeLines(Path log) throws Exception {
        byte[] b = Files.readAllBytes(log);
        assertTrue(b.length > 0, log + " is empty");
        assertEquals('\n', b[b.length - 1], log + " ends mid-line");
    }

    @Test
    void sigintDuringBenchPrintsTheResultsClosesTheLogRemovesTheImageAndExits130() throws Exception {
        Path tmp = tmp();
        try (ChildAioemu c = ChildAioemu.start(dir, tmp, "bench", "--size=16m", "--runtime=60", "--time_based",
                "--write_bw_log=" + dir.resolve("b"), "--log_avg_msec=100", "--eta=always")) {
            awaitRunning(c, 'r');
            c.signal("INT");
            assertEquals(130, c.awaitExit(30), c.output());
            String out = ChildAioemu.read(c.out);
            assertTrue(out.contains("aioemu: terminating on signal 2"), c.output());
            // the normal report, after the message, with the I/O done so far
            assertTrue(out.indexOf("read: IOPS=") > out.indexOf("terminating"), c.output());
            assertTrue(out.contains("Run status group 0"), c.output());
            assertTrue(out.matches("(?s).*io=[1-9].*"), c.output());
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the temporary image is removed");
            }
            assertWholeLines(dir.resolve("b_bw.1.log"));
        }
    }

    @Test
    void sigtermDuringBenchWritesParseableJsonToOutputAndExits143() throws Exception {
        Path json = dir.resolve("r.json");
        try (ChildAioemu c = ChildAioemu.start(dir, tmp(), "bench", "--size=16m", "--runtime=60", "--time_based",
                "--output-format=json", "--output=" + json, "--eta=always")) {
            awaitRunning(c, 'r');
            c.signal("TERM");
            assertEquals(143, c.awaitExit(30), c.output());
            JsonNode job = new ObjectMapper().readTree(json.toFile()).get("jobs").get(0);
            assertTrue(job.get("read").get("io_bytes").asLong() > 0, job.toString());
            assertEquals(0, job.get("error").asInt(), job.toString());
            // the message goes to stderr, keeping the JSON parseable (fio writes it into the JSON file)
            assertTrue(ChildAioemu.read(c.err).contains("terminating on signal 15"), c.output());
        }
    }

    @Test
    void sighupDuringRunClosesTheIologWithWholeLinesThatReplayAndExits129() throws Exception {
        Path data = dir.resolve("data.raw");
        Path trace = dir.resolve("w.iolog");
        Path job = dir.resolve("w.fio");
        Files.writeString(job, "[w]\nfilename=" + data + "\nsize=16m\nrw=randwrite\nbs=4k\niodepth=8\nruntime=60\n"
                + "time_based\nwrite_iolog=" + trace + "\n");
        try (ChildAioemu c = ChildAioemu.start(dir, null, "run", "--eta=always", job.toString())) {
            awaitRunning(c, 'w');
            c.signal("HUP");
            assertEquals(129, c.awaitExit(30), c.output());
            assertTrue(ChildAioemu.read(c.out).contains("write: IOPS="), c.output());
        }
        assertWholeLines(trace);
        List<String> warnings = new ArrayList<>();
        List<IologEntry> entries = IologReader.read(trace, warnings::add);
        assertTrue(entries.size() > 3, "the writes before the signal are in the trace: " + entries.size());
        assertEquals(List.of(), warnings);
        // and aioemu replays it
        Path replay = dir.resolve("r.fio");
        Files.writeString(replay, "[r]\nread_iolog=" + trace + "\n");
        Cli.Run r = Cli.aioemu("run", replay.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
    }

    @Test
    void aSignalDuringTheLayoutRemovesThePartlyLaidOutFile() throws Exception {
        Path data = dir.resolve("big.raw");
        Path job = dir.resolve("big.fio");
        // Far more than the layout writes before the signal; the file is created sparse and filled in order.
        Files.writeString(job, "[big]\nfilename=" + data + "\nsize=16g\nrw=read\n");
        try (ChildAioemu c = ChildAioemu.start(dir, null, "run", job.toString())) {
            c.awaitText(c.err, "Laying out IO file");
            Thread.sleep(300);
            c.signal("TERM");
            assertEquals(143, c.awaitExit(30), c.output());
            assertTrue(ChildAioemu.read(c.out).contains("Run status group 0"), c.output());
            assertTrue(ChildAioemu.read(c.err).contains("interrupted by a signal"), c.output());
        }
        assertTrue(!Files.exists(data), "a partly laid out file would pass for laid out next time");
    }

    /** nbdkit serving a memory disk whose reads take a minute: jobs on it cannot drain in time. */
    private Process stalledExport(Path socket) throws Exception {
        assumeTrue(Tools.installed("nbdkit"), "nbdkit is not installed");
        Process p = new ProcessBuilder("nbdkit", "-f", "-U", socket.toString(), "--filter=delay", "memory", "16M",
                "rdelay=60").redirectErrorStream(true).redirectOutput(dir.resolve("nbdkit.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            assertTrue(p.isAlive() && System.nanoTime() - deadline < 0, "nbdkit did not start: "
                    + ChildAioemu.read(dir.resolve("nbdkit.log")));
            Thread.sleep(20);
        }
        return p;
    }

    /** Starts a read job on the stalled export and waits until its requests are out (and the handlers in place). */
    private ChildAioemu stalledBench(Path socket) throws Exception {
        ChildAioemu c = ChildAioemu.start(dir, null, "bench", "--filename=nbd+unix:///?socket=" + socket,
                "--rw=randread", "--iodepth=4", "--runtime=60", "--time_based", "--eta=always");
        awaitRunning(c, 'r');
        return c;
    }

    @Test
    void aSecondSigintDuringTheDrainExitsAtOnce() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        Process nbdkit = stalledExport(socket);
        try (ChildAioemu c = stalledBench(socket)) {
            c.signal("INT");
            Thread.sleep(500);
            assertTrue(c.process.isAlive(), "still draining: " + c.output());
            c.signal("INT");
            long t0 = System.nanoTime();
            assertEquals(130, c.awaitExit(30), c.output());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // before the drain's own bound (5 s after the first signal) would have ended it
            assertTrue(waited < (Interrupts.DRAIN_SECONDS - 1) * 1000, "exited " + waited + " ms after the second SIGINT");
            assertTrue(ChildAioemu.read(c.out).contains("signal 2 during the drain"), c.output());
        } finally {
            nbdkit.destroy();
        }
    }

    @Test
    void aDrainThatCannotFinishEndsTheJobsAfterTheBoundAndStillReports() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        Process nbdkit = stalledExport(socket);
        try (ChildAioemu c = stalledBench(socket)) {
            c.signal("INT");
            long t0 = System.nanoTime();
            assertEquals(130, c.awaitExit(60), c.output());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= (Interrupts.DRAIN_SECONDS - 1) * 1000, "gave up after " + waited + " ms");
            String out = ChildAioemu.read(c.out);
            assertTrue(out.contains("\naioemu: the jobs did not drain within"), c.output()); // not after the status line
            // fio's forceful exit of a stuck job: the results are reported all the same, the stuck requests named
            assertTrue(ChildAioemu.read(c.err).contains("job 'bench' ended with 4 requests still in flight, not counted"),
                    c.output());
            assertTrue(out.contains("(groupid=0, jobs=1): err= 0"), c.output());
            assertTrue(out.contains("Run status group 0 (all jobs):"), c.output());
            assertTrue(!out.contains("exiting without results"), c.output());
        } finally {
            nbdkit.destroy();
        }
    }
}
