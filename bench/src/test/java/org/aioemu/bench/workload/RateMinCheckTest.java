package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;

/** fio 3.33's rate_min / rate_iops_min verdicts, on completions at chosen times. */
class RateMinCheckTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final JobOptions o = new JobOptions();
    private JobStats stats;
    private RateMinCheck check;

    private void make() {
        o.name = "j";
        stats = new JobStats(o, 0);
        check = RateMinCheck.of(o, stats);
    }

    /** A read of {@code bytes} completes at {@code t}; returns the verdict when one is due. */
    private String complete(long t, long bytes) {
        stats.read.ios++;
        stats.read.bytes += bytes;
        return check.due(t) ? check.check(t) : null;
    }

    @Test
    void noMinimumMeansNoCheck() {
        make();
        assertNull(check);
    }

    @Test
    void nothingIsJudgedInTheSettlePeriod() {
        o.rateMin[0] = 1 << 30;
        make();
        check.start(0);
        for (long t = 0; t < 2 * S; t += 10 * MS) {
            assertFalse(check.due(t), "settling at " + t);
        }
        assertTrue(check.due(2 * S));
    }

    @Test
    void aJobPacedSlowerThanACycleIsJudgedBetweenItsCompletions() {
        // fio's 1mbs_clients.fio: rate=1250 (B/s) with 4 KiB blocks, ratemin=1024: one block every ~3.3 s.
        o.rateMin[0] = 1024;
        make();
        check.start(0);
        for (long t = 0; t <= 60 * S; t += 3277 * MS) {
            assertNull(complete(t, 4096), "at " + t / MS + " ms");
        }
    }

    @Test
    void aSlowCycleFailsWithFiosMessage() {
        o.rateMin[0] = 1 << 20;
        make();
        check.start(0);
        assertNull(complete(2100 * MS, 4096), "the first completion after settling takes the baseline");
        assertNull(complete(2600 * MS, 1 << 20), "half a cycle later: not judged yet");
        String verdict = complete(3200 * MS, 4096);
        assertEquals("j: rate_min=1048576B/s not met, got 956974B/s", verdict);
        assertFalse(check.due(Long.MAX_VALUE / 2), "one verdict per job");
    }

    @Test
    void iopsMinimumAndItsOwnCycle() {
        o.rateIopsMin[0] = 100;
        o.rateCycleMillis = 500;
        make();
        check.start(0);
        long t = 2 * S;
        assertNull(complete(t, 512));
        for (int i = 0; i < 60; i++) { // 120 IOPS for 0.5 s
            t += S / 120;
            assertNull(complete(t, 512));
        }
        for (int i = 0; i < 40; i++) { // then 40 IOPS: judged within the next cycle
            t += S / 40;
            String v = complete(t, 512);
            if (v != null) {
                assertTrue(v.startsWith("j: rate_iops_min=100 not met, got "), v);
                return;
            }
        }
        throw new AssertionError("never judged too slow");
    }

    @Test
    void randomPacingFailsExactlyWhenACycleFallsBelowTheMinimum() {
        Random r = new Random(42);
        for (int round = 0; round < 500; round++) {
            o.rateMin[0] = 1000 + r.nextInt(100_000);
            o.rateCycleMillis = 100 + r.nextInt(2000);
            make();
            check.start(0);
            long t = 0;
            long lastAt = -1;
            long lastBytes = 0;
            String verdict = null;
            while (t < 30 * S && verdict == null) {
                t += 1 + (long) (r.nextDouble() * 500 * MS);
                boolean due = check.due(t);
                verdict = complete(t, 1 + r.nextInt(64 << 10));
                // The model: fio's rule, restated from its definition.
                if (t >= 2 * S && due) {
                    if (lastAt < 0) {
                        lastAt = t;
                        lastBytes = stats.read.bytes;
                    } else if (t - lastAt >= o.rateCycleMillis * MS) {
                        long rate = (stats.read.bytes - lastBytes) * 1000 / ((t - lastAt) / MS);
                        if (rate < o.rateMin[0]) {
                            assertNotNull(verdict, "round " + round + " at " + t);
                            break;
                        }
                        lastAt = t;
                        lastBytes = stats.read.bytes;
                    }
                }
                assertNull(verdict, "round " + round + " at " + t + ": " + verdict);
            }
        }
    }
}
