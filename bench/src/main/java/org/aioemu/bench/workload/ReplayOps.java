package org.aioemu.bench.workload;

import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/**
 * read_iolog: the trace's transfers, syncs and trims in order, each not before its timestamp (measured from
 * the replay's start, scaled by replay_time_scale percent) unless replay_no_stall; replay_skip leaves out the
 * kinds it names. File events (add/open/close) need nothing at replay time: the
 * job opened every file of the trace before it started; a wait only carries a time. Loop only.
 */
final class ReplayOps implements OpSource {
    private final List<TraceOp> ops;
    private final Map<String, Integer> files;
    private final boolean stall;
    /** replay_time_scale: 100 plays the trace's timing as it is, 200 twice as fast. */
    private final int timeScale;
    /** replay_skip: read, write, trim, sync. */
    private final boolean[] skip;
    private long base;
    private int next;

    ReplayOps(List<TraceOp> ops, Map<String, Integer> files, boolean noStall) {
        this(ops, files, noStall, 100, new boolean[4]);
    }

    ReplayOps(List<TraceOp> ops, Map<String, Integer> files, boolean noStall, int timeScalePercent, boolean[] skip) {
        this.ops = ops;
        this.files = files;
        this.stall = !noStall;
        this.timeScale = timeScalePercent;
        this.skip = skip.clone();
    }

    /** The replay's time zero (System.nanoTime). */
    void start(long nanos) {
        base = nanos;
    }

    @Override
    public boolean next(IoSlot s) {
        while (next < ops.size()) {
            TraceOp op = ops.get(next++);
            int ddir = switch (op.action()) {
                case READ -> JobOptions.READ;
                case WRITE -> JobOptions.WRITE;
                case TRIM -> JobOptions.TRIM;
                case SYNC, DATASYNC -> IoSlot.SYNC;
                default -> -1;
            };
            if (ddir < 0 || skip[ddir == IoSlot.SYNC ? 3 : ddir]) {
                continue;
            }
            s.set(ddir, files.get(op.file()), op.offset(), (int) op.length());
            if (stall) {
                s.notBefore = base + (timeScale == 100 ? op.timeNanos() : (long) (op.timeNanos() * (100.0 / timeScale)));
            }
            return true;
        }
        return false;
    }

    @Override
    public double progress() {
        return ops.isEmpty() ? 1 : (double) next / ops.size();
    }
}
