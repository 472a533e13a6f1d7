package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;

/**
 * write_iolog and write_blktrace for one job: the files at start and end, every request as it is issued and as it
 * completes. A sink that throws is dropped after its failure is reported (the job turns it into its error); the
 * others go on. Loop only (closing: the runner thread, after the job); a no-op without sinks.
 */
final class TraceRecorder {
    /** A sink and the option it serves, which names it in failure messages. */
    private record Labelled(String option, TraceSink sink) {
    }

    private final List<Labelled> sinks = new ArrayList<>(2);
    private final String[] names;
    private StatsRecorder.LogFailure onFailure;

    TraceRecorder(String[] names) {
        this.names = names;
    }

    /** Setup: records into {@code sink} too, for {@code option} (write_iolog, write_blktrace). */
    TraceRecorder with(String option, TraceSink sink) {
        sinks.add(new Labelled(option, sink));
        return this;
    }

    void onFailure(StatsRecorder.LogFailure f) {
        this.onFailure = f;
    }

    void filesOpened() {
        for (int i = sinks.size() - 1; i >= 0; i--) {
            Labelled l = sinks.get(i);
            try {
                for (String n : names) {
                    l.sink().add(n);
                }
                for (String n : names) {
                    l.sink().open(n);
                }
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    void filesClosed() {
        for (int i = sinks.size() - 1; i >= 0; i--) {
            try {
                for (String n : names) {
                    sinks.get(i).sink().close(n);
                }
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    void io(IoSlot s, long sinceStartNanos) {
        if (sinks.isEmpty() || !s.accounted) {
            return;
        }
        TraceAction a = action(s);
        long offset = a == TraceAction.SYNC ? 0 : s.offset;
        long length = a == TraceAction.SYNC ? 0 : s.length;
        for (int i = sinks.size() - 1; i >= 0; i--) {
            try {
                sinks.get(i).sink().io(sinceStartNanos, names[s.file], a, offset, length);
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    /** {@code s} finished with {@code result} (negative: -errno). */
    void completed(IoSlot s, int result, long sinceStartNanos) {
        if (sinks.isEmpty() || !s.accounted) {
            return;
        }
        TraceAction a = action(s);
        long offset = a == TraceAction.SYNC ? 0 : s.offset;
        long length = a == TraceAction.SYNC ? 0 : s.length;
        int errno = result < 0 ? -result : 0;
        for (int i = sinks.size() - 1; i >= 0; i--) {
            try {
                sinks.get(i).sink().completed(sinceStartNanos, names[s.file], a, offset, length, errno);
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    /** Runner thread, after the job: closes the sinks. Returns a failure message, or null. */
    String close() {
        String failure = null;
        for (Labelled l : sinks) {
            try {
                l.sink().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = l.option() + ": " + e.getMessage();
                }
            }
        }
        sinks.clear();
        return failure;
    }

    private static TraceAction action(IoSlot s) {
        return switch (s.ddir) {
            case JobOptions.READ -> TraceAction.READ;
            case JobOptions.WRITE -> TraceAction.WRITE;
            case JobOptions.TRIM -> TraceAction.TRIM;
            default -> TraceAction.SYNC;
        };
    }

    private void failed(int index, RuntimeException e) {
        Labelled l = sinks.remove(index);
        try {
            l.sink().close();
        } catch (RuntimeException ignored) {
            // already failing: the first failure is the one reported
        }
        if (onFailure != null) {
            onFailure.failed(l.option() + ": " + e.getMessage());
        }
    }
}
