package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * fio's per-job log files ({@code write_bw_log}, {@code write_iops_log}, {@code write_lat_log}), in the
 * layout fio 3.33 writes:
 *
 * <pre>
 * time_ms, value, ddir, bs, prio                 (log_offset=0, the default: five columns)
 * time_ms, value, ddir, bs, offset, prio         (log_offset=1)
 * </pre>
 *
 * Columns are separated by ", "; {@code ddir} is 0 read, 1 write, 2 trim; {@code prio} is the command
 * priority, always 0 here (aioemu has no cmdprio). Values: latency logs in nanoseconds; per-I/O bandwidth
 * as fio computes it, {@code bytes * 10^6 / clat_ns}; per-I/O IOPS 1. With {@code log_avg_msec} set,
 * each direction seen in a window gets one line stamped at the window's end, {@code bs} (and offset) 0:
 * latency logs the mean; bandwidth KiB/s and IOPS as rates over the window, and a window without I/O in
 * a direction writes no line for it (all as fio does).
 *
 * <p>Two ways to use it. Low level: {@link #sample} writes one raw line, {@link #window} one windowed
 * line, and the caller does any averaging. High level, the one to prefer: {@link #add} for value logs
 * (lat, clat, slat) and {@link #addCount} for bw and iops logs write raw lines when {@code avgMsec == 0}
 * and otherwise average or count per direction themselves, closing a window when a sample from a later
 * window arrives and in {@link #finish}. Windows are aligned at multiples of {@code avgMsec} and shared
 * by the directions, so lines come out in time order; fio instead stamps a window with the time of the
 * sample that closed it, which under steady load is the same millisecond.
 *
 * <p>Threading: confined to one owner thread, the one that completes the job's I/O.
 */
public final class FioLogWriter implements Closeable {
    /** The log kinds and the tag fio puts in their file names. */
    public enum Kind {
        BW, IOPS, LAT, CLAT, SLAT;

        public String fioName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True for bw and iops, whose windowed value is a rate (use {@link #addCount}). */
        public boolean counts() {
            return this == BW || this == IOPS;
        }
    }

    private final LineOut out;
    private final Kind kind;
    private final long avgMsec;
    private final boolean logOffset;
    private final Windows windows;

    private FioLogWriter(Path file, Kind kind, long avgMsec, boolean logOffset) throws IOException {
        if (avgMsec < 0) {
            throw new IllegalArgumentException("log_avg_msec must be >= 0: " + avgMsec);
        }
        this.out = new LineOut(file);
        this.kind = kind;
        this.avgMsec = avgMsec;
        this.logOffset = logOffset;
        this.windows = avgMsec > 0 ? new Windows(avgMsec) : null;
    }

    /**
     * fio's name for job {@code jobNumber}'s (1-based, across all jobs) log: {@code prefix_kind.N.log},
     * e.g. {@code path("p", "bw", 1)} is {@code p_bw.1.log}.
     */
    public static Path path(String prefix, String kind, int jobNumber) {
        if (jobNumber < 1) {
            throw new IllegalArgumentException("job numbers start at 1: " + jobNumber);
        }
        return Path.of(prefix + "_" + kind + "." + jobNumber + ".log");
    }

    /**
     * Creates (or truncates) a log without offsets. Its kind comes from fio's naming ({@code *_bw.N.log}
     * is bandwidth, {@code *_iops.N.log} IOPS); any other name is a value log such as latency.
     *
     * @throws UncheckedIOException when the file cannot be created
     */
    public static FioLogWriter open(Path file, long avgMsec) {
        return open(file, kindOf(file), avgMsec, false);
    }

    /** Creates (or truncates) a log of the given kind; {@code logOffset} is fio's {@code log_offset}. */
    public static FioLogWriter open(Path file, Kind kind, long avgMsec, boolean logOffset) {
        try {
            return new FioLogWriter(file, kind, avgMsec, logOffset);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e); // one line: the file and the reason
        }
    }

    static Kind kindOf(Path file) {
        String name = String.valueOf(file.getFileName());
        for (Kind k : Kind.values()) {
            if (name.matches(".*_" + k.fioName() + "\\.\\d+\\.log")) {
                return k;
            }
        }
        return Kind.LAT;
    }

    public Kind kind() {
        return kind;
    }

    public long avgMsec() {
        return avgMsec;
    }

    /** One raw line: {@code time, value, ddir, bs[, offset], 0}. */
    public void sample(long timeMillis, long value, int ddir, int blockSize, long offset) {
        out.num(timeMillis).ch(',').ch(' ').num(value).ch(',').ch(' ').num(checkDdir(ddir))
                .ch(',').ch(' ').num(blockSize);
        if (logOffset) {
            out.ch(',').ch(' ').num(offset);
        }
        out.ch(',').ch(' ').num(0).ch('\n');
    }

    /** One windowed line: {@code endTime, value, ddir, 0[, 0], 0}. */
    public void window(long endTimeMillis, long averagedValue, int ddir) {
        sample(endTimeMillis, averagedValue, ddir, 0, 0);
    }

    /**
     * A value sample (latency in ns) of one I/O that completed at {@code timeMillis}: a raw line, or
     * into the mean of its window.
     */
    public void add(long timeMillis, long value, int ddir, int blockSize, long offset) {
        if (kind.counts()) {
            throw new IllegalStateException(kind.fioName() + " log: use addCount() for I/Os");
        }
        checkDdir(ddir);
        if (windows == null) {
            sample(timeMillis, value, ddir, blockSize, offset);
            return;
        }
        windows.advance(this, timeMillis);
        windows.sum[ddir] += value;
        windows.count[ddir]++;
    }

    /**
     * One completed I/O for a bw or iops log: a raw line (bandwidth {@code bytes * 10^6 / clatNanos},
     * IOPS 1), or counted into its window's rate.
     */
    public void addCount(long timeMillis, int ddir, int bytes, long offset, long clatNanos) {
        if (!kind.counts()) {
            throw new IllegalStateException(kind.fioName() + " log: use add() for values");
        }
        checkDdir(ddir);
        if (windows == null) {
            long value = kind == Kind.IOPS ? 1 : bytes * 1_000_000L / Math.max(1, clatNanos);
            sample(timeMillis, value, ddir, bytes, offset);
            return;
        }
        windows.advance(this, timeMillis);
        windows.sum[ddir] += bytes;
        windows.count[ddir]++;
    }

    /**
     * Ends the log at {@code endTimeMillis}: writes the window still open, stamped at its end or at
     * {@code endTimeMillis} if that comes first (rates then over the shorter time).
     */
    public void finish(long endTimeMillis) {
        if (windows != null) {
            windows.emit(this, Math.min(windows.start + avgMsec, Math.max(endTimeMillis, windows.start + 1)));
        }
    }

    /** Pushes buffered lines to the file. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Writes the open window (as a full window, see {@link #finish}) and closes the file. */
    @Override
    public void close() throws IOException {
        try (out) {
            if (windows != null) {
                windows.emit(this, windows.start + avgMsec);
            }
        }
    }

    private static int checkDdir(int ddir) {
        if (ddir < 0 || ddir > 2) {
            throw new IllegalArgumentException("ddir must be 0 (read), 1 (write) or 2 (trim): " + ddir);
        }
        return ddir;
    }

    /** The current window: start, and per direction a sum (values or bytes) and a count. */
    private static final class Windows {
        final long avgMsec;
        final long[] sum = new long[3];
        final long[] count = new long[3];
        long start;

        Windows(long avgMsec) {
            this.avgMsec = avgMsec;
        }

        /** Closes the current window if {@code t} is past it and moves to {@code t}'s window. */
        void advance(FioLogWriter w, long t) {
            if (t >= start + avgMsec) {
                emit(w, start + avgMsec);
                start = t - Math.floorMod(t, avgMsec);
            }
            // A sample stamped before the window (clock skew between threads) counts in the current one.
        }

        void emit(FioLogWriter w, long end) {
            long span = end - start;
            for (int d = 0; d < 3; d++) {
                if (count[d] == 0) {
                    continue;
                }
                long value = switch (w.kind) {
                    case BW -> sum[d] * 1000 / (span * 1024);
                    case IOPS -> count[d] * 1000 / span;
                    default -> sum[d] / count[d];
                };
                w.window(end, value, d);
                sum[d] = 0;
                count[d] = 0;
            }
        }
    }
}
