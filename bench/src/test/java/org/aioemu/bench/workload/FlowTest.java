package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flow=, flow_id=, flow_sleep=: jobs of one flow issue requests in the ratio of their weights, as in fio. */
class FlowTest {
    @TempDir
    Path dir;

    @Test
    void aMemberHoldsBackExactlyWhileItIsAheadOfItsShare() {
        Flows flows = new Flows();
        Flows.Member a = flows.join(0, 1);
        Flows.Member b = flows.join(0, 3);
        Random rnd = new Random(1);
        long[] issued = new long[2];
        for (int i = 0; i < 40_000; i++) {
            int who = rnd.nextInt(2); // both always want to issue, in a random interleaving
            if (!(who == 0 ? a : b).holdBack()) {
                issued[who]++;
            }
        }
        double ratio = (double) issued[1] / issued[0];
        assertEquals(3.0, ratio, 0.05, "issued " + issued[0] + " vs " + issued[1]);

        // Another flow id is another group: it is not held to these.
        Flows.Member c = flows.join(7, 1);
        for (int i = 0; i < 100; i++) {
            assertFalse(c.holdBack());
        }
        // Once b leaves, a has the flow to itself.
        b.leave();
        b.leave(); // idempotent
        for (int i = 0; i < 100; i++) {
            assertFalse(a.holdBack(), "a held back after b left, at " + i);
        }
    }

    @Test
    void timeBasedJobsOfOneFlowRunInTheRatioOfTheirWeights() throws Exception {
        Files.write(dir.resolve("f"), new byte[1 << 20]);
        JobOptions light = job("light", 1, 0);
        JobOptions heavy = job("heavy", 4, 0);
        JobOptions other = job("other", 1, 5); // its own flow: not held back by the others
        List<JobStats> s = Jobs.runAll(light, heavy, other);
        for (JobStats st : s) {
            assertEquals(0, st.error, st.errorMessage);
        }
        // The jobs start a few tens of milliseconds apart (each on its own loop), and a job alone in its flow runs
        // freely: ramp_time keeps the start out of the counts, and exitall ends both when the first ends, so
        // neither runs alone at the end. Without flow control the two identical jobs would run about 1:1.
        double ratio = (double) s.get(1).read.ios / s.get(0).read.ios;
        System.out.printf("flow 4:1 over 1 s: heavy %d, light %d, ratio %.2f%n", s.get(1).read.ios, s.get(0).read.ios, ratio);
        assertEquals(4.0, ratio, 1.0, "heavy " + s.get(1).read.ios + " vs light " + s.get(0).read.ios);
        assertTrue(s.get(2).read.ios > s.get(0).read.ios, "a job alone in its flow runs freely: "
                + s.get(2).read.ios + " vs " + s.get(0).read.ios);
    }

    @Test
    void aJobWhoseFlowPartnerHasEndedRunsOnAlone() throws Exception {
        Files.write(dir.resolve("f"), new byte[1 << 20]);
        JobOptions shortJob = job("short", 1, 0);
        shortJob.timeBased = false;
        shortJob.runtimeNanos = 0;
        shortJob.rampTimeNanos = 0;
        shortJob.exitall = false;
        shortJob.size = 64 << 10; // 16 requests, then it leaves the flow
        JobOptions longJob = job("long", 1, 0);
        longJob.timeBased = false;
        longJob.runtimeNanos = 0;
        longJob.rampTimeNanos = 0;
        longJob.exitall = false;
        longJob.size = 1 << 20;
        List<JobStats> s = Jobs.runAll(shortJob, longJob);
        assertEquals(16, s.get(0).read.ios);
        assertEquals(256, s.get(1).read.ios, "the long job finished its size after the short one left");
    }

    private JobOptions job(String name, int weight, int flowId) {
        JobOptions o = Jobs.job(name, dir);
        o.filename = "f";
        o.rw = RwMode.RANDREAD;
        o.size = 1 << 20;
        o.timeBased = true;
        o.runtimeNanos = 1_000_000_000L;
        o.rampTimeNanos = 300_000_000L;
        o.exitall = flowId == 0; // the first of the flow to end ends the others of the group
        o.flow = weight;
        o.flowId = flowId;
        return o;
    }
}
