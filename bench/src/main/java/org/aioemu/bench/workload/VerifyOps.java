package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/** The verify phase: reads back the last write at each place the job wrote, in write order. Loop only. */
final class VerifyOps implements OpSource {
    private final WrittenLog log;
    private final int[] order;
    private int next;

    VerifyOps(WrittenLog log) {
        this(log, 0);
    }

    /** Reads back the writes from index {@code from} on (verify_backlog verified those before). */
    VerifyOps(WrittenLog log, int from) {
        this.log = log;
        this.order = log.survivors(from);
    }

    @Override
    public boolean next(IoSlot s) {
        if (next >= order.length) {
            return false;
        }
        int i = order[next++];
        long key = log.key(i);
        s.set(JobOptions.READ, WrittenLog.file(key), WrittenLog.offset(key), log.length(i));
        s.verifying = true;
        return true;
    }

    @Override
    public double progress() {
        return order.length == 0 ? 1 : (double) next / order.length;
    }
}
