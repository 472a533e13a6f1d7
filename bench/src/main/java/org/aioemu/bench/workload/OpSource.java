package org.aioemu.bench.workload;

/**
 * Produces a job phase's operations: the generated workload, a trace replay, or the verify read-back.
 * Loop only.
 */
interface OpSource {
    /** Fills {@code s} with the next operation ({@link IoSlot#set} and maybe notBefore); false when none is left. */
    boolean next(IoSlot s);

    /** Share of the work done, 0..1, or -1 when it is not known from bytes (time-based). */
    double progress();
}
