package org.aioemu.bench.workload;

import java.util.Objects;

/**
 * One line of an I/O trace.
 *
 * @param timeNanos when to issue it, nanoseconds after the trace's start (replay waits for it unless
 *                  replay_no_stall); a WAIT op only carries a time
 * @param file      the file as the trace names it
 * @param action    what to do
 * @param offset    byte offset (READ, WRITE, TRIM), else 0
 * @param length    byte length (READ, WRITE, TRIM), else 0
 */
public record TraceOp(long timeNanos, String file, TraceAction action, long offset, long length) {
    public TraceOp {
        Objects.requireNonNull(action, "action");
        if (timeNanos < 0 || offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative time, offset or length in " + action + " of " + file);
        }
    }
}
