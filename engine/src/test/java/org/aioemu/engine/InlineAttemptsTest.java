package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The policy alone: when the loop tries a task's non-blocking form, from hit rates and costs it is told. */
class InlineAttemptsTest {
    private static final long WAKE = 20_000;

    /** Tries {@code n} eligible tasks, each answering {@code hit}; returns how many were tried. */
    private static int feed(InlineAttempts a, int n, boolean hit, long inFlight, long hitNanos) {
        int tried = 0;
        for (int i = 0; i < n; i++) {
            if (a.shouldTry(inFlight, WAKE)) {
                tried++;
                if (hit) {
                    a.hit(hitNanos);
                } else {
                    a.missed();
                }
            }
        }
        return tried;
    }

    @Test
    void hitsKeepBeingTried() {
        InlineAttempts a = new InlineAttempts();
        assertEquals(10_000, feed(a, 10_000, true, 5, 1_000));
        assertEquals(10_000, a.hits());
    }

    @Test
    void aWindowOfMissesBacksOffAndTheBackOffDoublesUpToItsCap() {
        InlineAttempts a = new InlineAttempts();
        int window = InlineAttempts.WINDOW;
        // The first window is tried in full, then the next WINDOW eligible tasks skip the attempt.
        assertEquals(window, feed(a, window, false, 0, 0));
        assertEquals(0, feed(a, window, false, 0, 0));
        // Then another window is tried, and the skip doubles.
        assertEquals(window, feed(a, window, false, 0, 0));
        assertEquals(0, feed(a, 2 * window, false, 0, 0));
        // Over a long all-miss run, attempts become a small share: the back-off reaches MAX_SKIP.
        int n = 4 * InlineAttempts.MAX_SKIP;
        int tried = feed(a, n, false, 0, 0);
        assertTrue(tried < n / 100, "tried " + tried + " of " + n + " all-miss tasks");
        assertTrue(tried >= window, "still probes now and then: " + tried);
    }

    @Test
    void aGoodWindowEndsTheBackOff() {
        InlineAttempts a = new InlineAttempts();
        int window = InlineAttempts.WINDOW;
        for (int round = 0; round < 6; round++) { // back off far
            feed(a, window, false, 0, 0);
            feed(a, window << round, false, 0, 0);
        }
        assertEquals(window, feed(a, window, false, 0, 0)); // and one more bad window: a long skip starts
        // The cache warms: once the next probing window is tried and mostly hits, every task is tried again.
        int skipped = 0;
        while (!a.shouldTry(0, WAKE)) {
            skipped++;
        }
        a.hit(500);
        assertEquals(window << 6, skipped);
        feed(a, window - 1, true, 0, 500);
        assertEquals(10 * window, feed(a, 10 * window, true, 0, 500));
    }

    @Test
    void halfMissesIsNotABadWindow() {
        InlineAttempts a = new InlineAttempts();
        for (int i = 0; i < 100 * InlineAttempts.WINDOW; i++) {
            assertTrue(a.shouldTry(0, WAKE), "attempt " + i);
            if (i % 2 == 0) {
                a.hit(800);
            } else {
                a.missed();
            }
        }
    }

    @Test
    void hitsDearerThanAWakeUpGoToThePoolWhileOthersAreInFlightButAreProbed() {
        InlineAttempts a = new InlineAttempts();
        a.hit(5 * WAKE); // the first timed hit sets the estimate
        assertEquals(5 * WAKE, a.hitNanos());
        int n = 100 * InlineAttempts.COST_PROBE;
        int tried = feed(a, n, true, 3, 5 * WAKE);
        assertEquals(n / InlineAttempts.COST_PROBE, tried, "one in COST_PROBE is still tried");
        // With nothing else in flight the loop would only wait for the worker: always try.
        assertEquals(100, feed(a, 100, true, 0, 5 * WAKE));
    }

    @Test
    void theCostEstimateFollowsTheWorkload() {
        InlineAttempts a = new InlineAttempts();
        a.hit(5 * WAKE);
        // Cheap hits from now on: the probes bring the estimate down, and then everything is tried again.
        int probes = 0;
        while (a.hitNanos() > WAKE && probes < 10_000) {
            if (a.shouldTry(3, WAKE)) {
                a.hit(1_000);
                probes++;
            }
        }
        assertTrue(a.hitNanos() <= WAKE, "estimate " + a.hitNanos() + " after " + probes + " probes");
        assertTrue(probes < 30, probes + " probes");
        assertEquals(1_000, feed(a, 1_000, true, 3, 1_000));
    }

    @Test
    void untimedHitsLeaveTheEstimateAlone() {
        InlineAttempts a = new InlineAttempts();
        a.hit(-1);
        assertEquals(0, a.hitNanos());
        a.hit(700);
        a.hit(-1);
        assertEquals(700, a.hitNanos());
        assertFalse(a.toString().isEmpty());
    }
}
