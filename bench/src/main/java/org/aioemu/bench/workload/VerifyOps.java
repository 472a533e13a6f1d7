package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/** The verify phase: reads back the last write at each place the job wrote, in write order. Loop only. */
final class VerifyOps implements OpSource {
    private final WrittenLog log;
    private final int[] order;
    /** trim_verify_zero: a trimmed block is read back and must be zeroes; else it is not read back at all. */
    private final boolean trimmedReadZero;
    private int next;

    VerifyOps(WrittenLog log) {
        this(log, 0, true);
    }

    /** Reads back the writes from index {@code from} on (verify_backlog verified those before). */
    VerifyOps(WrittenLog log, int from, boolean trimmedReadZero) {
        this.log = log;
        this.order = log.survivors(from);
        this.trimmedReadZero = trimmedReadZero;
    }

    @Override
    public boolean next(IoSlot s) {
        while (next < order.length) {
            int i = order[next++];
            if (log.trimmed(i) && !trimmedReadZero) {
                continue; // fio drops a trimmed block from the read-back unless trim_verify_zero
            }
            long key = log.key(i);
            s.set(JobOptions.READ, WrittenLog.file(key), WrittenLog.offset(key), log.length(i));
            s.verifying = true;
            s.expectZeroes = log.trimmed(i);
            return true;
        }
        return false;
    }

    @Override
    public double progress() {
        return order.length == 0 ? 1 : (double) next / order.length;
    }
}
