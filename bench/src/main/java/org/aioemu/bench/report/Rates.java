package org.aioemu.bench.report;

/**
 * A direction's derived figures, computed the way fio does so every format agrees: rates are over the
 * direction's runtime in whole milliseconds, with integer arithmetic where fio uses it.
 *
 * @param runtimeMillis the direction's runtime, 0 when it did no I/O
 * @param bytesPerSec   bytes * 1000 / runtime, truncated
 * @param iops          ios * 1000 / runtime, exact (JSON); fio's human output truncates it
 * @param bwAggPercent  the mean bandwidth sample as a share of the group's aggregate bandwidth, capped
 *                      at 100 (fio's "per=" and "bw_agg"); 0 without samples
 */
record Rates(long runtimeMillis, long bytesPerSec, double iops, double bwAggPercent) {

    static Rates of(JobStats job, int ddir, Groups.DirectionStatus group) {
        JobStats.Direction d = job.direction(ddir);
        long run = Groups.runtimeMillis(job, ddir);
        if (run == 0) {
            return new Rates(0, 0, 0, 0);
        }
        long bw = d.bytes * 1000 / run;
        double iops = d.ios * 1000.0 / run;
        double per = 0;
        if (d.bwKiB.samples() > 0) {
            long aggKiB = group.aggBytesPerSec() / 1024;
            per = aggKiB == 0 ? 100 : Math.min(100, d.bwKiB.mean() * 100 / aggKiB);
        }
        return new Rates(run, bw, iops, per);
    }

    /** fio's human output counts whole I/Os per second. */
    long iopsWhole() {
        return (long) iops;
    }
}
