package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

class GroupsTest {
    @Test
    void groupReportingFoldsClonesIntoOneBlock() {
        JobStats a = Synthetic.reader("a", 0);
        JobStats b = Synthetic.reader("a", 0);
        a.options.groupReporting = true;
        b.options.groupReporting = true;
        JobStats c = Synthetic.reader("c", 1);

        List<Groups.Group> groups = Groups.of(List.of(c, a, b));

        assertEquals(2, groups.size());
        assertEquals(0, groups.get(0).id(), "groups come out in id order");
        JobStats merged = groups.get(0).blocks().getFirst();
        assertEquals(1, groups.get(0).blocks().size());
        assertEquals(2, merged.jobs);
        assertEquals(2000, merged.read.ios);
        assertEquals(2000, merged.read.clat().count());
        assertEquals(6, merged.read.bwKiB.samples());
        // The caller's objects are left alone.
        assertEquals(1000, a.read.ios);
        assertEquals(1, a.jobs);
        assertNotSame(a, merged);

        Groups.DirectionStatus read = groups.get(0).status()[JobOptions.READ];
        assertEquals(8_192_000, read.aggBytesPerSec());
        assertEquals(8_192_000, read.minBytesPerSec(), "one block: min = max = its bandwidth");
        assertEquals(8_192_000, read.maxBytesPerSec());
        assertEquals(8_192_000, read.ioBytes());
        assertFalse(groups.get(0).status()[JobOptions.WRITE].present());
    }

    @Test
    void withoutGroupReportingEachJobIsABlockAndStatusSpansThem() {
        JobStats fast = Synthetic.reader("fast", 0);
        JobStats slow = Synthetic.reader("slow", 0);
        slow.runtimeNanos = 2_000_000_000L;

        Groups.Group g = Groups.of(List.of(fast, slow)).getFirst();

        assertEquals(2, g.blocks().size());
        Groups.DirectionStatus read = g.status()[JobOptions.READ];
        assertTrue(read.present());
        // 8192000 bytes over the longest runtime, 2 s.
        assertEquals(4_096_000, read.aggBytesPerSec());
        assertEquals(2_048_000, read.minBytesPerSec());
        assertEquals(4_096_000, read.maxBytesPerSec());
        assertEquals(1000, read.minRunMillis());
        assertEquals(2000, read.maxRunMillis());
        assertEquals("   READ: bw=4000KiB/s (4096kB/s), 2000KiB/s-4000KiB/s (2048kB/s-4096kB/s), io=8000KiB (8192kB), run=1000-2000msec",
                NormalReport.statusLine("READ", read));
    }

    @Test
    void mergedCpuIsAveragedInTheReport() {
        JobStats a = Synthetic.reader("a", 0);
        JobStats b = Synthetic.reader("a", 0);
        a.options.groupReporting = true;
        b.options.groupReporting = true;
        b.usrCpuPercent = 2.5;
        String out = NormalReportTest.normal(List.of(a, b));
        assertTrue(out.startsWith("a: (groupid=0, jobs=2): err= 0: "), out);
        assertTrue(out.contains("  cpu          : usr=2.00%, sys=12.25%, ctx=4000, majf=0, minf=28\n"), out);
        assertTrue(out.contains("  read: IOPS=2000, BW=8000KiB/s (8192kB/s)(8000KiB/1000msec)\n"), out);
    }

    @Test
    void directionRuntimeFallsBackToTheJobsAndIsZeroWithoutIo() {
        JobStats j = Synthetic.reader("r", 0);
        assertEquals(1000, Groups.runtimeMillis(j, JobOptions.READ));
        assertEquals(0, Groups.runtimeMillis(j, JobOptions.WRITE));
        j.read.runtimeNanos = 500_000_000L;
        assertEquals(500, Groups.runtimeMillis(j, JobOptions.READ));
    }
}
