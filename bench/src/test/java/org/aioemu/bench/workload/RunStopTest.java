package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stop from outside the run (the CLI's signal handler), as fio's terminate: what the jobs did is kept and reported. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunStopTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private JobOptions writer(String name) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.timeBased = true;
        o.runtimeNanos = 30_000 * MS;
        o.rateIops[1] = 2000;
        return o;
    }

    @Test
    void aStopEndsTheRunningJobsWithTheirStatsSkipsVerifyAndRunsNoLaterBatch() throws Exception {
        JobOptions w = writer("w");
        w.verify = JobOptions.Verify.CRC32C; // would read back what it wrote, were it not stopped
        JobOptions delayed = writer("delayed");
        delayed.startdelayNanos = 30_000 * MS;
        JobOptions later = writer("later");
        later.stonewall = true;
        RunStop stop = new RunStop();
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        // The status line's job states ("[w_]"): stop once w is seen writing, however slow the setup was.
        RunSettings settings = RunSettings.defaults().withPrintStatus(true).withStatusListener(line -> {
            if (line.matches("[^\\[]*\\[[^\\]]*w.*")) {
                writing.countDown();
            }
        });
        Thread stopper = new Thread(() -> {
            try {
                writing.await();
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            stop.request();
            stop.request(); // a second request changes nothing
        });
        stopper.start();
        long t0 = System.nanoTime();
        List<JobStats> s = WorkloadRunner.run(List.of(w, delayed, later), settings, stop);
        long took = (System.nanoTime() - t0) / MS;
        stopper.interrupt(); // still waiting if w was never seen writing: the assertions below say what went wrong
        stopper.join();
        assertTrue(took < 20_000, "ended by the stop, not by its 30 s runtime: " + took + " ms");
        assertEquals(List.of("w", "delayed"), s.stream().map(x -> x.options.name).toList(),
                "the batch after the stonewall never runs and is not reported");
        JobStats ws = s.get(0);
        assertEquals(0, ws.error, ws.errorMessage);
        assertTrue(ws.write.ios > 0, "the writes before the stop are counted");
        assertEquals(ws.write.ios * 4096, ws.write.bytes, "every write issued completed and was counted");
        assertEquals(0, ws.read.ios, "no verify pass after a stop");
        assertTrue(ws.runtimeNanos / MS < took, "runtime is what ran: " + ws.runtimeNanos / MS + " ms");
        JobStats ds = s.get(1);
        assertEquals(0, ds.error, ds.errorMessage);
        assertEquals(0, ds.write.ios, "a job still in its startdelay ends without I/O");
    }

    @Test
    void aStopRequestedBeforeTheRunEndsTheFirstBatchWithoutIo() {
        RunStop stop = new RunStop();
        stop.request();
        long t0 = System.nanoTime();
        List<JobStats> s = WorkloadRunner.run(List.of(writer("w")), RunSettings.defaults(), stop);
        assertTrue((System.nanoTime() - t0) / MS < 20_000, "did not run its 30 s");
        assertEquals(1, s.size());
        assertEquals(0, s.get(0).write.ios);
        assertEquals(0, s.get(0).error, s.get(0).errorMessage);
    }
}
