package org.aioemu.blockdev;

import org.HdrHistogram.Histogram;

/**
 * What a backend's requests did, per kind, as QEMU's {@code query-blockstats} reports it: requests, bytes, failures
 * and the latency of each (submission to completion) in a histogram. Recorded on the loop as requests complete,
 * without allocation; read through {@link BlockBackend#stats()}, which copies it on the loop.
 */
public final class BlockStats {
    /** The kinds of request counted, in {@link #of} order. */
    public enum Op { READ, WRITE, FLUSH, DISCARD, WRITE_ZEROES }

    /** One kind's figures at the time of the copy. Latencies in nanoseconds; 0 when there were no requests. */
    public record OpStats(long ops, long bytes, long failed, long meanNanos, long p50Nanos, long p99Nanos, long maxNanos) {
    }

    /** One minute: a longer request is recorded as one minute. */
    private static final long MAX_NANOS = 60_000_000_000L;

    private final long[] ops = new long[Op.values().length];
    private final long[] bytes = new long[Op.values().length];
    private final long[] failed = new long[Op.values().length];
    private final Histogram[] latency = new Histogram[Op.values().length];

    BlockStats() {
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new Histogram(MAX_NANOS, 2); // two significant digits: ~1 % error, a few KiB per kind
        }
    }

    /** Loop only: a request of kind {@code op} completed with {@code result} after {@code nanos}. */
    void record(int op, int result, long bytesMoved, long nanos) {
        ops[op]++;
        if (result < 0) {
            failed[op]++;
        } else {
            bytes[op] += bytesMoved;
        }
        latency[op].recordValue(Math.max(1, Math.min(nanos, MAX_NANOS)));
    }

    /** Loop only: a copy of one kind's figures. */
    OpStats of(Op op) {
        int i = op.ordinal();
        Histogram h = latency[i];
        if (ops[i] == 0) {
            return new OpStats(0, 0, 0, 0, 0, 0, 0);
        }
        return new OpStats(ops[i], bytes[i], failed[i], (long) h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getMaxValue());
    }
}
