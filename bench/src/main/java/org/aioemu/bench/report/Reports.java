package org.aioemu.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CLI's entry to the result writers: fio's {@code --output-format} names, one call per format.
 * Jobs are passed as the runner produced them, one {@link JobStats} per job or numjobs clone; grouping
 * and group_reporting merges happen here, without touching the caller's objects.
 */
public final class Reports {
    /** The formats {@link #write} accepts, as fio spells them. */
    public static final Set<String> FORMATS = Set.of("normal", "json", "json+", "terse");

    private Reports() {
    }

    /**
     * Writes the results in {@code format}.
     *
     * @param format        normal, json, json+ or terse
     * @param jobs          one entry per job (clone), in job order
     * @param globalOptions the job file's [global] options as written (JSON "global options"); may be empty
     * @param version       what fio prints as its version, e.g. "aioemu-0.1.0"
     * @param disks         the block devices' counters over the run (fio's disk_util); may be empty
     * @throws IllegalArgumentException for any other format, naming the valid ones
     */
    public static void write(String format, List<JobStats> jobs, Map<String, String> globalOptions, String version,
                             List<DiskUtil> disks, PrintStream out) {
        write(format, jobs, ReportContext.now(version, globalOptions, disks), out);
    }

    /**
     * {@code format} is one format or, as fio takes it, a comma list of them ("normal,json"): each is written
     * whole, normal first, then terse, then the JSON document last as fio prints it (json+ covers json).
     */
    static void write(String format, List<JobStats> jobs, ReportContext ctx, PrintStream out) {
        Set<String> formats = formats(format);
        List<Groups.Group> groups = Groups.of(jobs);
        if (formats.contains("normal")) {
            NormalReport.write(out, groups, ctx);
        }
        if (formats.contains("terse")) {
            TerseReport.write(out, groups, ctx);
        }
        if (formats.contains("json") || formats.contains("json+")) {
            out.println(FioJson.write(JsonReport.build(groups, ctx, formats.contains("json+"))));
        }
        out.flush();
    }

    /** Fails fast, before a run, on a format {@link #write} would reject after it. */
    public static void checkFormat(String format) {
        formats(format);
    }

    /** Whether {@code format} (one format or a comma list) includes the normal output. */
    public static boolean includesNormal(String format) {
        return formats(format).contains("normal");
    }

    private static Set<String> formats(String format) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("unknown output format '" + format + "': valid formats are normal, json, json+, terse");
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String f : format.split(",", -1)) {
            String t = f.trim();
            if (!FORMATS.contains(t)) {
                throw new IllegalArgumentException("unknown output format '" + t + "'" + (format.contains(",") ? " in '" + format + "'" : "")
                        + ": valid formats are normal, json, json+, terse, or a comma list of them");
            }
            out.add(t);
        }
        return out;
    }

    /**
     * fio's pre-run lines: a description per job ("name: (g=0): rw=randread, bs=(R) 4096B-4096B, ...,
     * ioengine=psync, iodepth=1", "..." for clones), the version, and "Starting N threads".
     */
    public static void header(List<JobStats> jobs, String version, PrintStream out) {
        NormalHeader.print(out, jobs, version);
        out.flush();
    }
}
