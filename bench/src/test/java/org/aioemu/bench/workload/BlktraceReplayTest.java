package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.aioemu.bench.iolog.BlktraceReader;
import org.aioemu.bench.iolog.BlktraceWriter;
import org.aioemu.bench.iolog.IologAction;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** read_iolog of blktrace binaries and write_blktrace, against aioemu's own records and fio 3.33's replay. */
class BlktraceReplayTest {
    /** A device number no machine has a node for (major 4095 is the last, and unassigned). */
    private static final int NOWHERE = (4095 << 20) | 77;

    @TempDir
    Path dir;

    @Test
    void aRunRecordedWithWriteBlktraceReplaysAsTheSameRequests() throws Exception {
        JobOptions w = Jobs.job("w", dir);
        w.rw = RwMode.RANDRW;
        w.size = 1 << 20;
        w.iodepth = 4;
        w.fsync = 8;
        Path trace = dir.resolve("w.blktrace");
        w.writeBlktrace = trace.toString();
        JobStats original = Jobs.run(w);
        assertEquals(0, original.error, original.errorMessage);

        BlktraceReader.Trace t = BlktraceReader.read(trace, x -> { });
        assertEquals(original.read.ios + original.write.ios + original.sync.ios, t.ios().size());

        JobOptions r = Jobs.job("r", dir);
        r.readIolog = trace.toString();
        r.replayRedirect = dir.resolve("w.0.0").toString();
        r.replayNoStall = true;
        Jobs.Recorded replayed = Jobs.record(r);
        assertEquals(0, replayed.stats().error, replayed.stats().errorMessage);
        assertEquals(original.read.bytes, replayed.stats().read.bytes);
        assertEquals(original.write.bytes, replayed.stats().write.bytes);
        assertEquals(original.sync.ios, replayed.stats().sync.ios);
        assertEquals(t.ios().stream().filter(io -> io.action() != IologAction.SYNC)
                        .map(io -> io.action() + " " + io.offset() + " " + io.length()).toList(),
                replayed.ops().stream().filter(op -> op.action() != TraceAction.SYNC)
                        .map(op -> op.action() + " " + op.offset() + " " + op.length()).toList());
    }

    @Test
    void fioAndAioemuReplayTheSameBlktraceToTheSameTotals() throws Exception {
        Assumptions.assumeTrue(org.aioemu.bench.FioPeer.available(), "fio is not on the PATH");
        Path img = Files.write(dir.resolve("img"), new byte[4 << 20]);
        Path trace = dir.resolve("t.blktrace");
        Random rnd = new Random(5);
        int flushes = 0;
        try (BlktraceWriter bw = new BlktraceWriter(trace, "app")) {
            long time = 1_000;
            for (int i = 0; i < 300; i++) {
                time += rnd.nextInt(20_000);
                if (rnd.nextInt(20) == 0) {
                    bw.queue(time, NOWHERE, IologAction.SYNC, 0, 0);
                    flushes++;
                    continue;
                }
                IologAction a = rnd.nextBoolean() ? IologAction.READ : IologAction.WRITE;
                long offset = (long) rnd.nextInt(4000) * 512;
                int length = (1 + rnd.nextInt(24)) * 512; // mostly off any 4 KiB grid, for replay_align
                bw.queue(time, NOWHERE, a, offset, length);
                bw.complete(time + 5_000, NOWHERE, a, offset, length, 0);
            }
        }
        String[][] cases = {{}, {"--replay_align=4096", "--replay_scale=2"}, {"--replay_skip=write"}, {"--replay_no_stall=1"}};
        for (String[] extra : cases) {
            List<String> args = new ArrayList<>(List.of("--name=r", "--read_iolog=" + trace, "--replay_redirect=" + img));
            args.addAll(List.of(extra));
            Object f = fio(args);
            JobOptions o = Jobs.job("r", dir);
            o.readIolog = trace.toString();
            o.replayRedirect = img.toString();
            for (String e : extra) {
                String v = e.substring(e.indexOf('=') + 1);
                switch (e.substring(2, e.indexOf('='))) {
                    case "replay_align" -> o.replayAlign = Integer.parseInt(v);
                    case "replay_scale" -> o.replayScale = Integer.parseInt(v);
                    case "replay_skip" -> o.replaySkip[JobOptions.WRITE] = true;
                    case "replay_no_stall" -> o.replayNoStall = true;
                    default -> throw new AssertionError(e);
                }
            }
            JobStats a = Jobs.run(o);
            String what = "with " + String.join(" ", extra);
            assertEquals(0, a.error, a.errorMessage);
            assertEquals(num(f, "read", "total_ios"), a.read.ios, "reads " + what);
            assertEquals(num(f, "read", "io_bytes"), a.read.bytes, "read bytes " + what);
            assertEquals(num(f, "write", "total_ios"), a.write.ios, "writes " + what);
            assertEquals(num(f, "write", "io_bytes"), a.write.bytes, "written bytes " + what);
            assertEquals(flushes, a.sync.ios, "flushes replayed as syncs " + what);
        }
    }

    @Test
    void aTraceOfADeviceThisMachineLacksNeedsARedirectAndTouchesNothing() throws Exception {
        Path trace = dir.resolve("t.blktrace");
        try (BlktraceWriter bw = new BlktraceWriter(trace, "app")) {
            bw.queue(1, NOWHERE, IologAction.WRITE, 0, 4096);
        }
        JobOptions o = Jobs.job("r", dir);
        o.readIolog = trace.toString();
        JobStats s = Jobs.run(o);
        assertEquals(22, s.error);
        assertTrue(s.errorMessage.contains("blktrace device 4095,77") && s.errorMessage.contains("replay_redirect="),
                s.errorMessage);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(trace), files.toList(), "nothing laid out");
        }
    }

    @Test
    void theTracesOwnDepthIsUsedUnlessTheJobSetsIodepth() throws Exception {
        Path trace = dir.resolve("t.blktrace");
        try (BlktraceWriter bw = new BlktraceWriter(trace, "app")) {
            for (int i = 0; i < 3; i++) {
                bw.queue(i + 1, NOWHERE, IologAction.READ, i * 4096L, 4096);
            }
            bw.complete(10, NOWHERE, IologAction.READ, 0, 4096, 0);
        }
        JobOptions o = Jobs.job("r", dir);
        o.readIolog = trace.toString();
        ReplayTrace.load(o, 0, TraceSource.builtIn());
        assertEquals(3, o.iodepth);

        JobOptions set = Jobs.job("r", dir);
        set.readIolog = trace.toString();
        set.iodepth = 7;
        set.given.put("iodepth", "7");
        ReplayTrace.load(set, 0, TraceSource.builtIn());
        assertEquals(7, set.iodepth);
    }

    @Test
    void aListOfTracesGivesEachCloneItsOwnAndAMergeReplaysThemAll() throws Exception {
        Path img = Files.write(dir.resolve("img"), new byte[1 << 20]);
        Path a = dir.resolve("a.blktrace");
        Path b = dir.resolve("b.blktrace");
        for (Path p : List.of(a, b)) {
            try (BlktraceWriter bw = new BlktraceWriter(p, "app")) {
                int n = p == a ? 3 : 5;
                for (int i = 0; i < n; i++) {
                    bw.queue(1_000L * (i + 1), NOWHERE, IologAction.READ, i * 4096L, 4096);
                }
            }
        }
        JobOptions o = Jobs.job("r", dir);
        o.readIolog = a + ":" + b;
        o.replayRedirect = img.toString();
        o.numjobs = 3;
        List<JobStats> clones = Jobs.runAll(o);
        assertEquals(List.of(3L, 5L, 3L), clones.stream().map(s -> s.read.ios).toList());

        JobOptions m = Jobs.job("m", dir);
        m.readIolog = a + ":" + b;
        m.replayRedirect = img.toString();
        m.mergeBlktraceFile = dir.resolve("merged.bin").toString();
        m.mergeBlktraceIters = new int[] {2, 1};
        JobStats merged = Jobs.run(m);
        assertEquals(0, merged.error, merged.errorMessage);
        assertEquals(2 * 3 + 5, merged.read.ios);

        JobOptions bad = Jobs.job("m", dir);
        bad.readIolog = a + ":" + b;
        bad.replayRedirect = img.toString();
        bad.mergeBlktraceFile = dir.resolve("merged2.bin").toString();
        bad.mergeBlktraceScalars = new int[] {50};
        JobStats refused = Jobs.run(bad);
        assertTrue(refused.errorMessage.contains("merge_blktrace_scalars has 1 values for 2 traces"), refused.errorMessage);
        assertFalse(Files.exists(dir.resolve("merged2.bin")));
    }

    private Object fio(List<String> args) throws Exception {
        return FioComparisonTest.fioJob(dir, args);
    }

    private static long num(Object job, String... path) {
        return FioComparisonTest.num(job, path);
    }
}
