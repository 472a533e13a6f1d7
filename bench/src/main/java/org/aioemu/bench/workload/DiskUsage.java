package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.DiskUtil;

/**
 * fio's disk utilisation: the block devices under the jobs' files, with their kernel counters read when the
 * run starts and when it ends. A file's device comes from its {@code st_dev} (its directory's, when the job
 * has yet to create it) through {@code /sys/dev/block/MAJOR:MINOR}; a partition counts as its whole disk.
 * Files on no block device (tmpfs, overlay) have none, and a job with {@code disk_util=0} or the null engine
 * contributes none, as in fio. Unlike fio, the slaves of device-mapper and md devices are not followed.
 *
 * <p>Threading: made and finished by the thread that runs the workload; holds no shared state.
 */
public final class DiskUsage {
    private static final Path SYS_DEV_BLOCK = Path.of("/sys/dev/block");
    private static final Path SYS_BLOCK = Path.of("/sys/block");

    /** Device name to its counters at start, in the order the jobs name them. */
    private final Map<String, long[]> before;
    private final long startNanos;

    private DiskUsage(Map<String, long[]> before, long startNanos) {
        this.before = before;
        this.startNanos = startNanos;
    }

    /** Resolves the devices of every job's files and reads their counters now. Never fails: unknowns are skipped. */
    public static DiskUsage start(List<JobOptions> jobs) {
        Map<String, long[]> before = new LinkedHashMap<>();
        for (JobOptions o : jobs) {
            if (!o.diskUtil || JobSetup.isNullEngine(o) || NbdJobs.isNbd(o)) { // an export's disks are the server's
                continue;
            }
            for (int clone = 0; clone < Math.max(1, o.numjobs); clone++) {
                for (String name : JobFiles.names(o, clone)) {
                    String disk = diskOf(Path.of(name));
                    if (disk != null && !before.containsKey(disk)) {
                        long[] counters = read(disk);
                        if (counters != null) {
                            before.put(disk, counters);
                        }
                    }
                }
            }
        }
        return new DiskUsage(before, System.nanoTime());
    }

    /** The counters' changes since {@link #start}, one entry per device. */
    public List<DiskUtil> finish() {
        long elapsedMs = Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
        List<DiskUtil> out = new ArrayList<>();
        before.forEach((disk, start) -> {
            long[] end = read(disk);
            if (end != null) {
                out.add(difference(disk, start, end, elapsedMs));
            }
        });
        return out;
    }

    /** Field order of /sys/block/NAME/stat (Documentation/block/stat.rst). */
    static final int READ_IOS = 0;
    static final int READ_MERGES = 1;
    static final int READ_TICKS = 3;
    static final int WRITE_IOS = 4;
    static final int WRITE_MERGES = 5;
    static final int WRITE_TICKS = 7;
    static final int IO_TICKS = 9;
    static final int TIME_IN_QUEUE = 10;

    static DiskUtil difference(String disk, long[] a, long[] b, long elapsedMs) {
        double util = Math.min(100.0, 100.0 * (b[IO_TICKS] - a[IO_TICKS]) / elapsedMs);
        return new DiskUtil(disk, b[READ_IOS] - a[READ_IOS], b[WRITE_IOS] - a[WRITE_IOS],
                b[READ_MERGES] - a[READ_MERGES], b[WRITE_MERGES] - a[WRITE_MERGES], b[READ_TICKS] - a[READ_TICKS],
                b[WRITE_TICKS] - a[WRITE_TICKS], b[TIME_IN_QUEUE] - a[TIME_IN_QUEUE], util);
    }

    /** The whole disk holding {@code file} (or, if it does not exist yet, its directory), or null. */
    static String diskOf(Path file) {
        Path p = file.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return null;
        }
        try {
            long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
            Path node = SYS_DEV_BLOCK.resolve(major(dev) + ":" + minor(dev));
            if (!Files.exists(node)) {
                return null; // tmpfs, overlay, NFS: no block device
            }
            Path real = node.toRealPath();
            if (Files.exists(real.resolve("partition"))) {
                real = real.getParent();
            }
            String name = real.getFileName().toString();
            return Files.exists(SYS_BLOCK.resolve(name).resolve("stat")) ? name : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** glibc's decoding of a Linux dev_t. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    }

    /** The counters of {@code /sys/block/disk/stat}, or null when they cannot be read. */
    static long[] read(String disk) {
        try {
            String[] f = Files.readString(SYS_BLOCK.resolve(disk).resolve("stat")).trim().split("\\s+");
            if (f.length <= TIME_IN_QUEUE) {
                return null;
            }
            long[] v = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            return v;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
