package org.aioemu.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.aioemu.bench.job.JobOptions;

/**
 * What fio prints before the run starts: one description line per job ("..." stands for its numjobs
 * clones), the version, and "Starting N threads" (aioemu's jobs are threads, never processes).
 */
final class NormalHeader {
    private NormalHeader() {
    }

    static void print(PrintStream out, List<JobStats> jobs, String version) {
        JobOptions previous = null;
        boolean elided = false;
        for (JobStats job : jobs) {
            JobOptions o = job.options;
            boolean clone = previous != null && sameSection(previous, o);
            if (!clone) {
                out.println(describe(o, job.groupId));
                elided = false;
            } else if (!elided) {
                out.println("...");
                elided = true;
            }
            previous = o;
        }
        out.println(version);
        out.printf("Starting %d thread%s%n", jobs.size(), jobs.size() == 1 ? "" : "s");
    }

    /** numjobs clones share their section's name and origin. */
    private static boolean sameSection(JobOptions a, JobOptions b) {
        return a.numjobs > 1 && a.name != null && a.name.equals(b.name) && a.source.equals(b.source);
    }

    /** "t: (g=0): rw=randrw, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=libaio, iodepth=16". */
    static String describe(JobOptions o, int groupId) {
        return String.format(Locale.ROOT, "%s: (g=%d): rw=%s, bs=(R) %s, (W) %s, (T) %s, ioengine=%s, iodepth=%d", o.name,
                groupId, o.rw.fioName, blockSizes(o, JobOptions.READ), blockSizes(o, JobOptions.WRITE),
                blockSizes(o, JobOptions.TRIM), o.ioengine, o.iodepth);
    }

    /** The smallest and largest block size a direction can use, as "4096B-64.0KiB". */
    private static String blockSizes(JobOptions o, int ddir) {
        long low = o.bs[ddir];
        long high = o.bs[ddir];
        if (o.bssplit[ddir] != null && o.bssplit[ddir].length > 0) {
            low = Long.MAX_VALUE;
            high = 0;
            for (JobOptions.BsSplit s : o.bssplit[ddir]) {
                low = Math.min(low, s.blockSize());
                high = Math.max(high, s.blockSize());
            }
        } else if (o.bsrangeLow[ddir] > 0) {
            low = o.bsrangeLow[ddir];
            high = o.bsrangeHigh[ddir];
        }
        return Num2Str.format(low, 4, true, "B") + "-" + Num2Str.format(high, 4, true, "B");
    }
}
