package org.aioemu.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's reporting groups. Jobs are reported one block each, except that consecutive jobs of one group
 * that all ask for {@code group_reporting} fold into one block (named after the first, {@code jobs=N}).
 * Each group also gets the "Run status group N" figures, computed over its blocks as fio does: the
 * aggregate bandwidth is the group's bytes over its longest runtime, min/max are per block.
 */
final class Groups {
    private Groups() {
    }

    /** Groups in ascending id order, each with its blocks in job order. The input is not modified. */
    static List<Group> of(List<JobStats> jobs) {
        Map<Integer, List<JobStats>> blocksByGroup = new LinkedHashMap<>();
        JobStats open = null;
        for (JobStats job : jobs) {
            List<JobStats> blocks = blocksByGroup.computeIfAbsent(job.groupId, g -> new ArrayList<>());
            boolean joins = open != null && job.options.groupReporting && open.options.groupReporting
                    && open.groupId == job.groupId && !blocks.isEmpty() && blocks.getLast() == open;
            if (joins) {
                open.merge(job);
                open.startEpochMillis = Math.min(open.startEpochMillis, job.startEpochMillis);
            } else {
                open = copyOf(job);
                blocks.add(open);
            }
        }
        List<Group> groups = new ArrayList<>();
        blocksByGroup.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.add(new Group(e.getKey(), List.copyOf(e.getValue()), status(e.getValue()))));
        return groups;
    }

    /** A fresh block holding {@code job}'s numbers, so merging never alters the caller's objects. */
    private static JobStats copyOf(JobStats job) {
        JobStats copy = new JobStats(job.options, job.groupId);
        copy.jobs = 0;
        copy.merge(job);
        copy.startEpochMillis = job.startEpochMillis;
        return copy;
    }

    private static DirectionStatus[] status(List<JobStats> blocks) {
        DirectionStatus[] out = new DirectionStatus[4];
        for (int ddir = JobOptions.READ; ddir <= JobOptions.MIXED; ddir++) {
            long bytes = 0;
            long minBw = Long.MAX_VALUE;
            long maxBw = 0;
            long minRun = Long.MAX_VALUE;
            long maxRun = 0;
            for (JobStats b : blocks) {
                long run = runtimeMillis(b, ddir);
                if (run == 0) {
                    continue;
                }
                long blockBytes = b.direction(ddir).bytes;
                long bw = blockBytes * 1000 / run;
                bytes += blockBytes;
                minBw = Math.min(minBw, bw);
                maxBw = Math.max(maxBw, bw);
                minRun = Math.min(minRun, run);
                maxRun = Math.max(maxRun, run);
            }
            out[ddir] = maxRun == 0 ? DirectionStatus.NONE
                    : new DirectionStatus(bytes * 1000 / maxRun, minBw, maxBw, bytes, minRun, maxRun);
        }
        return out;
    }

    /**
     * A direction's runtime in whole milliseconds, as fio keeps it: the direction's own active time, or the
     * job's when the runner did not track it per direction; 0 when the direction did no I/O; at least 1 ms
     * otherwise, so rates stay finite.
     */
    static long runtimeMillis(JobStats job, int ddir) {
        JobStats.Direction d = job.direction(ddir);
        if (d.ios == 0 && d.bytes == 0) {
            return 0;
        }
        long nanos = d.runtimeNanos > 0 ? d.runtimeNanos : job.runtimeNanos;
        return Math.max(1, nanos / 1_000_000);
    }

    /** One group: its report blocks and its run-status figures per direction (READ, WRITE, TRIM, MIXED). */
    record Group(int id, List<JobStats> blocks, DirectionStatus[] status) {
    }

    /**
     * A direction's run status: aggregate bandwidth (bytes/s), the slowest and fastest block's bandwidth,
     * total bytes and the shortest and longest runtime (ms).
     */
    record DirectionStatus(long aggBytesPerSec, long minBytesPerSec, long maxBytesPerSec, long ioBytes,
                           long minRunMillis, long maxRunMillis) {
        static final DirectionStatus NONE = new DirectionStatus(0, 0, 0, 0, 0, 0);

        boolean present() {
            return maxRunMillis > 0;
        }
    }
}
