package org.aioemu.engine;

/**
 * The adaptive polling of one {@link AioContext}: its knobs and what it has done so far
 * ({@link AioContext#pollStats()}). A wait is one stretch in which the loop had nothing to run.
 *
 * @param maxNs     poll-max-ns: the largest window; 0 when polling is off
 * @param grow      poll-grow: the factor a window grows by
 * @param shrink    poll-shrink: the divisor a window shrinks by; 0 resets it to 0
 * @param windowNs  the current window: how long the next wait polls before it blocks
 * @param waits     waits so far
 * @param hits      waits that ended while polling, without blocking (and so without a wake-up)
 * @param pollNanos time spent polling in all waits, hits or not: CPU the loop spent on polling
 * @param grows     times the window grew
 * @param shrinks   times the window shrank
 */
public record PollStats(long maxNs, int grow, int shrink, long windowNs, long waits, long hits, long pollNanos,
                        long grows, long shrinks) {

    /** Waits that blocked: each one costs a wake-up to end. */
    public long blocks() {
        return waits - hits;
    }
}
