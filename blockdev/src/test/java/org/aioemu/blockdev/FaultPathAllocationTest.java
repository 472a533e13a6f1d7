package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-request path of the fault filter and the backend's recovery layer allocates nothing in steady state: a
 * chain of loop-form requests over a null image, failed, retried (EAGAIN), corrupted or passed by the rules, costs
 * the loop thread no heap beyond noise.
 */
class FaultPathAllocationTest extends ContextFixture {
    private static final int DEPTH = 8;

    /** Keeps {@link #DEPTH} reads in flight until {@code total} have completed; loop only. */
    private static final class Chain implements BlockCompletion {
        final BlockBackend disk;
        final MemorySegment[] bufs;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        long left;
        long failed;
        int next;

        Chain(BlockBackend disk, MemorySegment[] bufs, long total) {
            this.disk = disk;
            this.bufs = bufs;
            this.left = total;
        }

        void start() {
            for (int i = 0; i < DEPTH; i++) {
                issue();
            }
        }

        private void issue() {
            MemorySegment b = bufs[next++ & (DEPTH - 1)];
            disk.read((next & 255) * 4096L, b, this);
        }

        @Override
        public void complete(int result, String detail) {
            if (result < 0) {
                failed++;
            }
            if (--left >= DEPTH) {
                issue();
            } else if (left == 0) {
                done.complete(null);
            }
        }
    }

    private long run(BlockBackend disk, MemorySegment[] bufs, long total) throws Exception {
        Chain c = new Chain(disk, bufs, total);
        ctx.execute(c::start);
        c.done.get(60, TimeUnit.SECONDS);
        return c.failed;
    }

    @Test
    void failRetryAndCorruptAllocateNothingPerRequest() throws Exception {
        BlockSpec spec = BlockSpec.parse("driver=inject,rules=read:errno=EIO:every=3;read:errno=EAGAIN:every=5;"
                + "read:corrupt=2:every=7,file.driver=null-co,file.size=1M");
        try (BlockBackend disk = BlockBackend.open(ctx, spec)) {
            MemorySegment[] bufs = new MemorySegment[DEPTH];
            for (int i = 0; i < DEPTH; i++) {
                bufs[i] = arena.allocate(4096);
            }
            assertTrue(run(disk, bufs, 50_000) > 0, "some requests failed"); // warm-up: pools filled, code compiled
            var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long loop = ctx.loopThread().threadId();
            long before = bean.getThreadAllocatedBytes(loop);
            long n = 200_000;
            long failed = run(disk, bufs, n);
            long bytes = bean.getThreadAllocatedBytes(loop) - before;
            // Retries are requests too, and the rules count them: more than a third of the reads fail.
            assertTrue(failed > n / 3 && failed < n / 2, failed + " of " + n + " failed");
            assertTrue(bytes < n / 4, bytes + " bytes allocated on the loop for " + n + " requests");
        }
    }
}
