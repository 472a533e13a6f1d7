package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * write_iolog for one job: the files at start and end, and every request as it is issued. A sink that throws
 * is dropped after its failure is reported (the job turns it into its error). Loop only; a no-op without a
 * sink.
 */
final class TraceRecorder {
    private TraceSink sink;
    private final String[] names;
    private StatsRecorder.LogFailure onFailure;

    TraceRecorder(TraceSink sink, String[] names) {
        this.sink = sink;
        this.names = names;
    }

    void onFailure(StatsRecorder.LogFailure f) {
        this.onFailure = f;
    }

    void filesOpened() {
        if (sink == null) {
            return;
        }
        try {
            for (String n : names) {
                sink.add(n);
            }
            for (String n : names) {
                sink.open(n);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    void filesClosed() {
        if (sink == null) {
            return;
        }
        try {
            for (String n : names) {
                sink.close(n);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    void io(IoSlot s, long sinceStartNanos) {
        if (sink == null || !s.accounted) {
            return;
        }
        TraceAction a = switch (s.ddir) {
            case JobOptions.READ -> TraceAction.READ;
            case JobOptions.WRITE -> TraceAction.WRITE;
            case JobOptions.TRIM -> TraceAction.TRIM;
            default -> TraceAction.SYNC;
        };
        try {
            sink.io(sinceStartNanos, names[s.file], a, a == TraceAction.SYNC ? 0 : s.offset, a == TraceAction.SYNC ? 0 : s.length);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Runner thread, after the job: closes the sink. Returns a failure message, or null. */
    String close() {
        TraceSink t = sink;
        sink = null;
        if (t == null) {
            return null;
        }
        try {
            t.close();
            return null;
        } catch (RuntimeException e) {
            return "write_iolog: " + e.getMessage();
        }
    }

    private void failed(RuntimeException e) {
        TraceSink t = sink;
        sink = null;
        try {
            t.close();
        } catch (RuntimeException ignored) {
            // already failing: the first failure is the one reported
        }
        if (onFailure != null) {
            onFailure.failed("write_iolog: " + e.getMessage());
        }
    }
}
