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

    /**
     * unlink_each_loop: whether a loop of the workload has ended and the next waits for the job to replace the
     * files ({@link #nextLoop}); {@link #next} gives nothing meanwhile. Only the generated workload loops.
     */
    default boolean betweenLoops() {
        return false;
    }

    /**
     * unlink_each_loop: the files are new and the written log is empty; the next loop starts. A source that keeps
     * indexes into the written log starts them again.
     */
    default void nextLoop() {
        throw new IllegalStateException("not between loops");
    }
}
