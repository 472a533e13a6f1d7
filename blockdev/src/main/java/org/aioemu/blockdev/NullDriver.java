package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.AioContext;

/**
 * QEMU's {@code null-co}: a disk with nothing behind it. Reads return zeroes (or leave the buffer as it was, with
 * {@code read-zeroes=off}), writes and the rest succeed at once. It measures the layers above the image — the
 * backend, the futures' hop, the NBD export — without a syscall in the way.
 *
 * <p>Threading: loop only (see {@link BlockDriver}). A request completes on a later loop task, never inside the
 * call, as a real image's would: completions wait in a loop-owned ring drained by one bottom half per burst, so the
 * steady state allocates nothing.
 */
final class NullDriver implements BlockDriver {
    private final long size;
    private final boolean readZeroes;
    /** Runs {@link #drain}: a bottom half, so completions also come inside a nested wait on the loop. */
    private final org.aioemu.engine.BottomHalf drainer;
    private final LoopDeferred deferred;
    /** Loop only: completions due, in order, with their results, kinds, bytes and start times. */
    private BlockCompletion[] due = new BlockCompletion[16];
    private int[] results = new int[16];
    private int[] ops = new int[16];
    private long[] bytes = new long[16];
    private long[] starts = new long[16];
    private int head;
    private int count;
    private BlockStats stats;

    NullDriver(AioContext ctx, long size, boolean readZeroes) {
        if (size < 0) {
            throw new IllegalArgumentException("null-co size must not be negative: " + size);
        }
        this.size = size;
        this.readZeroes = readZeroes;
        this.drainer = ctx.newBottomHalf(this::drain);
        this.deferred = new LoopDeferred(ctx);
    }

    @Override
    public String format() {
        return "null-co";
    }

    @Override
    public String description() {
        return "null-co (" + size + " bytes)";
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int requestAlignment() {
        return 1;
    }

    @Override
    public void accountInto(BlockStats s) {
        this.stats = s;
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        if (readZeroes) {
            buffer.fill((byte) 0);
        }
        later(completion, (int) buffer.byteSize(), BlockStats.Op.READ, buffer.byteSize());
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            if (readZeroes) {
                iov[i].fill((byte) 0);
            }
            total += iov[i].byteSize();
        }
        later(completion, (int) total, BlockStats.Op.READ, total);
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        later(completion, (int) buffer.byteSize(), BlockStats.Op.WRITE, buffer.byteSize());
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        long total = RequestArguments.total(iov, count);
        later(completion, (int) total, BlockStats.Op.WRITE, total);
    }

    @Override
    public void flush(BlockCompletion completion) {
        later(completion, 0, BlockStats.Op.FLUSH, 0);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
        later(completion, 0, BlockStats.Op.FLUSH, 0);
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        later(completion, 0, BlockStats.Op.DISCARD, length);
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        later(completion, 0, BlockStats.Op.WRITE_ZEROES, length);
    }

    /** The size is the spec's. */
    @Override
    public void resize(long newSize, BlockCompletion completion) {
        deferred.later(() -> completion.complete(-org.aioemu.engine.Errno.EOPNOTSUPP, "null-co has the fixed size of its spec"));
    }

    /** Whole-disk zeroes with read-zeroes: a hole. Otherwise the driver cannot say, and says data. */
    @Override
    public void blockStatus(long offset, long length, BlockStatusCompletion completion) {
        deferred.later(() -> completion.complete(length, readZeroes, 0, null));
    }

    @Override
    public int inFlight() {
        return count + deferred.pending();
    }

    private void later(BlockCompletion c, int result, BlockStats.Op op, long n) {
        if (count == due.length) {
            grow();
        }
        int i = (head + count) & (due.length - 1);
        due[i] = c;
        results[i] = result;
        ops[i] = op.ordinal();
        bytes[i] = n;
        starts[i] = stats != null ? System.nanoTime() : 0;
        if (count++ == 0) {
            drainer.schedule();
        }
    }

    /** Doubles the ring (a power of two), keeping the order. */
    private void grow() {
        int n = due.length;
        BlockCompletion[] d = new BlockCompletion[n * 2];
        int[] r = new int[n * 2];
        int[] o = new int[n * 2];
        long[] b = new long[n * 2];
        long[] s = new long[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (head + k) & (n - 1);
            d[k] = due[i];
            r[k] = results[i];
            o[k] = ops[i];
            b[k] = bytes[i];
            s[k] = starts[i];
        }
        due = d;
        results = r;
        ops = o;
        bytes = b;
        starts = s;
        head = 0;
    }

    /** Loop: completes every request due when the task began; later ones wait for the next task. */
    private void drain() {
        int n = count;
        for (int k = 0; k < n; k++) {
            int i = head;
            BlockCompletion c = due[i];
            due[i] = null;
            head = (head + 1) & (due.length - 1);
            count--;
            if (stats != null) {
                stats.record(ops[i], results[i], bytes[i], System.nanoTime() - starts[i]);
            }
            c.complete(results[i], null);
        }
        if (count > 0) {
            drainer.schedule();
        }
    }

    @Override
    public void close() {
        if (count > 0) {
            throw new IllegalStateException(count + " requests still in flight on " + description());
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
