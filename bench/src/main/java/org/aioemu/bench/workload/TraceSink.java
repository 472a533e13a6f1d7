package org.aioemu.bench.workload;

/**
 * Records the I/O a job issues for {@code write_iolog}. Methods are called on the job's loop thread (the
 * first ones while the job starts); an implementation should buffer and must not block for long. A
 * failure is reported by throwing an unchecked exception: the job then records it as its error and stops
 * tracing.
 */
public interface TraceSink extends AutoCloseable {
    /** The job's files as they are added, opened and closed; a format without file events leaves these out. */
    default void add(String file) {
    }

    default void open(String file) {
    }

    default void close(String file) {
    }

    /** One issued operation, {@code timeNanos} after the job started. */
    void io(long timeNanos, String file, TraceAction action, long offset, long length);

    /**
     * The operation {@link #io} announced finished, {@code timeNanos} after the job started, with {@code errno}
     * (0: success). fio's iolog has no place for it; a blktrace records it as a complete event.
     */
    default void completed(long timeNanos, String file, TraceAction action, long offset, long length, int errno) {
    }

    /** Flushes and closes the trace. Called once, at the end of the job, on the runner thread. */
    @Override
    void close();
}
