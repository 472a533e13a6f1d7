package org.aioemu.blockdev;

/**
 * The six leaky buckets of one {@link ThrottleGroup} (QEMU's {@code ThrottleState}, after docs/throttle.txt): each
 * request pours its cost into the buckets of its direction and of the total (operations into the IOPS ones, bytes
 * into the bps ones), and every bucket drains at its average rate. A request may go while no bucket it pours into is
 * over its size; the request that goes is not checked against its own cost, so one large request may overfill a
 * bucket, and the next waits for the excess to drain. With a burst rate ({@code max}), a bucket holds
 * {@code max * maxLength} and a second level drains at {@code max} with a tenth of a second of room, which caps the
 * burst's speed; without one, a bucket holds a tenth of a second at the average rate.
 *
 * <p>Threading: loop only (the group's). Allocates nothing after construction.
 */
final class ThrottleBuckets {
    static final int IOPS_TOTAL = 0;
    static final int BPS_TOTAL = 3;
    private static final double NANOS = 1e9;

    private final long[] avg = new long[6];
    private final long[] max = new long[6];
    private final long[] burstLength = new long[6];
    private final long iopsSize;
    /** Units held in each bucket, and at the burst level; both drain continuously (see {@link #leak}). */
    private final double[] level = new double[6];
    private final double[] burstLevel = new double[6];
    /** {@link System#nanoTime()} of the last {@link #leak}. */
    private long lastLeak;

    ThrottleBuckets(ThrottleLimits limits, long now) {
        for (int i = 0; i < 6; i++) {
            ThrottleLimits.Bucket b = limits.bucket(i);
            avg[i] = b.avg();
            max[i] = b.max();
            burstLength[i] = b.maxLength();
        }
        this.iopsSize = limits.iopsSize();
        this.lastLeak = now;
    }

    /** Drains every bucket for the time since the last call. */
    private void leak(long now) {
        long delta = now - lastLeak;
        if (delta <= 0) {
            return;
        }
        lastLeak = now;
        for (int i = 0; i < 6; i++) {
            if (avg[i] == 0) {
                continue;
            }
            level[i] = Math.max(0, level[i] - avg[i] * (delta / NANOS));
            if (max[i] > 0) {
                burstLevel[i] = Math.max(0, burstLevel[i] - max[i] * (delta / NANOS));
            }
        }
    }

    /**
     * Nanoseconds a request in direction {@code write} must still wait at {@code now} before it may go (0: now): the
     * longest wait of the total buckets and those of its direction.
     */
    long waitNanos(boolean write, long now) {
        leak(now);
        int own = write ? 2 : 1;
        return Math.max(Math.max(wait(IOPS_TOTAL), wait(IOPS_TOTAL + own)),
                Math.max(wait(BPS_TOTAL), wait(BPS_TOTAL + own)));
    }

    /** How long until bucket {@code i} is back within its size (and its burst level within a tenth of a second). */
    private long wait(int i) {
        if (avg[i] == 0) {
            return 0;
        }
        double size = max[i] == 0 ? avg[i] / 10.0 : (double) max[i] * burstLength[i];
        double extra = level[i] - size;
        if (extra > 0) {
            return (long) Math.ceil(extra / avg[i] * NANOS);
        }
        if (max[i] > 0) {
            extra = burstLevel[i] - max[i] / 10.0;
            if (extra > 0) {
                return (long) Math.ceil(extra / max[i] * NANOS);
            }
        }
        return 0;
    }

    /** Pours a request of {@code bytes} in direction {@code write} into its buckets. */
    void account(boolean write, long bytes) {
        double ops = iopsSize > 0 && bytes > iopsSize ? (double) bytes / iopsSize : 1;
        int own = write ? 2 : 1;
        pour(IOPS_TOTAL, ops);
        pour(IOPS_TOTAL + own, ops);
        pour(BPS_TOTAL, bytes);
        pour(BPS_TOTAL + own, bytes);
    }

    private void pour(int i, double units) {
        if (avg[i] == 0) {
            return;
        }
        level[i] += units;
        if (max[i] > 0) {
            burstLevel[i] += units;
        }
    }
}
