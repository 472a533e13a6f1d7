package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.SteadyStateResult;

/**
 * fio's steady-state detection (ss, ss_dur, ss_ramp) for one job, or for one reporting group with
 * group_reporting: once a second it samples the IOPS and bandwidth of the jobs whose ramp (ss_ramp, plus a
 * second) is over, summed, into a window of ss_dur one-second samples; once the window is full it tests the
 * newest window after every sample — the largest deviation from the window's mean (iops, bw), or the least-squares
 * slope (iops_slope, bw_slope), absolute or as a percentage of the mean — and when the value falls below the limit
 * the jobs have reached steady state and end at once, as fio ends them.
 *
 * <p>Threading: {@link #tick} on the monitor's thread only; the jobs' counters are read through their
 * {@link Progress} (acquire loads), and they are stopped through {@link JobExecution#requestStop}, which hands the
 * stop to each job's loop. {@link #result} is read after the jobs have ended.
 */
final class SteadyState {
    /** One job of the tracker, with what it had done at the previous sample. */
    private static final class Member {
        final Progress progress;
        final JobExecution execution;
        long prevIos;
        long prevBytes;
        long prevTime;
        boolean rampOver;

        Member(Progress progress, JobExecution execution) {
            this.progress = progress;
            this.execution = execution;
        }
    }

    private final List<Member> members = new ArrayList<>();
    private final JobOptions.SteadyStateMode mode;
    private final double limit;
    private final boolean percent;
    private final int seconds;
    private final long rampNanos;
    private final long[] bw;
    private final long[] iops;
    private int head;
    private int tail;
    private boolean full;
    private volatile boolean attained;
    private double criterion;
    private double maxDeviation;
    private double slope;

    SteadyState(JobOptions o) {
        this.mode = o.ssMode;
        this.limit = o.ssLimit;
        this.percent = o.ssPercent;
        this.seconds = (int) Math.max(1, o.ssDurationNanos / 1_000_000_000L);
        this.rampNanos = o.ssRampNanos;
        this.bw = new long[seconds];
        this.iops = new long[seconds];
    }

    void add(Progress progress, JobExecution execution) {
        members.add(new Member(progress, execution));
    }

    boolean attained() {
        return attained;
    }

    /** The monitor's once-a-second sample at {@code now} (System.nanoTime). */
    void tick(long now) {
        if (attained) {
            return;
        }
        long groupIops = 0;
        long groupBw = 0;
        int sampled = 0;
        for (Member m : members) {
            long start = m.progress.startNanos();
            if (start == 0 || m.execution.isDone()) {
                continue; // not started yet, or over: fio samples running jobs only
            }
            long ios = 0;
            long bytes = 0;
            for (int d = 0; d < 3; d++) {
                ios += m.progress.ios(d);
                bytes += m.progress.bytes(d);
            }
            if (!m.rampOver && now - start >= rampNanos + 1_000_000_000L) {
                m.rampOver = true; // fio begins a second after ss_ramp
            }
            long elapsedMillis = Math.max(1, (now - (m.prevTime == 0 ? start : m.prevTime)) / 1_000_000);
            if (m.rampOver) {
                groupBw += 1000 * (bytes - m.prevBytes) / elapsedMillis;
                groupIops += 1000 * (ios - m.prevIos) / elapsedMillis;
                sampled++;
            }
            m.prevTime = now;
            m.prevIos = ios;
            m.prevBytes = bytes;
        }
        if (sampled == 0) {
            return;
        }
        if (sample(groupIops, groupBw)) {
            for (Member m : members) {
                m.execution.requestStop();
            }
        }
    }

    /** Adds one second's sample; true when the window now meets the criterion (the tracker is then attained). */
    boolean sample(long sampleIops, long sampleBw) {
        bw[tail] = sampleBw;
        iops[tail] = sampleIops;
        boolean met = false;
        if (full || tail - head == seconds - 1) {
            full = true;
            long[] data = mode.iops() ? iops : bw;
            double sum = 0;
            for (long v : data) {
                sum += v;
            }
            double mean = sum / seconds;
            if (mode.slope()) {
                // Least squares over x = 0..n-1, the samples taken a second apart.
                double sumX = 0;
                double sumXX = 0;
                double sumXY = 0;
                for (int i = 0; i < seconds; i++) {
                    double y = data[(head + i) % seconds];
                    sumX += i;
                    sumXX += (double) i * i;
                    sumXY += i * y;
                }
                double denominator = sumXX - sumX * sumX / seconds;
                slope = denominator == 0 ? 0 : (sumXY - sumX * sum / seconds) / denominator;
                criterion = percent ? (mean == 0 ? Double.POSITIVE_INFINITY : 100.0 * slope / mean) : slope;
                met = Math.abs(criterion) < limit;
            } else {
                maxDeviation = 0;
                for (long v : data) {
                    maxDeviation = Math.max(maxDeviation, Math.abs(v - mean));
                }
                criterion = percent ? (mean == 0 ? Double.POSITIVE_INFINITY : 100.0 * maxDeviation / mean) : maxDeviation;
                met = criterion < limit;
            }
        }
        if (met) {
            attained = true;
            return true;
        }
        tail = (tail + 1) % seconds;
        if (tail <= head) {
            head = (head + 1) % seconds; // the window is full: the oldest sample makes way for the next
        }
        return false;
    }

    /** What the reports show; after the jobs ended. */
    SteadyStateResult result() {
        long[] orderedBw = new long[seconds];
        long[] orderedIops = new long[seconds];
        // Oldest first. A full window that was not met has already moved head past its oldest sample.
        int oldest = full && !attained ? (head + seconds - 1) % seconds : head;
        for (int i = 0; i < seconds; i++) {
            int k = (oldest + i) % seconds;
            orderedBw[i] = bw[k];
            orderedIops[i] = iops[k];
        }
        return new SteadyStateResult(mode.fioName(), limit, percent, seconds, attained,
                Double.isInfinite(criterion) ? 0 : criterion, maxDeviation, slope, orderedBw, orderedIops);
    }
}
