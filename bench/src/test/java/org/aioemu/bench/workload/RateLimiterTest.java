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
    void withoutALimitTheDrawStands() {
        RateLimiter r = new RateLimiter(new JobOptions());
        assertEquals(R, r.direction(R, true, 0));
        assertEquals(W, r.direction(W, true, 0));
    }
}
