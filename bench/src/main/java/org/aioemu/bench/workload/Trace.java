package org.aioemu.bench.workload;

import java.util.List;

/**
 * A trace read for {@code read_iolog}.
 *
 * @param ops          its operations in file order
 * @param depth        the queue depth the trace itself shows (a blktrace's queued requests between
 *                     completions), which a job that sets no iodepth replays at, as fio does; 0 when the
 *                     format does not show one (fio's text iologs)
 * @param missingFiles names in {@code ops} that stand for something this machine lacks (a blktrace's device
 *                     with no node under /dev): the job must redirect the replay (replay_redirect=) to run
 * @param alignLengths whether replay_align also rounds lengths up (fio does so for blktrace only)
 */
public record Trace(List<TraceOp> ops, int depth, List<String> missingFiles, boolean alignLengths) {
    public Trace {
        ops = List.copyOf(ops);
        missingFiles = List.copyOf(missingFiles);
    }

    /** A text iolog's trace: no depth, every file named as it is. */
    public static Trace of(List<TraceOp> ops) {
        return new Trace(ops, 0, List.of(), false);
    }
}
