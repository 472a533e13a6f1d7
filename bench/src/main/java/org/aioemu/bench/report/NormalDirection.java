package org.aioemu.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.aioemu.bench.job.JobOptions;

/**
 * The per-direction part of fio's human report: the IOPS/BW line, slat/clat/lat, the completion latency
 * percentiles and the bw/iops sample statistics. Also prints the fsync block, which has the same shape.
 * Each line is built from plain numbers, so tests can feed it the figures of a real fio run and compare
 * the text with what fio printed.
 */
final class NormalDirection {
    private static final String[] NAMES = {"read", "write", "trim", "mixed"};

    private NormalDirection() {
    }

    static void print(PrintStream out, JobStats job, int ddir, Groups.DirectionStatus group) {
        JobStats.Direction d = job.direction(ddir);
        Rates r = Rates.of(job, ddir, group);
        out.println(ioLine(ddir, d.ios, d.bytes, r.runtimeMillis(), job.options.significantFigures, job.options.kbBase));
        LatStats slat = LatStats.of(d.slat());
        LatStats clat = LatStats.of(d.clat());
        LatStats lat = LatStats.of(d.lat());
        printIfMeasured(out, "slat", slat);
        printIfMeasured(out, "clat", clat);
        printIfMeasured(out, " lat", lat);
        Percentiles pct = Percentiles.of(job.options);
        if (pct.slat() && slat.hasPercentiles()) {
            percentileLines("slat", pct, slat.percentiles(pct.list())).forEach(out::println);
        }
        if (pct.clat() && clat.hasPercentiles()) {
            percentileLines("clat", pct, clat.percentiles(pct.list())).forEach(out::println);
        }
        if (pct.lat() && lat.hasPercentiles()) {
            percentileLines("lat", pct, lat.percentiles(pct.list())).forEach(out::println);
        }
        SampleStats bw = d.bwKiB;
        if (bw.samples() > 0) {
            out.println(bwLine(bw.min(), bw.max(), r.bwAggPercent(), bw.mean(), bw.stddev(), bw.samples()));
        }
        SampleStats iops = d.iops;
        if (iops.samples() > 0) {
            out.println(iopsLine(iops.min(), iops.max(), iops.mean(), iops.stddev(), iops.samples()));
        }
    }

    /** "  fsync/fdatasync/sync_file_range:" with the sync latency and its percentiles; nothing without syncs. */
    static void printSync(PrintStream out, JobStats job) {
        LatStats sync = LatStats.of(job.sync.lat());
        if (sync.count() == 0) {
            return;
        }
        out.println("  fsync/fdatasync/sync_file_range:");
        out.println(latencyLine("sync", sync));
        Percentiles pct = Percentiles.of(job.options);
        if ((pct.clat() || pct.lat()) && sync.hasPercentiles()) {
            percentileLines("sync", pct, sync.percentiles(pct.list())).forEach(out::println);
        }
    }

    private static void printIfMeasured(PrintStream out, String name, LatStats s) {
        if (s.count() > 0) {
            out.println(latencyLine(name, s));
        }
    }

    /** "  read: IOPS=13.6k, BW=53.3MiB/s (55.9MB/s)(53.3MiB/1001msec)". */
    static String ioLine(int ddir, long ios, long bytes, long runtimeMillis) {
        return ioLine(ddir, ios, bytes, runtimeMillis, 4, 1024);
    }

    /**
     * With fio's significant_figures (the digits each figure keeps) and kb_base (1000: decimal units first, the
     * binary ones in brackets; 1024: the other way round).
     */
    static String ioLine(int ddir, long ios, long bytes, long runtimeMillis, int figures, int kbBase) {
        long run = Math.max(1, runtimeMillis);
        long bw = bytes * 1000 / run;
        boolean binary = kbBase != 1000;
        // fio 3.x appends the zoned-block-device reset count to every write line, zero on ordinary files.
        String zoneResets = ddir == JobOptions.WRITE ? "; 0 zone resets" : "";
        return String.format(Locale.ROOT, "  %s: IOPS=%s, BW=%s (%s)(%s/%dmsec)%s", NAMES[ddir],
                Num2Str.format(ios * 1000 / run, figures, false, ""), Num2Str.format(bw, figures, binary, "B/s"),
                Num2Str.format(bw, figures, !binary, "B/s"), Num2Str.format(bytes, figures, binary, "B"), runtimeMillis,
                zoneResets);
    }

    /** "    clat (usec): min=22, max=5368, avg=56.00, stdev=165.67". */
    static String latencyLine(String name, LatStats s) {
        LineUnit u = LineUnit.choose(s);
        return String.format(Locale.ROOT, "    %s (%s): min=%s, max=%s, avg=%5.2f, stdev=%5.2f", name, u.label,
                Num2Str.format(s.min() / u.divisor, 6, false, ""), Num2Str.format(s.max() / u.divisor, 6, false, ""),
                s.mean() / u.divisor, s.stddev() / u.divisor);
    }

    /**
     * fio's percentile block. The unit follows the same idea as the latency lines: scale up only when even
     * the smallest percentile is large (over 2000 ns for usec, over 2 ms for msec) and the largest is past
     * 99999 of the smaller unit; values round up. Columns are as wide as the largest value (at least 5) and
     * as many entries as fit in 80 characters share a row (4 at width 5 or 6, 3 beyond).
     */
    static List<String> percentileLines(String name, long[] values) {
        return percentileLines(name, Percentiles.DEFAULT, values);
    }

    /** As above, for {@code pct}'s list, each percentile printed with its precision (fio's percentile_list). */
    static List<String> percentileLines(String name, Percentiles pct, long[] values) {
        long smallest = values[0];
        long largest = values[values.length - 1];
        long divisor = smallest > 2_000_000 && largest > 99_999_999L ? 1_000_000
                : smallest > 2_000 && largest > 99_999 ? 1_000 : 1;
        String unit = divisor == 1_000_000 ? "msec" : divisor == 1_000 ? "usec" : "nsec";
        int width = Math.max(5, Long.toString((largest + divisor - 1) / divisor).length());
        // "     |" then entries of " 99.99th=[" + value + "],": precision + 10 characters around the value.
        int precision = pct.precision();
        int perRow = Math.max(1, (80 - 7) / (precision + 10 + width));
        String format = " %" + (precision + 3) + "." + precision + "fth=[%" + width + "d]";
        List<String> lines = new ArrayList<>();
        lines.add("    " + name + " percentiles (" + unit + "):");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i % perRow == 0) {
                line.append("     |");
            }
            long scaled = (values[i] + divisor - 1) / divisor;
            line.append(String.format(Locale.ROOT, format, pct.list()[i], scaled));
            boolean last = i == values.length - 1;
            if (!last) {
                line.append(',');
            }
            if (last || i % perRow == perRow - 1) {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        return lines;
    }

    /** "   bw (  KiB/s): min=53416, max=53896, per=100.00%, avg=53656.00, stdev=240.00, samples=3". */
    static String bwLine(double minKiB, double maxKiB, double per, double meanKiB, double devKiB, long samples) {
        // Past 1 GiB/s fio switches the bw line to MiB so the columns stay narrow.
        double scale = meanKiB > 1024.0 * 1024 ? 1024 : 1;
        return String.format(Locale.ROOT, "   bw (%5s/s): min=%5d, max=%5d, per=%3.2f%%, avg=%5.2f, stdev=%5.2f, samples=%d",
                scale == 1 ? "KiB" : "MiB", (long) (minKiB / scale), (long) (maxKiB / scale), per, meanKiB / scale,
                devKiB / scale, samples);
    }

    /** "   iops        : min=13354, max=13474, avg=13414.00, stdev=60.00, samples=3". */
    static String iopsLine(double min, double max, double mean, double dev, long samples) {
        return String.format(Locale.ROOT, "   iops        : min=%5d, max=%5d, avg=%5.2f, stdev=%5.2f, samples=%d",
                (long) min, (long) max, mean, dev, samples);
    }

    /**
     * The unit of a min/max/avg/stdev line. fio only scales up when all of min, max and stdev are large in
     * the bigger unit, so a job with a few very fast I/Os keeps printing nanoseconds.
     */
    private enum LineUnit {
        NSEC("nsec", 1), USEC("usec", 1_000), MSEC("msec", 1_000_000);

        final String label;
        final long divisor;

        LineUnit(String label, long divisor) {
            this.label = label;
            this.divisor = divisor;
        }

        static LineUnit choose(LatStats s) {
            if (s.min() > 2_000_000 && s.max() > 99_999_999L && s.stddev() > 1_000_000) {
                return MSEC;
            }
            if (s.min() > 2_000 && s.max() > 99_999 && s.stddev() > 1_000) {
                return USEC;
            }
            return NSEC;
        }
    }
}
