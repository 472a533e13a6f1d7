package org.aioemu.blockdev.lz4;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import org.aioemu.blockdev.BlockCompletion;

/**
 * The stored clusters' writes to the child, one request at a time, each carrying with it the queued writes that
 * continue it in the file: a run of clusters appended one after another goes out as one vectored write.
 *
 * <p>Why one at a time: a buffered write takes the file's inode lock exclusively in the kernel (ext4 and xfs do, and
 * any write that extends the file does), so two workers writing clusters of one image at once finish no sooner than
 * one, and the one that waits spins on the lock while its owner runs. In a 2-thread {@code convert} to lz4 on 2
 * vCPUs, 0.11 s of the workers' 1.4 s of CPU went to that spinning ({@code rwsem_spin_on_owner}). The writes queued
 * meanwhile then go out together: one system call for many clusters instead of one each.
 *
 * <p>Ordering: a write's completion runs only once the child has its bytes, as when each went out alone, so the
 * driver still changes a map entry only after its cluster is written. Writes go out in the order they were queued; a
 * batch holds only writes that are contiguous in the file, at most {@link #MAX_BATCH} of them and
 * {@link #MAX_BATCH_BYTES}. A failed batch fails each of its writes with the child's error.
 *
 * <p>Threading: the driver's loop only.
 */
final class ClusterAppends {
    /** Buffers per vectored write: far below IOV_MAX (1024), and enough that a syscall carries many clusters. */
    static final int MAX_BATCH = 64;
    /** Bytes per vectored write: a batch does not hold the child for long. */
    static final long MAX_BATCH_BYTES = 8L << 20;

    private record Queued(long offset, MemorySegment buffer, BlockCompletion completion) {
    }

    /** One vectored write's buffers and completions; two alternate, so one completes while the next is out. */
    private static final class Batch {
        final MemorySegment[] iov = new MemorySegment[MAX_BATCH];
        final BlockCompletion[] completions = new BlockCompletion[MAX_BATCH];
        int count;
    }

    private final ChildGrowth growth;
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private final BlockCompletion batchDone = this::batchDone;
    private final Batch one = new Batch();
    private final Batch other = new Batch();
    /** The batch the child is writing; null when none is. */
    private Batch writing;
    /** The batch whose completions are running; null when none are. */
    private Batch completing;
    /** Batches written and writes carried, for tests and diagnostics. */
    private long batches;
    private long writes;

    ClusterAppends(ChildGrowth growth) {
        this.growth = growth;
    }

    /** Writes {@code buffer} (kept untouched until {@code completion} runs) at {@code offset} of the child. */
    void write(long offset, MemorySegment buffer, BlockCompletion completion) {
        queued.add(new Queued(offset, buffer, completion));
        if (writing == null && completing == null) {
            issueNext();
        }
    }

    private void issueNext() {
        Queued first = queued.poll();
        if (first == null) {
            return;
        }
        Batch b = one != completing ? one : other; // called only while nothing is being written
        b.iov[0] = first.buffer;
        b.completions[0] = first.completion;
        int n = 1;
        long end = first.offset + first.buffer.byteSize();
        long bytes = first.buffer.byteSize();
        for (Queued next; n < MAX_BATCH && (next = queued.peek()) != null && next.offset == end
                && bytes + next.buffer.byteSize() <= MAX_BATCH_BYTES; n++) {
            queued.poll();
            b.iov[n] = next.buffer;
            b.completions[n] = next.completion;
            end += next.buffer.byteSize();
            bytes += next.buffer.byteSize();
        }
        b.count = n;
        writing = b;
        batches++;
        writes += n;
        growth.writev(first.offset, b.iov, n, batchDone);
    }

    /** The child finished the batch: the next one goes out first, so the child is not idle while these complete. */
    private void batchDone(int r, String detail) {
        Batch done = writing;
        writing = null;
        completing = done; // a completion that queues a write leaves it queued until these have all run
        issueNext();
        for (int i = 0; i < done.count; i++) {
            BlockCompletion c = done.completions[i];
            int length = (int) done.iov[i].byteSize();
            done.completions[i] = null;
            done.iov[i] = null;
            c.complete(r < 0 ? r : length, detail);
        }
        done.count = 0;
        completing = null;
        if (writing == null) {
            issueNext();
        }
    }

    long batches() {
        return batches;
    }

    long writes() {
        return writes;
    }
}
