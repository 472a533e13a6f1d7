package org.aioemu.bench.report;

import org.HdrHistogram.Histogram;
import org.aioemu.bench.job.JobOptions;

/**
 * What one job (or, with group reporting, one group) measured, in fio's terms: the model every output
 * format (normal, json, json+, terse, HTML) is written from. The workload runner fills it on the loop
 * thread while the job runs; writers read it after the job has ended.
 */
public final class JobStats {
    /** Latencies up to an hour, 3 significant digits, in nanoseconds. */
    public static final long MAX_LATENCY_NANOS = 3_600_000_000_000L;

    public final JobOptions options;
    public final int groupId;
    /** Jobs folded into this one (numjobs with group_reporting); 1 otherwise. */
    public int jobs = 1;
    /** 0 or the first errno (positive) that stopped the job, with its message. */
    public int error;
    public String errorMessage;
    /**
     * fio's total_err and first_error: the errors continue_on_error let the job go on after (not in {@link #error},
     * which only a fatal error sets), and the first one's errno and message.
     */
    public long totalErr;
    public int firstError;
    public String firstErrorMessage;
    /** Wall-clock start, epoch milliseconds. */
    public long startEpochMillis;
    /** From the first submission after ramp time to the last completion. */
    public long runtimeNanos;

    public final Direction read;
    public final Direction write;
    public final Direction trim;
    /**
     * fsync/fdatasync calls, and sync_file_range calls (their latencies are sync latencies in fio too); fio prints
     * the percentiles of their total latency.
     */
    public final Direction sync = new Direction(false, true);
    /**
     * Of {@link #sync}'s calls, the sync_file_range ones, which fio 3.33 times with the syncs but leaves out of the
     * sync count it reports (JSON {@code sync.total_ios}, "issued rwts").
     */
    public long syncFileRanges;

    /** CPU of the job's threads over its runtime, percent of one CPU. */
    public double usrCpuPercent;
    public double sysCpuPercent;
    public long contextSwitches;
    public long majorFaults;
    public long minorFaults;

    /**
     * Queue depth seen at each submission, in fio's buckets 1, 2, 4, 8, 16, 32, >=64 (a depth falls in
     * the largest bucket not above it). fio's "IO depths" line and iodepth_level come from these.
     */
    public final long[] depthLevels = new long[7];
    /** Requests per submit call and per completion reap, fio's buckets 0, 4, 8, 16, 32, 64, >=64. */
    public final long[] submitLevels = new long[7];
    public final long[] completeLevels = new long[7];
    /**
     * A timed replay (read_iolog without replay_no_stall): per request, how late it was issued against its
     * scheduled time, in nanoseconds (not fio's: fio does not report it). Null for other jobs.
     */
    public Histogram replayLateness;
    /** fio's steady-state detection (ss_dur), or null when the job did not test for it. */
    public SteadyStateResult steadyState;
    /** fio's latency_depth: the depth latency_target settled on, or iodepth (0 until the job ends: iodepth). */
    public int latencyDepth;

    public JobStats(JobOptions options, int groupId) {
        this.options = options;
        this.groupId = groupId;
        this.read = new Direction(options.slatPercentiles, options.latPercentiles);
        this.write = new Direction(options.slatPercentiles, options.latPercentiles);
        this.trim = new Direction(options.slatPercentiles, options.latPercentiles);
    }

    /**
     * Loop: forgets what was counted so far, as fio's reset_all_stats does when latency_target has found its depth
     * and the final window's results are to be reported alone. The error and the job's identity stay.
     */
    public void resetCounts() {
        for (Direction d : new Direction[] {read, write, trim, sync}) {
            d.reset();
        }
        syncFileRanges = 0;
        java.util.Arrays.fill(depthLevels, 0);
        java.util.Arrays.fill(submitLevels, 0);
        java.util.Arrays.fill(completeLevels, 0);
    }

    /** The syncs fio counts as issued: fsync and fdatasync calls, not sync_file_range ones. */
    public long syncsCounted() {
        return sync.ios - syncFileRanges;
    }

    /** Direction by JobOptions index (READ, WRITE, TRIM). */
    public Direction direction(int ddir) {
        return switch (ddir) {
            case JobOptions.READ -> read;
            case JobOptions.WRITE -> write;
            case JobOptions.TRIM -> trim;
            case JobOptions.MIXED -> mixed();
            default -> throw new IllegalArgumentException("direction " + ddir);
        };
    }

    /**
     * fio's unified_rw_reporting "mixed" direction: reads, writes and trims summed, their latencies and their
     * bandwidth and IOPS samples pooled, as fio sums them. Made afresh on each call, from the three.
     */
    public Direction mixed() {
        Direction m = new Direction(options.slatPercentiles, options.latPercentiles);
        m.merge(read);
        m.merge(write);
        m.merge(trim);
        return m;
    }

    /** Loop: counts one submission at {@code depth} requests in flight (after it was added). */
    public void recordDepth(int depth) {
        int bucket = depth >= 64 ? 6 : depth >= 32 ? 5 : depth >= 16 ? 4 : depth >= 8 ? 3 : depth >= 4 ? 2 : depth >= 2 ? 1 : 0;
        depthLevels[bucket]++;
    }

    /** The errno fio reports as the job's error: the fatal one, else the first that continue_on_error passed over. */
    public int reportedError() {
        return error != 0 ? error : firstError;
    }

    /** The message for {@link #reportedError()}, or null. */
    public String reportedErrorMessage() {
        return error != 0 ? errorMessage : firstErrorMessage;
    }

    /** Adds another job's numbers into this one (group_reporting, the run-status lines). */
    public void merge(JobStats other) {
        if (steadyState == null) {
            steadyState = other.steadyState; // a group's jobs share one result
        }
        if (other.replayLateness != null) {
            if (replayLateness == null) {
                replayLateness = latencyHistogram();
            }
            replayLateness.add(other.replayLateness);
        }
        jobs += other.jobs;
        if (error == 0 && other.error != 0) {
            error = other.error;
            errorMessage = other.errorMessage;
        }
        totalErr += other.totalErr;
        if (firstError == 0 && other.firstError != 0) {
            firstError = other.firstError;
            firstErrorMessage = other.firstErrorMessage;
        }
        runtimeNanos = Math.max(runtimeNanos, other.runtimeNanos);
        read.merge(other.read);
        write.merge(other.write);
        trim.merge(other.trim);
        sync.merge(other.sync);
        syncFileRanges += other.syncFileRanges;
        usrCpuPercent += other.usrCpuPercent;
        sysCpuPercent += other.sysCpuPercent;
        contextSwitches += other.contextSwitches;
        majorFaults += other.majorFaults;
        minorFaults += other.minorFaults;
        for (int i = 0; i < depthLevels.length; i++) {
            depthLevels[i] += other.depthLevels[i];
            submitLevels[i] += other.submitLevels[i];
            completeLevels[i] += other.completeLevels[i];
        }
    }

    /**
     * A latency histogram (3 significant digits, values clamped to {@link #MAX_LATENCY_NANOS}) that starts small
     * and grows to the largest latency recorded. Sized for an hour up front it took 270 KiB, twelve per job: 3 MiB
     * a job before its first I/O, 3 GiB for numjobs=1000 whatever the latencies. Growing costs one array copy per
     * doubling of the largest latency seen, a few times per job, never in steady state.
     */
    public static Histogram latencyHistogram() {
        Histogram h = new Histogram(1, 2, 3);
        h.setAutoResize(true);
        return h;
    }

    /** One direction's counts, latencies and periodic samples. */
    public static final class Direction {
        public long ios;
        public long bytes;
        /** Transfers that moved fewer bytes than asked. */
        public long shortIos;
        public long droppedIos;
        /** This direction's active time (fio's per-direction runtime). */
        public long runtimeNanos;
        /** Submission latency: the time to hand the request to the engine. */
        private final Latencies slat;
        /** Completion latency: from handing over to completion; its histogram is always kept. */
        private final Latencies clat = new Latencies(true);
        /** Total latency: slat + clat. */
        private final Latencies lat;
        /** Bandwidth samples in KiB/s, one per averaging window. */
        public final SampleStats bwKiB = new SampleStats();
        public final SampleStats iops = new SampleStats();

        void reset() {
            ios = 0;
            bytes = 0;
            shortIos = 0;
            droppedIos = 0;
            runtimeNanos = 0;
            slat.reset();
            clat.reset();
            lat.reset();
            bwKiB.reset();
            iops.reset();
        }

        /**
         * A direction that keeps histograms (for percentiles) of its submission and total latencies when
         * {@code slatHistogram} and {@code latHistogram}: of its completion latencies always.
         */
        public Direction(boolean slatHistogram, boolean latHistogram) {
            slat = new Latencies(slatHistogram);
            lat = new Latencies(latHistogram);
        }

        /** Tests: a direction that keeps every histogram. */
        public Direction() {
            this(true, true);
        }

        /** Loop: one finished request of {@code bytes} with its latencies in ns (each at least 1). */
        public void record(long bytesDone, long slatNanos, long clatNanos, boolean isShort) {
            ios++;
            bytes += bytesDone;
            if (isShort) {
                shortIos++;
            }
            slat.record(clamp(slatNanos));
            clat.record(clamp(clatNanos));
            lat.record(clamp(slatNanos + clatNanos));
        }

        /** Submission latencies. */
        public Latencies slat() {
            return slat;
        }

        /** Completion latencies. */
        public Latencies clat() {
            return clat;
        }

        /** Total latencies. */
        public Latencies lat() {
            return lat;
        }

        /** Tests: {@code count} completions of {@code nanos} in the completion latencies alone. */
        void recordClat(long nanos, long count) {
            clat.record(nanos, count);
        }

        public void merge(Direction o) {
            ios += o.ios;
            bytes += o.bytes;
            shortIos += o.shortIos;
            droppedIos += o.droppedIos;
            runtimeNanos = Math.max(runtimeNanos, o.runtimeNanos);
            slat.merge(o.slat);
            clat.merge(o.clat);
            lat.merge(o.lat);
            bwKiB.merge(o.bwKiB);
            iops.merge(o.iops);
        }

        private static long clamp(long nanos) {
            return Math.max(1, Math.min(MAX_LATENCY_NANOS, nanos));
        }
    }
}
