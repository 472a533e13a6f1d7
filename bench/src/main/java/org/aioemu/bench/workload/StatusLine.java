package org.aioemu.bench.workload;

import java.util.Locale;

/**
 * Builds fio's live status line from the jobs' {@link Progress}:
 * {@code Jobs: 1 (f=1): [r(1)][45.5%][r=393MiB/s][r=101k IOPS][eta 00m:06s]}.
 * <ul>
 *   <li>{@code Jobs: N (f=F)}: jobs running now and their open files;
 *   <li>{@code [r(1),_(2)]}: each job's state, runs of equal states folded: P not started, r/R w/W m/M d/D
 *       t/T (lower case random; T trimwrite) running, V verifying, F flushing at the end, _ done;
 *   <li>the share of all the work done (bytes for size-based jobs, time for time-based ones);
 *   <li>bandwidth and IOPS since the previous line, per direction the running jobs use;
 *   <li>the estimated time left: the running jobs' longest, plus the planned time of run batches to come.
 * </ul>
 * Used by one thread (the status timer); it keeps the previous totals to compute rates.
 */
final class StatusLine {
    private static final char[] DIRS = {'r', 'w', 't'};

    private final Progress[] jobs;
    private final boolean[][] used;
    private final int[] batch;
    /** Per job: planned duration (startdelay + ramp_time + runtime) when it has a runtime, else 0. */
    private final long[] plannedNanos;
    private final long[] lastBytes = new long[3];
    private final long[] lastIos = new long[3];
    private long lastNanos;

    StatusLine(Progress[] jobs, boolean[][] used, int[] batch, long[] plannedNanos) {
        this.jobs = jobs;
        this.used = used;
        this.batch = batch;
        this.plannedNanos = plannedNanos;
        this.lastNanos = System.nanoTime(); // the first line's rates are since the start
    }

    String next(long now) {
        int running = 0;
        int files = 0;
        boolean[] show = new boolean[3];
        double fractionSum = 0;
        long etaRunning = 0;
        int currentBatch = -1;
        StringBuilder states = new StringBuilder();
        char runChar = 0;
        int runLen = 0;
        long[] bytes = new long[3];
        long[] ios = new long[3];
        for (int j = 0; j < jobs.length; j++) {
            Progress p = jobs[j];
            char st = p.state();
            for (int d = 0; d < 3; d++) {
                bytes[d] += p.bytes(d);
                ios[d] += p.ios(d);
            }
            if (st != 'P' && st != '_') {
                running++;
                files += p.files();
                currentBatch = Math.max(currentBatch, batch[j]);
                for (int d = 0; d < 3; d++) {
                    show[d] |= used[j][d];
                }
            }
            double f = fraction(p, st, now);
            fractionSum += f;
            if (st != 'P' && st != '_') {
                etaRunning = Math.max(etaRunning, remaining(p, f, now));
            }
            if (st == runChar) {
                runLen++;
            } else {
                appendRun(states, runChar, runLen);
                runChar = st;
                runLen = 1;
            }
        }
        appendRun(states, runChar, runLen);
        long eta = etaRunning + laterBatches(currentBatch);
        double dt = (now - lastNanos) / 1e9;
        StringBuilder rates = new StringBuilder();
        StringBuilder iops = new StringBuilder();
        for (int d = 0; d < 3; d++) {
            if (!show[d]) {
                continue;
            }
            double bps = dt > 0 ? (bytes[d] - lastBytes[d]) / dt : 0;
            double ips = dt > 0 ? (ios[d] - lastIos[d]) / dt : 0;
            rates.append(rates.isEmpty() ? "" : ",").append(DIRS[d]).append('=').append(Units.rate(bps));
            iops.append(iops.isEmpty() ? "" : ",").append(DIRS[d]).append('=').append(Units.count(ips));
        }
        System.arraycopy(bytes, 0, lastBytes, 0, 3);
        System.arraycopy(ios, 0, lastIos, 0, 3);
        lastNanos = now;
        StringBuilder sb = new StringBuilder();
        sb.append("Jobs: ").append(running).append(" (f=").append(files).append("): [").append(states).append(']');
        sb.append(String.format(Locale.ROOT, "[%.1f%%]", jobs.length == 0 ? 100.0 : 100.0 * fractionSum / jobs.length));
        if (!rates.isEmpty()) {
            sb.append('[').append(rates).append("][").append(iops).append(" IOPS]");
        }
        sb.append("[eta ").append(eta(eta)).append(']');
        return sb.toString();
    }

    private static void appendRun(StringBuilder sb, char c, int n) {
        if (n > 0) {
            sb.append(sb.isEmpty() ? "" : ",").append(c).append('(').append(n).append(')');
        }
    }

    private static double fraction(Progress p, char st, long now) {
        if (st == '_') {
            return 1;
        }
        if (st == 'P') {
            return 0;
        }
        double f = p.fraction();
        long start = p.startNanos();
        long end = p.plannedEndNanos();
        if (end != 0 && start != 0 && end - start > 0) {
            double byTime = Math.min(1.0, Math.max(0.0, (double) (now - start) / (end - start)));
            f = f < 0 ? byTime : Math.max(f, byTime);
        }
        return Math.max(0, f);
    }

    private static long remaining(Progress p, double f, long now) {
        long start = p.startNanos();
        long end = p.plannedEndNanos();
        long byTime = end != 0 ? Math.max(0, end - now) : Long.MAX_VALUE;
        long byWork = Long.MAX_VALUE;
        if (f > 0 && start != 0) {
            long elapsed = now - start;
            byWork = (long) (elapsed * (1 - f) / f);
        }
        long r = Math.min(byTime, byWork);
        return r == Long.MAX_VALUE ? 0 : r;
    }

    private long laterBatches(int current) {
        long total = 0;
        int b = -1;
        long longest = 0;
        for (int j = 0; j < jobs.length; j++) {
            if (batch[j] <= current || jobs[j].state() != 'P') {
                continue;
            }
            if (batch[j] != b) {
                total += longest;
                longest = 0;
                b = batch[j];
            }
            longest = Math.max(longest, plannedNanos[j]);
        }
        return total + longest;
    }

    static String eta(long nanos) {
        long s = (nanos + 500_000_000L) / 1_000_000_000L;
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%02dh:%02dm:%02ds", h, m, sec) : String.format(Locale.ROOT, "%02dm:%02ds", m, sec);
    }
}
