package org.aioemu.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's terse format, version 3 ({@code --output-format=terse}): one semicolon-separated line per report
 * block. Latencies are in microseconds, sizes in KiB. Version 3 has read and write sections but no trim,
 * and no bw/iops sample counts. fio appends a disk-utilization section per disk; aioemu samples no disk
 * counters, so its lines end where fio's do for a job on a device-less engine (121 fields).
 */
final class TerseReport {
    /** Percentile fields are always 20: the list's entries, then "0%=0" fillers. */
    private static final int PERCENTILE_FIELDS = 20;

    private TerseReport() {
    }

    static void write(PrintStream out, List<Groups.Group> groups, ReportContext ctx) {
        for (Groups.Group g : groups) {
            for (JobStats block : g.blocks()) {
                out.println(String.join(";", fields(block, g, ctx)));
            }
        }
    }

    static List<String> fields(JobStats job, Groups.Group group, ReportContext ctx) {
        List<String> f = new ArrayList<>();
        f.add("3");
        f.add(ctx.version());
        f.add(job.options.name);
        f.add(Integer.toString(job.groupId));
        f.add(Integer.toString(job.reportedError()));
        direction(f, job, JobOptions.READ, group.status()[JobOptions.READ]);
        direction(f, job, JobOptions.WRITE, group.status()[JobOptions.WRITE]);
        int jobs = Math.max(1, job.jobs);
        f.add(String.format(Locale.ROOT, "%f%%", job.usrCpuPercent / jobs));
        f.add(String.format(Locale.ROOT, "%f%%", job.sysCpuPercent / jobs));
        f.add(Long.toString(job.contextSwitches));
        f.add(Long.toString(job.majorFaults));
        f.add(Long.toString(job.minorFaults));
        for (double p : Distributions.percents(job.depthLevels, 0.1)) {
            f.add(String.format(Locale.ROOT, "%.1f%%", p));
        }
        Distributions.Latency lat = Distributions.latency(job);
        for (double p : lat.usPercentsWithNs()) {
            f.add(String.format(Locale.ROOT, "%.2f%%", p));
        }
        for (double p : lat.msPercents()) {
            f.add(String.format(Locale.ROOT, "%.2f%%", p));
        }
        if (job.options.continueOnError != 0) {
            f.add(Long.toString(job.totalErr));
            f.add(Integer.toString(job.firstError));
        }
        for (DiskUtil d : ctx.disks()) { // fio repeats the devices at the end of every job's line
            f.add(d.name());
            for (long v : new long[] {d.readIos(), d.writeIos(), d.readMerges(), d.writeMerges(), d.readTicks(),
                    d.writeTicks(), d.inQueue()}) {
                f.add(Long.toString(v));
            }
            f.add(String.format(Locale.ROOT, "%.2f%%", d.utilPercent()));
        }
        return f;
    }

    /** KiB, KiB/s, IOPS, runtime; slat, clat, 20 clat percentiles, lat; bw min/max/agg%/mean/dev. */
    private static void direction(List<String> f, JobStats job, int ddir, Groups.DirectionStatus group) {
        JobStats.Direction d = job.direction(ddir);
        Rates r = Rates.of(job, ddir, group);
        f.add(Long.toString(d.bytes >> 10));
        f.add(Long.toString(r.bytesPerSec() / 1024));
        f.add(Long.toString(r.iopsWhole()));
        f.add(Long.toString(r.runtimeMillis()));
        latency(f, LatStats.of(d.slat()));
        LatStats clat = LatStats.of(d.clat());
        latency(f, clat);
        // fio: the total latency's percentiles with lat_percentiles, else the completion latency's, else none.
        Percentiles pct = Percentiles.of(job.options);
        LatStats of = pct.lat() ? LatStats.of(d.lat()) : clat;
        long[] values = pct.lat() || pct.clat() ? of.percentiles(pct.list()) : new long[0];
        for (int i = 0; i < PERCENTILE_FIELDS; i++) {
            f.add(i < values.length
                    ? String.format(Locale.ROOT, "%f%%=%d", pct.list()[i], values[i] / 1000)
                    : "0%=0");
        }
        latency(f, LatStats.of(d.lat()));
        SampleStats bw = d.bwKiB;
        f.add(Long.toString((long) bw.min()));
        f.add(Long.toString((long) bw.max()));
        f.add(String.format(Locale.ROOT, "%f%%", r.bwAggPercent()));
        f.add(String.format(Locale.ROOT, "%f", bw.mean()));
        f.add(String.format(Locale.ROOT, "%f", bw.stddev()));
    }

    /** min;max (whole usec);mean;stdev (usec, six decimals). */
    private static void latency(List<String> f, LatStats s) {
        f.add(Long.toString(s.min() / 1000));
        f.add(Long.toString(s.max() / 1000));
        f.add(String.format(Locale.ROOT, "%f", s.mean() / 1000));
        f.add(String.format(Locale.ROOT, "%f", s.stddev() / 1000));
    }
}
