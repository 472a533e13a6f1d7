package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The grow / keep / shrink policy alone, fed made-up wait times. */
class AdaptivePollTest {
    private static final long MAX = 32_768;

    @Test
    void shortWaitsGrowTheWindowFromTheStartValueUpToTheMaximum() {
        AdaptivePoll p = new AdaptivePoll(MAX, 2, 2);
        assertEquals(0, p.windowNs());
        p.afterWait(20_000, false, 0);
        assertEquals(AdaptivePoll.START_NS, p.windowNs());
        p.afterWait(20_000, false, AdaptivePoll.START_NS);
        assertEquals(2 * AdaptivePoll.START_NS, p.windowNs());
        p.afterWait(20_000, false, 2 * AdaptivePoll.START_NS);
        assertEquals(4 * AdaptivePoll.START_NS, p.windowNs());
        p.afterWait(20_000, false, 4 * AdaptivePoll.START_NS);
        assertEquals(8 * AdaptivePoll.START_NS, p.windowNs()); // 32768: capped from here on
        p.afterWait(30_000, false, MAX);
        assertEquals(MAX, p.windowNs());
        PollStats s = p.stats();
        assertEquals(4, s.grows());
        assertEquals(5, s.waits());
        assertEquals(0, s.hits());
    }

    @Test
    void growthIsCappedAtTheMaximumEvenWhenTheFactorOvershoots() {
        AdaptivePoll p = new AdaptivePoll(10_000, 16, 2);
        p.afterWait(9_000, false, 0);
        assertEquals(AdaptivePoll.START_NS, p.windowNs());
        p.afterWait(9_000, false, 0);
        assertEquals(10_000, p.windowNs());
        AdaptivePoll tiny = new AdaptivePoll(1_000, 2, 2);
        tiny.afterWait(500, false, 0);
        assertEquals(1_000, tiny.windowNs(), "the start value is capped too");
    }

    @Test
    void aWaitWithinTheWindowKeepsIt() {
        AdaptivePoll p = grownTo(4 * AdaptivePoll.START_NS);
        long w = p.windowNs();
        p.afterWait(w / 3, true, w / 3);
        p.afterWait(w, true, w);
        assertEquals(w, p.windowNs());
        assertEquals(2, p.stats().hits());
    }

    @Test
    void aWaitLongerThanTheMaximumShrinksByTheDivisor() {
        AdaptivePoll p = grownTo(MAX);
        p.afterWait(MAX + 1, false, MAX);
        assertEquals(MAX / 2, p.windowNs());
        p.afterWait(1_000_000_000L, false, MAX / 2);
        assertEquals(MAX / 4, p.windowNs());
        assertEquals(2, p.stats().shrinks());
        // An idle loop (long blocks only) ends at 0 and stays there.
        for (int i = 0; i < 64; i++) {
            p.afterWait(10_000_000L, false, p.windowNs());
        }
        assertEquals(0, p.windowNs());
    }

    @Test
    void shrinkZeroResetsTheWindowAtOnce() {
        AdaptivePoll p = new AdaptivePoll(MAX, 2, 0);
        for (int i = 0; i < 10; i++) {
            p.afterWait(20_000, false, p.windowNs());
        }
        assertEquals(MAX, p.windowNs());
        p.afterWait(MAX * 2, false, MAX);
        assertEquals(0, p.windowNs());
    }

    @Test
    void aWaitBetweenTheWindowAndTheMaximumAtTheMaximumChangesNothing() {
        AdaptivePoll p = grownTo(MAX);
        p.afterWait(MAX, false, MAX);
        assertEquals(MAX, p.windowNs());
    }

    @Test
    void maxZeroDisablesPollingButStillCountsWaits() {
        AdaptivePoll p = new AdaptivePoll(0, 2, 2);
        for (long waited : new long[] {1, 1_000, 20_000, 10_000_000}) {
            p.afterWait(waited, false, 0);
            assertEquals(0, p.windowNs());
        }
        PollStats s = p.stats();
        assertEquals(4, s.waits());
        assertEquals(4, s.blocks());
        assertEquals(0, s.grows());
        assertTrue(!p.enabled());
    }

    @Test
    void growOneHoldsTheStartValue() {
        AdaptivePoll p = new AdaptivePoll(MAX, 1, 2);
        for (int i = 0; i < 5; i++) {
            p.afterWait(20_000, false, p.windowNs());
        }
        assertEquals(AdaptivePoll.START_NS, p.windowNs());
    }

    @Test
    void badKnobsAreRefusedWithTheirQemuNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdaptivePoll(-1, 2, 2));
        assertTrue(e.getMessage().contains("poll-max-ns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdaptivePoll(MAX, 0, 2));
        assertTrue(e.getMessage().contains("poll-grow"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdaptivePoll(MAX, 2, -1));
        assertTrue(e.getMessage().contains("poll-shrink"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AioContext.builder().pollMaxNs(-5));
    }

    private static AdaptivePoll grownTo(long window) {
        AdaptivePoll p = new AdaptivePoll(MAX, 2, 2);
        while (p.windowNs() < window) {
            p.afterWait(Math.max(p.windowNs() + 1, 1_000), false, p.windowNs());
        }
        assertEquals(window, p.windowNs());
        return p;
    }
}
