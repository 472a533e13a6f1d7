package org.aioemu.engine;

/**
 * A streaming estimate of a high quantile of durations, in the manner of the "frugal" quantile estimators:
 * each sample moves the estimate a step (1/16 of it) towards itself, {@code upSteps} times larger upwards than
 * downwards, so the estimate settles where a sample lies above it with probability 1 / (upSteps + 1) — the
 * 75th percentile for 3, the 90th for 9. It holds one number, needs no history, follows a drifting host, and an
 * outlier (a scheduler tick of milliseconds) moves it one bounded step, not as far as it would drag a mean.
 *
 * <p>Not thread-safe: the owner serialises its samples (a lock, or a single thread).
 */
final class FrugalQuantile {
    private final int upSteps;
    private long value;
    private boolean sampled;

    /** @param upSteps how many times larger a step up is than a step down (3: p75, 9: p90) */
    FrugalQuantile(int upSteps) {
        this.upSteps = upSteps;
    }

    /** Takes one sample; the first one becomes the estimate. Returns the new estimate. */
    long sample(long nanos) {
        if (!sampled || value == 0) {
            value = Math.max(1, nanos);
            sampled = true;
            return value;
        }
        long step = Math.max(1, value >> 4);
        value = nanos > value ? value + Math.min(upSteps * step, nanos - value) : value - Math.min(step, value - nanos);
        return value;
    }

    /** The estimate, 0 before the first sample. */
    long value() {
        return sampled ? value : 0;
    }

    boolean sampled() {
        return sampled;
    }
}
