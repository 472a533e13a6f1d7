package org.aioemu.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aioemu.bench.iolog.BoundedLineReader;

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

    /**
     * The latest time a log line may carry: a year of milliseconds. A larger one is garbage (a corrupt or
     * edited log), and charting it would squash the real points against the axis.
     */
    static final long MAX_PLAUSIBLE_MILLIS = 366L * 24 * 3600 * 1000;
    /** Log lines are five or six numbers; anything much longer is not a fio log. */
    static final int MAX_LINE_CHARS = 4096;

    static FioLog read(Path file) throws IOException {
        return read(file, warning -> { });
    }

    /** As {@link #read(Path)}; lines skipped for an implausible time go to {@code warnings} as "FILE:LINE: ...". */
    static FioLog read(Path file, java.util.function.Consumer<String> warnings) throws IOException {
        String name = file.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(file + ": not a fio log name (expected PREFIX_bw.N.log, PREFIX_iops.N.log, "
                    + "PREFIX_lat.N.log, PREFIX_clat.N.log or PREFIX_slat.N.log)");
        }
        Kind kind = Kind.valueOf(m.group(2).toUpperCase(java.util.Locale.ROOT));
        int job = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        List<Entry> entries = new ArrayList<>();
        int lineNo = 0;
        try (BoundedLineReader in = new BoundedLineReader(Files.newBufferedReader(file, StandardCharsets.UTF_8),
                MAX_LINE_CHARS)) {
            String line;
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
                    long time = Long.parseLong(f[0].trim());
                    if (time < 0 || time > MAX_PLAUSIBLE_MILLIS) {
                        warnings.accept(file + ":" + lineNo + ": skipped: time " + time + " ms is not plausible"
                                + " (a log covers 0 to " + MAX_PLAUSIBLE_MILLIS + " ms)");
                        continue;
                    }
                    entries.add(new Entry(time, Double.parseDouble(f[1].trim()), Integer.parseInt(f[2].trim()), bs));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": not a fio log line (time_ms, value, ddir, bs, offset): "
                            + org.aioemu.bench.job.Printable.escape(line.length() > 80 ? line.substring(0, 77) + "..." : line), e);
                }
            }
        } catch (BoundedLineReader.TooLong e) {
            throw new IllegalArgumentException(file + ":" + e.line() + ": a line longer than " + MAX_LINE_CHARS
                    + " characters: not a fio log", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + ":" + (lineNo + 1) + ": not a fio log: the file is not UTF-8 text", e);
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
