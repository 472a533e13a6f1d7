package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;

/**
 * Fills a job's {@link JobStats} from its completions: latencies and counts per direction (and flushes under
 * sync), queue depths, submit/complete batch sizes, per-direction active time, and a bw/iops sample per
 * averaging window (log_avg_msec, else 500 ms) for every direction the job's mode uses. Also feeds the bw,
 * iops and latency logs: latency entries per request when log_avg_msec is 0, else the window's mean;
 * bw/iops entries per window.
 *
 * <p>Nothing is recorded until {@link #start} (the end of ramp_time), which is how ramp_time resets the
 * statistics. Loop only.
 */
final class StatsRecorder {
    final JobStats stats;
    private final Progress progress;
    private final boolean[] sampled;
    private final long windowNanos;
    private final boolean perIoLat;
    /** By {@link LogKind} ordinal; null entries are off. */
    private final LogSink[] logs;
    private ClatHistogramLog histLog;
    private LogFailure onLogFailure;

    private boolean enabled;
    private long measureStart;
    private long windowStart;
    private final long[] windowBytes = new long[3];
    private final long[] windowIos = new long[3];
    private final double[][] windowLat = new double[3][3]; // [ddir][lat, clat, slat] sums
    private final long[] firstIssue = new long[4];
    private final long[] lastDone = new long[4];
    private final boolean[] seen = new boolean[4];

    /** Reports a log sink that threw: the job turns it into its error. */
    interface LogFailure {
        void failed(String message);
    }

    StatsRecorder(JobStats stats, Progress progress, boolean[] sampled, long logAvgMsec, LogSink[] logs) {
        this.stats = stats;
        this.progress = progress;
        this.sampled = sampled.clone();
        this.windowNanos = (logAvgMsec > 0 ? logAvgMsec : 500) * 1_000_000L;
        this.perIoLat = logAvgMsec <= 0;
        this.logs = logs;
    }

    void onLogFailure(LogFailure f) {
        this.onLogFailure = f;
    }

    long windowNanos() {
        return windowNanos;
    }

    boolean enabled() {
        return enabled;
    }

    /** Measurement starts (job start, or the end of ramp_time). */
    void start(long now) {
        enabled = true;
        measureStart = now;
        windowStart = now;
        java.util.Arrays.fill(windowBytes, 0);
        java.util.Arrays.fill(windowIos, 0);
        for (double[] w : windowLat) {
            java.util.Arrays.fill(w, 0);
        }
    }

    long measureStart() {
        return measureStart;
    }

    /**
     * {@code n} requests went out together, leaving {@code inFlight} in flight: one submission of n, and n
     * requests at that depth (as fio counts depths per submitted batch, so a full refill of 16 counts at 16).
     */
    void submitBatch(int n, int inFlight) {
        if (enabled && n > 0) {
            stats.submitLevels[batchBucket(n)]++;
            for (int i = 0; i < n; i++) {
                stats.recordDepth(inFlight);
            }
        }
    }

    void completeBatch(int n) {
        if (enabled && n > 0) {
            stats.completeLevels[batchBucket(n)]++;
        }
    }

    /** fio's submit/complete buckets: 1-4, 5-8, 9-16, 17-32, 33-64, >64 (index 0 is for none). */
    static int batchBucket(int n) {
        return n <= 0 ? 0 : n <= 4 ? 1 : n <= 8 ? 2 : n <= 16 ? 3 : n <= 32 ? 4 : n <= 64 ? 5 : 6;
    }

    void issued(IoSlot s) {
        int d = s.ddir;
        if (enabled && !seen[d]) {
            seen[d] = true;
            firstIssue[d] = s.issueNanos;
        }
    }

    /** One successful completion of {@code bytes} at {@code now}. */
    void completed(IoSlot s, int bytes, long now) {
        int d = s.ddir;
        if (d <= JobOptions.TRIM) {
            progress.add(d, bytes);
        }
        if (!enabled || s.issueNanos - measureStart < 0) {
            return; // issued during ramp_time
        }
        long slat = s.submitNanos - s.issueNanos;
        long clat = now - s.submitNanos;
        boolean isShort = d != IoSlot.SYNC && d != JobOptions.TRIM && bytes < s.length;
        JobStats.Direction dir = d == IoSlot.SYNC ? stats.sync : stats.direction(d);
        dir.record(bytes, slat, clat, isShort);
        if (s.syncRangeFlags != 0) {
            stats.syncFileRanges++;
        }
        if (!seen[d]) {
            seen[d] = true;
            firstIssue[d] = s.issueNanos;
        }
        lastDone[d] = now;
        if (d == IoSlot.SYNC) {
            return;
        }
        if (histLog != null) {
            histogram(d, clat, (now - measureStart) / 1_000_000L, s.length);
        }
        windowBytes[d] += bytes;
        windowIos[d]++;
        if (perIoLat) {
            long t = (now - measureStart) / 1_000_000L;
            log(LogKind.LAT, t, slat + clat, d, s.length, s.offset);
            log(LogKind.CLAT, t, clat, d, s.length, s.offset);
            log(LogKind.SLAT, t, slat, d, s.length, s.offset);
        } else {
            windowLat[d][0] += slat + clat;
            windowLat[d][1] += clat;
            windowLat[d][2] += slat;
        }
    }

    /** A window ended at {@code now}: one sample per sampled direction, and the windowed log entries. */
    void tick(long now) {
        if (!enabled) {
            return;
        }
        long dt = now - windowStart;
        if (dt <= 0) {
            return;
        }
        double secs = dt / 1e9;
        long t = (now - measureStart) / 1_000_000L;
        for (int d = 0; d < 3; d++) {
            if (!sampled[d]) {
                continue;
            }
            JobStats.Direction dir = stats.direction(d);
            double kib = windowBytes[d] / 1024.0 / secs;
            double iops = windowIos[d] / secs;
            dir.bwKiB.add(kib);
            dir.iops.add(iops);
            log(LogKind.BW, t, Math.round(kib), d, 0, 0);
            log(LogKind.IOPS, t, Math.round(iops), d, 0, 0);
            if (!perIoLat && windowIos[d] > 0) {
                log(LogKind.LAT, t, Math.round(windowLat[d][0] / windowIos[d]), d, 0, 0);
                log(LogKind.CLAT, t, Math.round(windowLat[d][1] / windowIos[d]), d, 0, 0);
                log(LogKind.SLAT, t, Math.round(windowLat[d][2] / windowIos[d]), d, 0, 0);
            }
            windowBytes[d] = 0;
            windowIos[d] = 0;
            java.util.Arrays.fill(windowLat[d], 0);
        }
        windowStart = now;
    }

    /** The main phase ended: a last partial window counts if it is at least half a window long. */
    void endSampling(long now) {
        if (enabled && now - windowStart >= windowNanos / 2) {
            tick(now);
        }
        java.util.Arrays.fill(sampled, false);
    }

    /** The job ended at {@code now}: runtimes. */
    void finish(long now) {
        if (!enabled) {
            measureStart = now;
        }
        stats.runtimeNanos = Math.max(0, now - measureStart);
        for (int d = 0; d < 3; d++) {
            if (seen[d] && stats.direction(d).ios > 0) {
                stats.direction(d).runtimeNanos = Math.max(1, lastDone[d] - Math.max(firstIssue[d], measureStart));
            }
        }
        if (seen[IoSlot.SYNC] && stats.sync.ios > 0) {
            stats.sync.runtimeNanos = Math.max(1, lastDone[IoSlot.SYNC] - Math.max(firstIssue[IoSlot.SYNC], measureStart));
        }
    }

    /** write_hist_log: completions are counted in its bins too. */
    void histogramLog(ClatHistogramLog log) {
        this.histLog = log;
    }

    private void histogram(int d, long clat, long t, long bs) {
        try {
            histLog.completed(d, clat, t, bs);
        } catch (RuntimeException e) {
            histLog = null;
            if (onLogFailure != null) {
                onLogFailure.failed("clat_hist log: " + e.getMessage());
            }
        }
    }

    private void log(LogKind kind, long t, long value, int d, long bs, long offset) {
        LogSink sink = logs[kind.ordinal()];
        if (sink == null) {
            return;
        }
        try {
            sink.entry(t, value, d, bs, offset);
        } catch (RuntimeException e) {
            logs[kind.ordinal()] = null;
            if (onLogFailure != null) {
                onLogFailure.failed(kind.fileSuffix() + " log: " + e.getMessage());
            }
        }
    }
}
