package org.aioemu.bench.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a report needs besides the job statistics: the version string fio would print as "fio-3.33", the
 * {@code [global]} options, the wall clock at report time, the pid, the time zone and the block devices'
 * counters over the run. Passing them in keeps the writers deterministic under test.
 */
record ReportContext(String version, Map<String, String> globalOptions, long nowEpochMillis, long pid, ZoneId zone,
                     List<DiskUtil> disks) {
    /** C's ctime() layout, which fio uses for job end times and the JSON "time": "Mon Nov  3 21:37:08 2026". */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    ReportContext {
        // Insertion order is the job file's order, which the JSON "global options" keeps.
        globalOptions = Collections.unmodifiableMap(new LinkedHashMap<>(globalOptions));
        disks = List.copyOf(disks);
    }

    /** Without disk statistics. */
    ReportContext(String version, Map<String, String> globalOptions, long nowEpochMillis, long pid, ZoneId zone) {
        this(version, globalOptions, nowEpochMillis, pid, zone, List.of());
    }

    static ReportContext now(String version, Map<String, String> globalOptions, List<DiskUtil> disks) {
        return new ReportContext(version, globalOptions, System.currentTimeMillis(), ProcessHandle.current().pid(),
                ZoneId.systemDefault(), disks);
    }

    String ctime(long epochMillis) {
        return CTIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    /** When a job ended: its start plus runtime, or report time when the runner did not stamp the start. */
    long endEpochMillis(JobStats job) {
        return job.startEpochMillis > 0 ? job.startEpochMillis + job.runtimeNanos / 1_000_000 : nowEpochMillis;
    }
}
