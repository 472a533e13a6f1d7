package org.aioemu.bench.workload;

import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/**
 * read_iolog: the trace's transfers, syncs and trims in order, each not before its timestamp (measured from
 * the replay's start) unless replay_no_stall. File events (add/open/close) need nothing at replay time: the
 * job opened every file of the trace before it started; a wait only carries a time. Loop only.
 */
final class ReplayOps implements OpSource {
    private final List<TraceOp> ops;
    private final Map<String, Integer> files;
    private final boolean stall;
    private long base;
    private int next;

    ReplayOps(List<TraceOp> ops, Map<String, Integer> files, boolean noStall) {
        this.ops = ops;
        this.files = files;
        this.stall = !noStall;
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
            if (ddir < 0) {
                continue;
            }
            s.set(ddir, files.get(op.file()), op.offset(), (int) op.length());
            if (stall) {
                s.notBefore = base + op.timeNanos();
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
