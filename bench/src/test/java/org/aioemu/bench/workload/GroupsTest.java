package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** numjobs clones, reporting groups, and stonewall batches. */
class GroupsTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private JobOptions timed(String name, long millis) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.READ;
        o.size = 1 << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.timeBased = true;
        o.runtimeNanos = millis * MS;
        o.rateIops[0] = 1000;
        return o;
    }

    @Test
    void expansionNumbersClonesAndFormsGroupsAsFio() {
        JobOptions a = timed("a", 1);
        a.numjobs = 2;
        JobOptions b = timed("b", 1);
        b.numjobs = 2;
        b.stonewall = true;
        JobOptions c = timed("c", 1);
        c.newGroup = true;
        JobOptions d = timed("d", 1);
        List<JobClone> clones = JobGroups.expand(List.of(a, b, c, d));
        assertEquals(List.of("a", "a", "b", "b", "c", "d"), clones.stream().map(x -> x.options().name).toList());
        assertEquals(List.of(0, 0, 1, 1, 2, 2), clones.stream().map(JobClone::groupId).toList());
        assertEquals(List.of(0, 0, 1, 1, 1, 1), clones.stream().map(JobClone::batch).toList(), "new_group does not wait");
        assertEquals(List.of(1, 2, 3, 4, 5, 6), clones.stream().map(JobClone::jobNumber).toList());
        assertEquals(List.of(0, 1, 0, 1, 0, 0), clones.stream().map(JobClone::cloneIndex).toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), clones.stream().map(x -> x.options().index).toList());
        assertEquals(2, JobGroups.batches(clones).size());
        assertEquals(2, a.numjobs, "the caller's options are not modified");
        assertEquals(0, a.index);
        JobOptions first = timed("first", 1);
        first.stonewall = true;
        assertEquals(0, JobGroups.expand(List.of(first)).getFirst().groupId(), "the first job never starts a new group");
    }

    @Test
    void clonesRunTogetherAndAStonewalledGroupStartsAfterTheFirstEnds() {
        JobOptions a = timed("a", 300);
        a.numjobs = 2;
        JobOptions b = timed("b", 300);
        b.stonewall = true;
        long t0 = System.currentTimeMillis();
        List<JobStats> s = WorkloadRunner.run(List.of(a, b), RunSettings.defaults());
        assertEquals(3, s.size());
        assertEquals(List.of(0, 0, 1), s.stream().map(x -> x.groupId).toList());
        assertEquals(List.of("a", "a", "b"), s.stream().map(x -> x.options.name).toList());
        long a0 = s.get(0).startEpochMillis;
        long a1 = s.get(1).startEpochMillis;
        long b0 = s.get(2).startEpochMillis;
        assertTrue(Math.abs(a0 - a1) < 100, "clones start together: " + a0 + " " + a1);
        assertTrue(b0 - a0 >= 295, "b starts after a ended: " + (b0 - a0) + " ms");
        assertTrue(System.currentTimeMillis() - t0 >= 600);
        for (JobStats x : s) {
            assertEquals(0, x.error, x.errorMessage);
            assertTrue(x.read.ios >= 250 && x.read.ios <= 330, "ios " + x.read.ios);
        }
    }

    @Test
    void newGroupAloneRunsConcurrently() {
        JobOptions a = timed("a", 300);
        JobOptions b = timed("b", 300);
        b.newGroup = true;
        List<JobStats> s = WorkloadRunner.run(List.of(a, b), RunSettings.defaults());
        assertEquals(List.of(0, 1), s.stream().map(x -> x.groupId).toList());
        assertTrue(Math.abs(s.get(1).startEpochMillis - s.get(0).startEpochMillis) < 100);
    }

    @Test
    void waitForStartsAJobOnceEveryCloneOfItsWaiteeEndedAndLeavesOthersAlone() {
        // fio's waitfor.fio in small: b waits for both clones of a; c, after b in the file, does not wait.
        JobOptions a = timed("a", 200);
        a.numjobs = 2;
        a.runtimeNanos = 200 * MS;
        JobOptions b = timed("b", 200);
        b.waitFor = "a";
        b.newGroup = true;
        JobOptions c = timed("c", 200);
        c.newGroup = true;
        JobOptions d = timed("d", 100);
        d.waitFor = "b";
        List<JobStats> s = WorkloadRunner.run(List.of(a, b, c, d), RunSettings.defaults());
        assertEquals(List.of("a", "a", "b", "c", "d"), s.stream().map(x -> x.options.name).toList());
        long aEnd = Math.max(s.get(0).startEpochMillis, s.get(1).startEpochMillis) + 195;
        assertTrue(s.get(2).startEpochMillis >= aEnd, "b after both a: " + (s.get(2).startEpochMillis - aEnd));
        assertTrue(Math.abs(s.get(3).startEpochMillis - s.get(0).startEpochMillis) < 100, "c with a");
        assertTrue(s.get(4).startEpochMillis >= s.get(2).startEpochMillis + 195, "d after b");
        for (JobStats x : s) {
            assertEquals(0, x.error, x.errorMessage);
        }
    }

    @Test
    void aWaiteeThatIsNotAnEarlierJobIsToldAndNotWaitedFor() {
        JobOptions a = timed("a", 100);
        a.waitFor = "a"; // itself: would never start
        JobOptions b = timed("b", 100);
        b.waitFor = "zz";
        java.io.ByteArrayOutputStream notices = new java.io.ByteArrayOutputStream();
        List<JobStats> s = WorkloadRunner.run(List.of(a, b),
                RunSettings.defaults().withNotices(new java.io.PrintStream(notices, true)));
        assertTrue(Math.abs(s.get(1).startEpochMillis - s.get(0).startEpochMillis) < 100, "both start at once");
        String text = notices.toString();
        assertTrue(text.contains("a: waitee job a unknown") && text.contains("b: waitee job zz unknown"), text);
    }

    @Test
    void numberIosEndsAJobEarlyButNeverExtendsIt() {
        JobOptions a = timed("a", 5000);
        a.rateIops[0] = 0;
        a.numberIos = 1000;
        JobOptions b = timed("b", 1);
        b.timeBased = false;
        b.runtimeNanos = 0;
        b.rateIops[0] = 0;
        b.size = 64 << 10; // 16 blocks
        b.numberIos = 1000;
        b.stonewall = true;
        List<JobStats> s = WorkloadRunner.run(List.of(a, b), RunSettings.defaults());
        assertEquals(1000, s.get(0).read.ios, "a time-based job stops at number_ios");
        assertEquals(16, s.get(1).read.ios, "a size-based job still ends at its size");
    }

    @Test
    void exitallStopsItsGroupOrEveryRunningJobOrEveryLaterJobToo() {
        for (String what : List.of("group", "stonewall", "all")) {
            JobOptions quick = timed("quick", 200);
            quick.exitall = true;
            quick.exitWhat = what;
            JobOptions mate = timed("mate", 5000); // same group
            JobOptions other = timed("other", 5000);
            other.newGroup = true; // same batch, other group
            JobOptions later = timed("later", 5000);
            later.stonewall = true;
            JobOptions stopper = timed("stopper", 200); // ends the later batch in time for every case
            stopper.exitall = true;
            stopper.exitWhat = "stonewall";
            long t0 = System.nanoTime();
            List<JobStats> s = WorkloadRunner.run(List.of(quick, mate, other, later, stopper), RunSettings.defaults());
            long took = (System.nanoTime() - t0) / MS;
            List<String> names = s.stream().map(x -> x.options.name).toList();
            long mateMs = s.get(1).runtimeNanos / MS;
            long otherMs = s.get(2).runtimeNanos / MS;
            assertTrue(mateMs < 1000, what + ": quick's group mate stopped: " + mateMs + " ms");
            switch (what) {
                case "group" -> {
                    assertTrue(otherMs >= 4900, what + ": the other group runs on: " + otherMs);
                    assertEquals(List.of("quick", "mate", "other", "later", "stopper"), names);
                }
                case "stonewall" -> {
                    assertTrue(otherMs < 1000, what + ": every running job stopped: " + otherMs);
                    assertEquals(5, names.size());
                    assertTrue(s.get(3).runtimeNanos / MS < 1000, "the later batch runs until its own stopper");
                }
                default -> {
                    assertTrue(otherMs < 1000, what + ": every running job stopped: " + otherMs);
                    assertEquals(List.of("quick", "mate", "other"), names, "later jobs never run and are not reported");
                    assertTrue(took < 2000, "took " + took);
                }
            }
            for (JobStats x : s) {
                assertEquals(0, x.error, x.errorMessage);
            }
        }
    }

    @Test
    void numjobsClonesTakeDifferentRandomOffsets() throws Exception {
        JobOptions o = timed("r", 1);
        o.timeBased = false;
        o.runtimeNanos = 0;
        o.rateIops[0] = 0;
        o.rw = RwMode.RANDREAD;
        o.numjobs = 2;
        o.writeIolog = dir.resolve("trace").toString();
        List<JobStats> s = WorkloadRunner.run(List.of(o), RunSettings.defaults());
        assertEquals(2, s.size());
        assertEquals(256, s.get(0).read.ios);
        assertEquals(256, s.get(1).read.ios);
        assertTrue(java.nio.file.Files.exists(dir.resolve("trace")));
        assertTrue(java.nio.file.Files.exists(dir.resolve("trace.1")), "a clone's iolog gets its clone number");
        List<Long> first = IologTraces.read(dir.resolve("trace")).ops().stream()
                .filter(op -> op.action() == TraceAction.READ).map(TraceOp::offset).toList();
        List<Long> second = IologTraces.read(dir.resolve("trace.1")).ops().stream()
                .filter(op -> op.action() == TraceAction.READ).map(TraceOp::offset).toList();
        assertEquals(256, first.size());
        assertEquals(256, second.size());
        assertTrue(!first.equals(second), "clones have their own random sequence");
    }
}
