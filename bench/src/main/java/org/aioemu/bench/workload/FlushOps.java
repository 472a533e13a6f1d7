package org.aioemu.bench.workload;

/** end_fsync / fsync_on_close: one flush of each file, not counted in the job's statistics. Loop only. */
final class FlushOps implements OpSource {
    private final int files;
    private int next;

    FlushOps(int files) {
        this.files = files;
    }

    @Override
    public boolean next(IoSlot s) {
        if (next >= files) {
            return false;
        }
        s.set(IoSlot.SYNC, next++, 0, 0);
        s.accounted = false;
        return true;
    }

    @Override
    public double progress() {
        return 1;
    }
}
