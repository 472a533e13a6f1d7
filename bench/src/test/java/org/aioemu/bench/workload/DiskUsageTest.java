package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.DiskUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disk_util: devices found from files, counters read from /sys, differences as fio computes them. */
class DiskUsageTest {
    @TempDir
    Path dir;

    /** glibc's makedev, to check the decoding against. */
    private static long makedev(long major, long minor) {
        return ((major & 0xfff) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xff) | ((minor & ~0xffL) << 12);
    }

    @Test
    void devNumbersDecodeAsGlibcEncodesThem() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            long major = r.nextLong(1L << 32);
            long minor = r.nextLong(1L << 32);
            long dev = makedev(major, minor);
            assertEquals(major, DiskUsage.major(dev));
            assertEquals(minor, DiskUsage.minor(dev));
        }
        assertEquals(254, DiskUsage.major(65024));
        assertEquals(0, DiskUsage.minor(65024));
    }

    @Test
    void differencesAndUtilisation() {
        long[] a = {100, 1, 800, 10, 50, 2, 400, 20, 0, 1000, 5000};
        long[] b = {160, 1, 1280, 16, 80, 7, 640, 50, 0, 1250, 5600};
        DiskUtil d = DiskUsage.difference("vda", a, b, 1000);
        assertEquals(new DiskUtil("vda", 60, 30, 0, 5, 6, 30, 600, 25.0), d);
        assertEquals(100.0, DiskUsage.difference("vda", a, b, 100).utilPercent(), "capped at 100%");
    }

    @Test
    void aFileOnABlockDeviceHasItsDiskAndCountersMove() throws Exception {
        Path f = dir.resolve("img");
        String disk = DiskUsage.diskOf(f); // not created yet: its directory's device
        assumeTrue(disk != null, "the temporary directory is not on a block device here");
        assertTrue(Files.exists(Path.of("/sys/block", disk, "stat")));
        assertNotNull(DiskUsage.read(disk));
        assertEquals(disk, DiskUsage.diskOf(dir));

        JobOptions o = new JobOptions();
        o.name = "d";
        o.filename = f.toString();
        DiskUsage usage = DiskUsage.start(List.of(o));
        Files.write(f, new byte[1 << 20]);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // reaches the device
        }
        List<DiskUtil> out = usage.finish();
        assertEquals(1, out.size());
        assertEquals(disk, out.getFirst().name());
        assertTrue(out.getFirst().writeIos() > 0, "a synced MiB is at least one write: " + out.getFirst());

        o.diskUtil = false;
        assertTrue(DiskUsage.start(List.of(o)).finish().isEmpty(), "disk_util=0");
        o.diskUtil = true;
        o.ioengine = "null";
        assertTrue(DiskUsage.start(List.of(o)).finish().isEmpty(), "the null engine touches no device");
    }

    @Test
    void noDeviceForProcOrNonsense() {
        assertNull(DiskUsage.diskOf(Path.of("/proc/self/status")));
        assertNull(DiskUsage.read("no-such-disk"));
    }
}
