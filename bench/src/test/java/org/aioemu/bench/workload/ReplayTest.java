package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** write_iolog and read_iolog: recording, replaying, timestamps. */
class ReplayTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @Test
    void aRecordedJobReplaysTheSameRequests() throws Exception {
        JobOptions w = Jobs.job("w", dir);
        w.rw = RwMode.RANDRW;
        w.bssplit[0] = new JobOptions.BsSplit[] {new JobOptions.BsSplit(4096, 50), new JobOptions.BsSplit(8192, 50)};
        w.size = 1 << 20;
        w.fsync = 16;
        Path log = dir.resolve("w.iolog");
        w.writeIolog = log.toString();
        JobStats original = Jobs.run(w);
        assertEquals(0, original.error, original.errorMessage);
        String text = Files.readString(log);
        assertTrue(text.startsWith("fio version 3 iolog\n"), text.substring(0, 40));
        assertTrue(text.contains(" add\n") && text.contains(" open\n") && text.contains(" close\n"));

        JobOptions r = Jobs.job("replay", dir);
        r.readIolog = log.toString();
        r.iodepth = 4;
        r.writeIolog = "x";
        Jobs.Recording rec = new Jobs.Recording();
        JobStats replayed = WorkloadRunner.run(List.of(r), RunSettings.defaults().withTraceSinks(p -> rec)).getFirst();
        assertEquals(0, replayed.error, replayed.errorMessage);
        assertEquals(original.read.ios, replayed.read.ios);
        assertEquals(original.read.bytes, replayed.read.bytes);
        assertEquals(original.write.ios, replayed.write.ios);
        assertEquals(original.write.bytes, replayed.write.bytes);
        assertEquals(original.sync.ios, replayed.sync.ios);
        List<TraceOp> logged = IologTraces.read(log).ops().stream()
                .filter(op -> op.action() == TraceAction.READ || op.action() == TraceAction.WRITE).toList();
        List<TraceOp> again = rec.ops.stream()
                .filter(op -> op.action() == TraceAction.READ || op.action() == TraceAction.WRITE).toList();
        assertEquals(logged.stream().map(op -> op.offset() + ":" + op.length()).toList(),
                again.stream().map(op -> op.offset() + ":" + op.length()).toList());
    }

    @Test
    void timestampsAreHonouredUnlessReplayNoStall() throws Exception {
        Path f = dir.resolve("t.img");
        Path log = dir.resolve("t.iolog");
        Files.writeString(log, """
                fio version 3 iolog
                0 %1$s add
                0 %1$s open
                10 %1$s write 0 4096
                300000 %1$s write 4096 4096
                300010 %1$s read 0 4096
                300020 %1$s trim 65536 4096
                300030 %1$s sync
                300040 %1$s close
                """.formatted(f));
        JobOptions r = Jobs.job("t", dir);
        r.readIolog = log.toString();
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(r);
        long took = System.nanoTime() - t0;
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(2, s.write.ios);
        assertEquals(1, s.read.ios);
        assertEquals(1, s.trim.ios);
        assertEquals(1, s.sync.ios);
        assertTrue(took >= 300 * MS, "waited for the 300 ms timestamp: " + took);
        assertEquals(69632, Files.size(f), "a written trace file is made as large as its furthest byte");

        r.replayNoStall = true;
        long t1 = System.nanoTime();
        JobStats fast = Jobs.run(r);
        assertEquals(2, fast.write.ios);
        assertTrue(System.nanoTime() - t1 < 250 * MS, "replay_no_stall does not wait");
    }

    @Test
    void replayTimeScaleAndReplaySkip() throws Exception {
        Path f = dir.resolve("s.img");
        Path log = dir.resolve("s.iolog");
        Files.writeString(log, """
                fio version 3 iolog
                0 %1$s add
                0 %1$s open
                10 %1$s write 0 4096
                400000 %1$s write 4096 4096
                400010 %1$s read 0 4096
                400020 %1$s sync
                400030 %1$s close
                """.formatted(f));
        JobOptions r = Jobs.job("s", dir);
        r.readIolog = log.toString();
        r.replayTimeScale = 400; // four times the trace's rate: the 400 ms timestamp comes at 100 ms
        JobStats fast = Jobs.run(r);
        assertEquals(0, fast.error, fast.errorMessage);
        long span = fast.write.runtimeNanos / MS;
        assertTrue(span >= 95 && span < 300, "writes 100 ms apart: " + span);
        assertEquals(4, fast.replayLateness.getTotalCount(), "every timed request (two writes, a read, a sync)");
        assertTrue(fast.replayLateness.getMaxValue() < 50 * MS, "issued within 50 ms of its time: "
                + fast.replayLateness.getMaxValue());
        r.replayTimeScale = 100;
        r.replaySkip[JobOptions.WRITE] = true;
        r.replaySkip[3] = true; // sync
        JobStats reads = Jobs.run(r);
        assertEquals(0, reads.error, reads.errorMessage);
        assertEquals(0, reads.write.ios, "replay_skip=write,sync");
        assertEquals(0, reads.sync.ios);
        assertEquals(1, reads.read.ios);
    }

    @Test
    void versionTwoWaitsAreAbsoluteMillisecondsAndFilesRedirect() throws Exception {
        Path log = dir.resolve("v2.iolog");
        Files.writeString(log, """
                fio version 2 iolog
                orig add
                orig open
                orig write 0 8192
                orig wait 200 0
                orig write 8192 8192
                orig close
                """);
        JobOptions r = Jobs.job("v2", dir);
        r.readIolog = log.toString();
        r.filename = "redirected";
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(r);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(2, s.write.ios);
        assertEquals(16384, s.write.bytes);
        assertTrue(System.nanoTime() - t0 >= 200 * MS);
        assertTrue(Files.exists(dir.resolve("redirected")));
        assertTrue(!Files.exists(dir.resolve("orig")));
    }

    @Test
    void aBadTraceIsTheJobsError() throws Exception {
        Path log = dir.resolve("bad.iolog");
        Files.writeString(log, "fio version 3 iolog\n0 f add\n5 f jump 0 1\n");
        JobOptions r = Jobs.job("bad", dir);
        r.readIolog = log.toString();
        JobStats s = Jobs.run(r);
        assertEquals(5, s.error);
        assertTrue(s.errorMessage.contains("bad.iolog:3: unknown action 'jump'"), s.errorMessage);
        Files.writeString(log, "not a log\n");
        JobStats t = Jobs.run(r);
        assertTrue(t.errorMessage.contains("not a fio iolog"), t.errorMessage);
    }
}
