package org.aioemu.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's human summary ({@code --output-format=normal}): every block of every group, then each group's
 * "Run status group N (all jobs):" lines, laid out as fio 3.33 prints them.
 */
final class NormalReport {
    private static final String[] STATUS_NAMES = {"READ", "WRITE", "TRIM", "MIXED"};

    private NormalReport() {
    }

    static void write(PrintStream out, List<Groups.Group> groups, ReportContext ctx) {
        for (Groups.Group g : groups) {
            for (JobStats block : g.blocks()) {
                block(out, block, g, ctx);
            }
        }
        for (Groups.Group g : groups) {
            out.println();
            out.printf("Run status group %d (all jobs):%n", g.id());
            JobOptions firstJob = g.blocks().getFirst().options;
            for (int ddir = JobOptions.READ; ddir <= JobOptions.MIXED; ddir++) {
                Groups.DirectionStatus s = g.status()[ddir];
                if (shown(firstJob, ddir) && s.present()) {
                    JobOptions first = g.blocks().getFirst().options; // fio takes a group's units from its first job
                    out.println(statusLine(STATUS_NAMES[ddir], s, first.significantFigures, first.kbBase));
                }
            }
        }
        if (!ctx.disks().isEmpty()) {
            out.println();
            out.println("Disk stats (read/write):");
            for (DiskUtil d : ctx.disks()) {
                out.println(diskLine(d));
            }
        }
    }

    /** "  vda: ios=2400/0, merge=0/0, ticks=96/0, in_queue=96, util=36.53%". */
    static String diskLine(DiskUtil d) {
        return String.format(Locale.ROOT, "  %s: ios=%d/%d, merge=%d/%d, ticks=%d/%d, in_queue=%d, util=%.2f%%", d.name(),
                d.readIos(), d.writeIos(), d.readMerges(), d.writeMerges(), d.readTicks(), d.writeTicks(), d.inQueue(),
                d.utilPercent());
    }

    /** "   READ: bw=51.9MiB/s (54.4MB/s), 51.9MiB/s-51.9MiB/s (54.4MB/s-54.4MB/s), io=104MiB (109MB), run=2001-2001msec". */
    static String statusLine(String name, Groups.DirectionStatus s) {
        return statusLine(name, s, 4, 1024);
    }

    /** With fio's significant_figures and kb_base, as {@link NormalDirection#ioLine}. */
    static String statusLine(String name, Groups.DirectionStatus s, int figures, int kbBase) {
        boolean binary = kbBase != 1000;
        return String.format(Locale.ROOT, "%7s: bw=%s (%s), %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec", name,
                rate(s.aggBytesPerSec(), figures, binary), rate(s.aggBytesPerSec(), figures, !binary),
                rate(s.minBytesPerSec(), figures, binary), rate(s.maxBytesPerSec(), figures, binary),
                rate(s.minBytesPerSec(), figures, !binary), rate(s.maxBytesPerSec(), figures, !binary),
                Num2Str.format(s.ioBytes(), figures, binary, "B"), Num2Str.format(s.ioBytes(), figures, !binary, "B"),
                s.minRunMillis(), s.maxRunMillis());
    }

    private static String rate(long bytesPerSec, int figures, boolean binary) {
        return Num2Str.format(bytesPerSec, figures, binary, "B/s");
    }

    /** Whether direction {@code ddir} is reported: read/write/trim unless unified_rw_reporting=mixed, mixed with it. */
    private static boolean shown(JobOptions o, int ddir) {
        return ddir == JobOptions.MIXED ? o.unifiedRwReporting != 0 : o.unifiedRwReporting != 1;
    }

    static void block(PrintStream out, JobStats job, Groups.Group group, ReportContext ctx) {
        // With continue_on_error, fio reports the first error it went on after, as the job's error.
        String message = job.reportedErrorMessage();
        String err = job.reportedError() == 0 || message == null ? "" : " (error=" + message + ")";
        out.printf(Locale.ROOT, "%s: (groupid=%d, jobs=%d): err=%2d%s: pid=%d: %s%n", job.options.name, job.groupId,
                job.jobs, job.reportedError(), err, ctx.pid(), ctx.ctime(ctx.endEpochMillis(job)));
        for (int ddir = JobOptions.READ; ddir <= JobOptions.MIXED; ddir++) {
            if (!shown(job.options, ddir)) {
                continue;
            }
            JobStats.Direction d = job.direction(ddir);
            if (d.ios > 0 || d.bytes > 0) {
                NormalDirection.print(out, job, ddir, group.status()[ddir]);
            }
        }
        Distributions.Latency lat = Distributions.latency(job);
        latencyDistributionLines(lat.nsPercents(), lat.usPercents(), lat.msPercents()).forEach(out::println);
        NormalDirection.printSync(out, job);
        // CPU figures add up over merged jobs; fio shows their average, the counters summed.
        int jobs = Math.max(1, job.jobs);
        out.println(cpuLine(job.usrCpuPercent / jobs, job.sysCpuPercent / jobs, job.contextSwitches, job.majorFaults,
                job.minorFaults));
        out.println(distLine("  IO depths    : ", Distributions.DEPTH_LABELS, Distributions.percents(job.depthLevels, 0.1)));
        out.println(distLine("     submit    : ", Distributions.BATCH_LABELS, Distributions.percents(job.submitLevels, 0.1)));
        out.println(distLine("     complete  : ", Distributions.BATCH_LABELS, Distributions.percents(job.completeLevels, 0.1)));
        out.printf(Locale.ROOT, "     issued rwts: total=%d,%d,%d,%d short=%d,%d,%d,%d dropped=%d,%d,%d,%d%n",
                job.read.ios, job.write.ios, job.trim.ios, job.syncsCounted(),
                job.read.shortIos, job.write.shortIos, job.trim.shortIos, job.sync.shortIos,
                job.read.droppedIos, job.write.droppedIos, job.trim.droppedIos, job.sync.droppedIos);
        if (job.options.continueOnError != 0) {
            out.printf(Locale.ROOT, "     errors    : total=%d, first_error=%d/<%s>%n", job.totalErr, job.firstError,
                    job.firstError == 0 ? "Success" : org.aioemu.engine.Errno.describe(job.firstError));
        }
        if (job.replayLateness != null && job.replayLateness.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "     replay lateness (usec): p50=%.1f, p99=%.1f, max=%.1f, N=%d%n",
                    job.replayLateness.getValueAtPercentile(50) / 1000.0, job.replayLateness.getValueAtPercentile(99) / 1000.0,
                    job.replayLateness.getMaxValue() / 1000.0, job.replayLateness.getTotalCount());
        }
        // fio prints these neutral values when latency_target is unset (depth: iodepth).
        out.printf(Locale.ROOT, "     latency   : target=%d, window=%d, percentile=%.2f%%, depth=%d%n",
                job.options.latencyTargetNanos, job.options.latencyWindowNanos / 1000, // as fio: target in ns, window in µs
                job.options.latencyTargetNanos > 0 ? job.options.latencyPercentile : 100.0,
                job.latencyDepth > 0 ? job.latencyDepth : job.options.iodepth);
        if (job.steadyState != null) {
            out.println(steadyStateLine(job.steadyState, job.options.significantFigures, job.options.kbBase));
        }
    }

    /** "  steadystate  : attained=yes, bw=52.1MiB/s (54.6MB/s), iops=13.3k, iops mean dev=1.234%". */
    static String steadyStateLine(SteadyStateResult ss, int figures, int kbBase) {
        boolean binary = kbBase != 1000;
        long bw = ss.bwMean();
        return String.format(Locale.ROOT, "  steadystate  : attained=%s, bw=%s (%s), iops=%s, %s%s=%.3f%s",
                ss.attained() ? "yes" : "no", Num2Str.format(bw, figures, binary, "B/s"),
                Num2Str.format(bw, figures, !binary, "B/s"), Num2Str.format(ss.iopsMean(), figures, false, ""),
                ss.criterionName().startsWith("iops") ? "iops" : "bw", ss.criterionName().endsWith("_slope") ? " slope" : " mean dev",
                ss.criterion(), ss.percent() ? "%" : "");
    }

    /** "  cpu          : usr=1.50%, sys=37.45%, ctx=26881, majf=0, minf=14". */
    static String cpuLine(double usr, double sys, long ctx, long majf, long minf) {
        return String.format(Locale.ROOT, "  cpu          : usr=%3.2f%%, sys=%3.2f%%, ctx=%d, majf=%d, minf=%d", usr, sys, ctx, majf, minf);
    }

    /** "  IO depths    : 1=0.1%, 2=0.1%, ..., >=64=0.0%". */
    static String distLine(String prefix, String[] labels, double[] percents) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            parts.add(String.format(Locale.ROOT, "%s=%3.1f%%", labels[i], percents[i]));
        }
        return prefix + String.join(", ", parts);
    }

    /** "  lat (usec)   : 2=0.01%, 100=0.01%, ...": non-empty buckets only, five to a line. */
    static List<String> latencyDistributionLines(double[] ns, double[] us, double[] ms) {
        List<String> lines = new ArrayList<>();
        latencyLines(lines, "nsec", Distributions.SUB_MS_LABELS, ns);
        latencyLines(lines, "usec", Distributions.SUB_MS_LABELS, us);
        latencyLines(lines, "msec", Distributions.MS_LABELS, ms);
        return lines;
    }

    private static void latencyLines(List<String> lines, String unit, String[] labels, double[] percents) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (percents[i] > 0) {
                entries.add(String.format(Locale.ROOT, "%s=%3.2f%%", labels[i], percents[i]));
            }
        }
        for (int from = 0; from < entries.size(); from += 5) {
            lines.add("  lat (" + unit + ")   : " + String.join(", ", entries.subList(from, Math.min(entries.size(), from + 5))));
        }
    }
}
