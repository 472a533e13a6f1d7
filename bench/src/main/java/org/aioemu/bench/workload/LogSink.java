package org.aioemu.bench.workload;

/**
 * Receives one job's entries of one log (fio's {@code write_bw_log}, {@code write_iops_log},
 * {@code write_lat_log}): {@code time, value, direction, block size, offset}, as in fio's log files.
 * Called on the job's loop thread; must not block for long. A failure is reported by throwing an unchecked
 * exception: the job records it as its error and stops logging.
 */
public interface LogSink extends AutoCloseable {
    /**
     * @param timeMillis milliseconds since the job started (after ramp_time)
     * @param value      KiB/s, IOPS, or latency in ns, per the log's kind
     * @param ddir       0 read, 1 write, 2 trim
     * @param blockSize  the request's size, or 0 for averaged entries
     * @param offset     the request's offset, or 0 for averaged entries
     */
    void entry(long timeMillis, long value, int ddir, long blockSize, long offset);

    /** Flushes and closes. Called once, on the runner thread, after the job ended. */
    @Override
    void close();
}
