package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time: runtime, time_based, ramp_time, startdelay, rate limits, thinktime. Each run is bounded to about 1 s. */
class TimingTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private JobOptions nullJob(RwMode rw) {
        JobOptions o = Jobs.job("t", dir);
        o.rw = rw;
        o.size = 64L << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        return o;
    }

    @Test
    void timeBasedRunsForTheRuntime() {
        JobOptions o = nullJob(RwMode.RANDREAD);
        o.timeBased = true;
        o.runtimeNanos = 600 * MS;
        o.logAvgMsec = 100;
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(o);
        long wall = System.nanoTime() - t0;
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.runtimeNanos >= 590 * MS && s.runtimeNanos < 800 * MS, "runtime " + s.runtimeNanos);
        assertTrue(wall >= 600 * MS, "wall " + wall);
        assertTrue(s.read.ios > 16384, "wraps the 64 MiB region: " + s.read.ios);
        assertTrue(s.read.bwKiB.samples() >= 5 && s.read.bwKiB.samples() <= 7, "samples " + s.read.bwKiB.samples());
        assertTrue(s.read.iops.mean() > 0);
    }

    @Test
    void timeBasedRealIoAtDepthEndsOnTime() {
        JobOptions o = Jobs.job("real", dir);
        o.rw = RwMode.RANDREAD;
        o.size = 8 << 20;
        o.iodepth = 16;
        o.timeBased = true;
        o.runtimeNanos = 500 * MS;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.runtimeNanos >= 490 * MS && s.runtimeNanos < 650 * MS, "runtime " + s.runtimeNanos);
        assertTrue(s.read.ios > 2048, "ios " + s.read.ios);
        assertTrue(s.depthLevels[4] > 0, "depth 16 reached");
    }

    @Test
    void runtimeCutsASizeBasedJobShort() {
        JobOptions o = nullJob(RwMode.READ);
        o.rateIops[0] = 100;
        o.runtimeNanos = 300 * MS;
        JobStats s = Jobs.run(o);
        assertTrue(s.read.ios >= 20 && s.read.ios <= 40, "ios " + s.read.ios);
    }

    @Test
    void rateIopsAndRateLimitEachDirection() {
        JobOptions o = nullJob(RwMode.RANDREAD);
        o.timeBased = true;
        o.runtimeNanos = 1000 * MS;
        o.rateIops[0] = 300;
        o.iodepth = 4;
        JobStats s = Jobs.run(o);
        assertTrue(s.read.ios >= 270 && s.read.ios <= 320, "rate_iops=300 for 1 s: " + s.read.ios);

        JobOptions m = nullJob(RwMode.RANDRW);
        m.timeBased = true;
        m.runtimeNanos = 1000 * MS;
        m.rate[1] = 400 * 4096; // rate=,1600k: writes only
        m.rateIops[0] = 0;
        JobStats ms = Jobs.run(m);
        assertTrue(ms.write.bytes >= 360 * 4096 && ms.write.bytes <= 430 * 4096, "write bytes " + ms.write.bytes);
    }

    @Test
    void rateAppliesToRealIoToo() {
        JobOptions o = Jobs.job("real", dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 4 << 20;
        o.timeBased = true;
        o.runtimeNanos = 500 * MS;
        o.rate[1] = 1 << 20; // 1 MiB/s
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.bytes >= 440 * 1024 && s.write.bytes <= 600 * 1024, "bytes " + s.write.bytes);
    }

    @Test
    void thinktimePausesAfterEveryThinktimeBlocks() {
        JobOptions o = nullJob(RwMode.READ);
        o.timeBased = true;
        o.runtimeNanos = 500 * MS;
        o.thinktimeNanos = 10 * MS;
        o.thinktimeBlocks = 4;
        JobStats s = Jobs.run(o);
        // 50 pauses of 10 ms in 500 ms, 4 requests before each
        assertTrue(s.read.ios >= 150 && s.read.ios <= 208, "ios " + s.read.ios);
    }

    @Test
    void startdelayDelaysTheStart() {
        JobOptions o = nullJob(RwMode.READ);
        o.size = 1 << 20;
        o.startdelayNanos = 300 * MS;
        long before = System.currentTimeMillis();
        JobStats s = Jobs.run(o);
        assertTrue(s.startEpochMillis - before >= 290, "started after " + (s.startEpochMillis - before) + " ms");
        assertEquals(256, s.read.ios);
    }

    @Test
    void rampTimeIsRunButNotRecorded() {
        JobOptions o = nullJob(RwMode.RANDREAD);
        o.timeBased = true;
        o.rampTimeNanos = 300 * MS;
        o.runtimeNanos = 500 * MS;
        o.rateIops[0] = 200;
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(o);
        long wall = System.nanoTime() - t0;
        assertTrue(wall >= 800 * MS, "ramp + runtime: " + wall);
        assertTrue(s.runtimeNanos >= 490 * MS && s.runtimeNanos < 650 * MS, "runtime after ramp " + s.runtimeNanos);
        assertTrue(s.read.ios >= 85 && s.read.ios <= 115, "only the last 500 ms at 200/s: " + s.read.ios);

        JobOptions sized = nullJob(RwMode.READ);
        sized.size = 1 << 20;
        sized.rateIops[0] = 1000;
        sized.rampTimeNanos = 100 * MS;
        Jobs.Recorded z = Jobs.record(sized);
        assertEquals(256, z.ops().size(), "the ramp's requests count against size, as in fio");
        assertTrue(z.stats().read.ios >= 130 && z.stats().read.ios <= 175, "only those after the ramp are recorded: "
                + z.stats().read.ios);
        assertEquals(z.stats().read.ios * 4096, z.stats().read.bytes);
    }

    @Test
    void rateMinFailsAJobThatIsTooSlowOnceSettledAndACycleLong() {
        JobOptions o = nullJob(RwMode.READ);
        o.timeBased = true;
        o.runtimeNanos = 6000 * MS;
        o.rateIops[0] = 10;
        o.rateMin[0] = 1 << 20;
        long t0 = System.nanoTime();
        JobStats s = Jobs.run(o);
        long took = System.nanoTime() - t0;
        assertEquals(5, s.error);
        assertTrue(s.errorMessage.contains("rate_min=1048576B/s not met, got 4"), s.errorMessage);
        // fio: 2 s to settle, a baseline at the next completion, the verdict a ratecycle (1 s) later.
        assertTrue(took >= 3000 * MS && took < 5500 * MS, "stopped at the first verdict: " + took / MS + " ms");
    }

    @Test
    void maxLatencyEndsTheJobWithEtimedout() {
        JobOptions o = nullJob(RwMode.READ);
        o.ioengine = "psync";
        o.aioEngine = "threads";
        o.size = 1 << 20;
        o.maxLatencyNanos = 1; // no real request completes within a nanosecond
        JobStats s = Jobs.run(o);
        assertEquals(110, s.error, s.errorMessage);
        assertTrue(s.errorMessage.contains("exceeds max_latency 0 usec"), s.errorMessage);
        JobOptions fine = nullJob(RwMode.READ);
        fine.maxLatencyNanos = 60_000_000_000L;
        assertEquals(0, Jobs.run(fine).error);
    }
}
