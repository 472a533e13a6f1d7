package org.aioemu.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * fio's human summary for one job: the per-direction IOPS/bandwidth line, completion latency with its
 * percentiles, and the group's run-status lines. (The full fio report — slat/lat, bw and iops stats,
 * cpu, IO depths — grows with the CLI issue.)
 */
final class NormalOutput {
    private static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private NormalOutput() {
    }

    static void header(PrintStream out, JobSpec spec, String version) {
        String bs = Sizes.format(spec.blockSize());
        out.printf(Locale.ROOT, "%s: (g=0): rw=%s, bs=(R) %s-%s, (W) %s-%s, (T) %s-%s, ioengine=%s, iodepth=%d%n",
                spec.name(), spec.rw().fioName, bs, bs, bs, bs, bs, bs, spec.engine(), spec.iodepth());
        out.println("aioemu-" + version);
        out.println("Starting 1 thread");
    }

    static void job(PrintStream out, JobRunner.JobResult r) {
        JobSpec spec = r.spec;
        out.printf(Locale.ROOT, "%s: (groupid=0, jobs=1): err=%2d: pid=%d: %s%n", spec.name(), r.error,
                ProcessHandle.current().pid(), new java.util.Date());
        if (r.error != 0) {
            out.println("  error: " + r.errorMessage);
        }
        direction(out, "read", r.read, r.elapsedNanos());
        direction(out, "write", r.write, r.elapsedNanos());
        out.println();
        out.println("Run status group 0 (all jobs):");
        status(out, "READ", r.read, r.elapsedNanos());
        status(out, "WRITE", r.write, r.elapsedNanos());
    }

    private static void direction(PrintStream out, String name, JobRunner.JobResult.Direction d, long elapsedNanos) {
        if (d.ios == 0) {
            return;
        }
        double seconds = elapsedNanos / 1e9;
        double iops = d.ios / seconds;
        double bytesPerSec = d.bytes / seconds;
        out.printf(Locale.ROOT, "  %s: IOPS=%s, BW=%s (%s)(%s/%dmsec)%n", name, count(iops), binaryRate(bytesPerSec),
                decimalRate(bytesPerSec), binarySize(d.bytes), Math.round(elapsedNanos / 1e6));
        Histogram h = d.latency;
        Unit u = Unit.forNanos((long) h.getMean());
        out.printf(Locale.ROOT, "    clat (%s): min=%s, max=%s, avg=%.2f, stdev=%.2f%n", u.label,
                u.whole(h.getMinValue()), u.whole(h.getMaxValue()), h.getMean() / u.divisor, h.getStdDeviation() / u.divisor);
        out.printf(Locale.ROOT, "    clat percentiles (%s):%n", u.label);
        StringBuilder line = new StringBuilder("     |");
        for (int i = 0; i < PERCENTILES.length; i++) {
            double p = PERCENTILES[i];
            line.append(String.format(Locale.ROOT, " %5.2fth=[%5s]", p, u.whole(h.getValueAtPercentile(p))));
            boolean endOfRow = (i + 1) % 4 == 0 || i == PERCENTILES.length - 1;
            line.append(i == PERCENTILES.length - 1 ? "" : ",");
            if (endOfRow) {
                out.println(line);
                line.setLength(0);
                line.append("     |");
            }
        }
    }

    private static void status(PrintStream out, String name, JobRunner.JobResult.Direction d, long elapsedNanos) {
        if (d.ios == 0) {
            return;
        }
        double bytesPerSec = d.bytes / (elapsedNanos / 1e9);
        long ms = Math.round(elapsedNanos / 1e6);
        String bw = binaryRate(bytesPerSec);
        String dbw = decimalRate(bytesPerSec);
        out.printf(Locale.ROOT, "%7s: bw=%s (%s), %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec%n", name, bw, dbw, bw, bw, dbw, dbw,
                binarySize(d.bytes), decimalSize(d.bytes), ms, ms);
    }

    /** fio's num2str for counts: 35200 -> "35.2k", 612345 -> "612k", 999 -> "999". */
    static String count(double v) {
        String[] suffix = {"", "k", "M", "G", "T"};
        int i = 0;
        while (v >= 1000 && i < suffix.length - 1) {
            v /= 1000;
            i++;
        }
        if (i == 0) {
            return String.valueOf(Math.round(v));
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10
                ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v)) + suffix[i];
    }

    static String binaryRate(double bytesPerSec) {
        return scaled(bytesPerSec, 1024, new String[]{"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"});
    }

    static String decimalRate(double bytesPerSec) {
        return scaled(bytesPerSec, 1000, new String[]{"B/s", "kB/s", "MB/s", "GB/s", "TB/s"});
    }

    static String binarySize(double bytes) {
        return scaled(bytes, 1024, new String[]{"B", "KiB", "MiB", "GiB", "TiB"});
    }

    static String decimalSize(double bytes) {
        return scaled(bytes, 1000, new String[]{"B", "kB", "MB", "GB", "TB"});
    }

    /** Four significant figures at most, as fio prints sizes: 2391MiB/s, 23.4GiB. */
    private static String scaled(double v, int base, String[] units) {
        int i = 0;
        while (v >= 10_000 && i < units.length - 1) {
            v /= base;
            i++;
        }
        String num = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10
                ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
        return num + units[i];
    }

    /** The latency unit fio would choose for values up to {@code maxNanos}. */
    enum Unit {
        NSEC("nsec", 1), USEC("usec", 1_000), MSEC("msec", 1_000_000);

        final String label;
        final double divisor;

        Unit(String label, double divisor) {
            this.label = label;
            this.divisor = divisor;
        }

        static Unit forNanos(long typicalNanos) {
            return typicalNanos < 10_000 ? NSEC : typicalNanos < 10_000_000 ? USEC : MSEC;
        }

        String whole(long nanos) {
            return String.valueOf(Math.round(nanos / divisor));
        }
    }
}
