package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/** The rate limiter's say in a mixed job's direction, as fio's rate_ddir decides it. */
class RateLimiterTest {
    private static final int R = JobOptions.READ;
    private static final int W = JobOptions.WRITE;
    private static final long S = 1_000_000_000L;

    @Test
    void aThrottledDirectionGivesWayToOneThatMayGo() {
        JobOptions o = new JobOptions();
        o.rate[R] = 300;
        o.rate[W] = 300;
        RateLimiter r = new RateLimiter(o);
        assertEquals(R, r.direction(R, true, 0), "nothing spent yet");
        r.charge(R, 4096, 0); // the next read may go ~13.6 s later
        assertEquals(W, r.direction(R, true, S), "reads throttled, writes free");
        assertEquals(R, r.direction(R, false, S), "the other direction is not in the mix: wait for reads");
        r.charge(W, 2048, S); // writes may go again ~7.8 s after 1 s
        assertEquals(W, r.direction(R, true, 2 * S), "both throttled: the one that may go sooner");
        assertEquals(W, r.direction(W, true, 2 * S));
        assertEquals(R, r.direction(R, true, 14 * S), "reads may go again");
    }

    @Test
    void poissonGapsAreExponentialWithTheLinearMean() {
        JobOptions o = new JobOptions();
        o.rateIops[R] = 1000; // linear: 1 ms apart
        o.ratePoisson = true;
        RateLimiter r = new RateLimiter(o, 42);
        long now = 0;
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        int shorterThanMean = 0;
        for (int i = 0; i < n; i++) {
            now += r.delay(R, now); // issue as soon as allowed
            r.charge(R, 4096, now);
            long gap = r.delay(R, now);
            sum += gap;
            sumSq += (double) gap * gap;
            shorterThanMean += gap < 1_000_000 ? 1 : 0;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(1_000_000, mean, 20_000, "the rate is kept");
        assertEquals(1.0, sd / mean, 0.03, "exponential: the deviation equals the mean");
        assertEquals(1 - Math.exp(-1), (double) shorterThanMean / n, 0.01, "P(gap < mean) = 1 - 1/e");
        JobOptions linear = new JobOptions();
        linear.rateIops[R] = 1000;
        RateLimiter l = new RateLimiter(linear, 42);
        l.charge(R, 4096, 0);
        assertEquals(1_000_000, l.delay(R, 0), "linear: fixed gaps");
    }

    @Test
    void withoutALimitTheDrawStands() {
        RateLimiter r = new RateLimiter(new JobOptions());
        assertEquals(R, r.direction(R, true, 0));
        assertEquals(W, r.direction(W, true, 0));
    }
}
