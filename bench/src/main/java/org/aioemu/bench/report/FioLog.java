package org.aioemu.bench.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fio log file ({@code write_bw_log}, {@code write_iops_log}, {@code write_lat_log}): its name says
 * the prefix, the kind and the job number ({@code PREFIX_bw.1.log}); each line is
 * {@code time_ms, value, ddir, bs, offset[, prio]}. Values are KiB/s (bw), I/Os per second (iops) or
 * nanoseconds (lat, clat, slat). With {@code log_avg_msec} each line is a window average and bs is 0;
 * without it each line is one I/O with its bs.
 */
record FioLog(Path file, String prefix, Kind kind, int jobNumber, List<Entry> entries) {
    private static final Pattern NAME = Pattern.compile("(.*)_(bw|iops|lat|clat|slat)(?:\\.(\\d+))?\\.log");

    enum Kind { BW, IOPS, LAT, CLAT, SLAT }

    /** One line: milliseconds since the job started, the value, the direction (0 read, 1 write, 2 trim), bytes. */
    record Entry(long timeMillis, double value, int ddir, long bs) {
    }

    static FioLog read(Path file) throws IOException {
        String name = file.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(file + ": not a fio log name (expected PREFIX_bw.N.log, PREFIX_iops.N.log, "
                    + "PREFIX_lat.N.log, PREFIX_clat.N.log or PREFIX_slat.N.log)");
        }
        Kind kind = Kind.valueOf(m.group(2).toUpperCase(java.util.Locale.ROOT));
        int job = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                try {
                    if (f.length < 3) {
                        throw new NumberFormatException("fewer than 3 fields");
                    }
                    long bs = f.length > 3 ? Long.parseLong(f[3].trim()) : 0;
                    entries.add(new Entry(Long.parseLong(f[0].trim()), Double.parseDouble(f[1].trim()),
                            Integer.parseInt(f[2].trim()), bs));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": not a fio log line (time_ms, value, ddir, bs, offset): "
                            + line, e);
                }
            }
        }
        return new FioLog(file, m.group(1), kind, job, List.copyOf(entries));
    }

    /** Whether every line is one I/O (no log_avg_msec), which shows as a non-zero block size. */
    boolean perIo() {
        return entries.stream().anyMatch(e -> e.bs() > 0);
    }

    /**
     * The points of one direction as (seconds, value), at most {@code maxPoints} of them. Window logs are
     * averaged down when longer; per-I/O logs are turned into rates over time bins (iops: I/Os per second,
     * bw: KiB per second), or bin averages for latencies, since single I/Os plot as noise.
     */
    List<double[]> series(int ddir, int maxPoints) {
        List<Entry> mine = entries.stream().filter(e -> e.ddir() == ddir).toList();
        if (mine.isEmpty()) {
            return List.of();
        }
        boolean perIo = perIo();
        if (!perIo && mine.size() <= maxPoints) {
            return mine.stream().map(e -> new double[]{e.timeMillis() / 1000.0, e.value()}).toList();
        }
        long first = mine.getFirst().timeMillis();
        long last = mine.getLast().timeMillis();
        long binMillis = Math.max(perIo ? 100 : 1, (last - first) / maxPoints + 1);
        int bins = (int) ((last - first) / binMillis + 1);
        double[] sum = new double[bins];
        long[] count = new long[bins];
        for (Entry e : mine) {
            int b = (int) ((e.timeMillis() - first) / binMillis);
            count[b]++;
            sum[b] += perIo && kind == Kind.BW ? e.bs() / 1024.0 : e.value();
        }
        List<double[]> out = new ArrayList<>();
        double binSeconds = binMillis / 1000.0;
        for (int b = 0; b < bins; b++) {
            double t = (first + b * binMillis + binMillis / 2.0) / 1000.0;
            double v;
            if (perIo && kind == Kind.IOPS) {
                v = count[b] / binSeconds;
            } else if (perIo && kind == Kind.BW) {
                v = sum[b] / binSeconds;
            } else if (count[b] == 0) {
                continue; // a latency bin with no I/O has no average
            } else {
                v = sum[b] / count[b];
            }
            out.add(new double[]{t, v});
        }
        return out;
    }
}
