package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * rate= and rate_iops= per direction, as a token bucket kept as "the time the next request of this
 * direction may go": each request pushes it by its cost (bytes / rate, or 1 / rate_iops, whichever is
 * longer). Lateness is made up for (timers fire late) but at most {@link #MAX_DEBT_NANOS} of it, so an idle
 * spell does not turn into a burst. With rate_process=poisson each cost is scaled by an exponential draw of
 * mean 1 (fio's Poisson request flow: the same mean rate, random gaps), from the job's seeded stream. Loop
 * only; the caller waits with a loop timer, never by sleeping.
 */
final class RateLimiter {
    static final long MAX_DEBT_NANOS = 100_000_000L;

    private final double[] nanosPerByte = new double[3];
    private final long[] nanosPerIo = new long[3];
    private final long[] next = new long[3];
    private final boolean[] primed = new boolean[3];
    /** Debt a thinktime pause adds to what may be made up, until it is (see {@link #paused}). */
    private final long[] extraDebt = new long[3];
    private final boolean any;
    /** rate_process=poisson: the stream of exponential scale factors; null for linear. */
    private final java.util.SplittableRandom arrivals;

    RateLimiter(JobOptions o) {
        this(o, o.randseed);
    }

    RateLimiter(JobOptions o, long seed) {
        this.arrivals = o.ratePoisson ? new java.util.SplittableRandom(Seeds.mix(seed, Seeds.ARRIVALS)) : null;
        boolean a = false;
        for (int d = 0; d < 3; d++) {
            if (o.rate[d] > 0) {
                nanosPerByte[d] = 1e9 / o.rate[d];
                a = true;
            }
            if (o.rateIops[d] > 0) {
                nanosPerIo[d] = Math.max(1, 1_000_000_000L / o.rateIops[d]);
                a = true;
            }
        }
        this.any = a;
    }

    boolean limits() {
        return any;
    }

    /** Nanoseconds to wait before a request of direction {@code d} may go at {@code now}; 0 if it may go now. */
    long delay(int d, long now) {
        if (!any || d > JobOptions.TRIM || !primed[d]) {
            return 0;
        }
        long wait = next[d] - now;
        return wait > 0 ? wait : 0;
    }

    /**
     * fio's choice of direction under a rate limit, for a mixed job that drew {@code d}: {@code d} while its
     * budget allows a request now; else the other direction if it may go now and the mix gives it a share
     * ({@code otherInMix}); else whichever of the two may go sooner. So a mixed job whose drawn direction is
     * throttled does the other's I/O meanwhile rather than waiting out its own.
     */
    int direction(int d, boolean otherInMix, long now) {
        if (!any || delay(d, now) == 0 || !otherInMix) {
            return d;
        }
        int other = d == JobOptions.READ ? JobOptions.WRITE : JobOptions.READ;
        return delay(other, now) < delay(d, now) ? other : d;
    }

    /**
     * A thinktime pause of {@code nanos} ended: as in fio, the rate makes up what it missed meanwhile (beyond the
     * usual {@link #MAX_DEBT_NANOS}), unless rate_ignore_thinktime ({@link #forgive}).
     */
    void paused(long nanos) {
        for (int d = 0; d < 3; d++) {
            extraDebt[d] = Math.max(extraDebt[d], nanos);
        }
    }

    /** rate_ignore_thinktime: a pause ended at {@code now}; what the rate missed meanwhile is not made up. */
    void forgive(long now) {
        for (int d = 0; d < 3; d++) {
            if (primed[d] && next[d] - now < 0) {
                next[d] = now;
            }
        }
    }

    /** Counts a request of {@code bytes} in direction {@code d} issued at {@code now}. */
    void charge(int d, long bytes, long now) {
        if (!any || d > JobOptions.TRIM) {
            return;
        }
        long cost = Math.max((long) (bytes * nanosPerByte[d]), nanosPerIo[d]);
        if (cost == 0) {
            return;
        }
        if (arrivals != null) {
            cost = (long) (cost * -Math.log(1.0 - arrivals.nextDouble())); // exponential, mean 1
        }
        long maxDebt = MAX_DEBT_NANOS + extraDebt[d];
        long base = !primed[d] || next[d] - (now - maxDebt) < 0 ? now - (primed[d] ? maxDebt : 0) : next[d];
        next[d] = base + cost;
        if (extraDebt[d] > 0 && next[d] - (now - MAX_DEBT_NANOS) >= 0) {
            extraDebt[d] = 0; // caught up with the pause
        }
        primed[d] = true;
    }
}
