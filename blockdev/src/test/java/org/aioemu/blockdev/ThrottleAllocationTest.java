package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The request path of the throttle filter allocates nothing once warm: a request that goes at once, and one held
 * back in the queue (its node is a recycled one), measured with HotSpot's per-thread allocation counter on the loop.
 */
class ThrottleAllocationTest extends ContextFixture {
    private static volatile Object sink;

    private static long allocatedBy(Runnable r) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void passingAndWaitingAllocateNothingOnceWarm() throws Exception {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemoryEnabled(), "this JVM does not count allocation per thread");
        MemorySegment buf = arena.allocate(4096);
        MemorySegment[] iov = {buf.asSlice(0, 512), buf.asSlice(512, 512)};
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        BlockCompletion c = (r, d) -> done.incrementAndGet();
        ThrottleFilter[] filters = new ThrottleFilter[2];
        Runnable passing = () -> {
            for (int i = 0; i < 200; i++) {
                filters[0].read(0, buf, c);
                filters[0].writev(0, iov, 2, 0, c);
            }
        };
        Runnable waiting = () -> {
            for (int i = 0; i < 200; i++) {
                filters[1].read(0, buf, c);
                filters[1].writev(0, iov, 2, 0, c);
            }
        };
        CompletableFuture.runAsync(() -> {
            filters[0] = new ThrottleFilter(ctx, new NullDriver(ctx, 1 << 20, true),
                    ThrottleGroup.create(null, ThrottleLimits.NONE.with("iops-total", 1_000_000_000L).check()));
            filters[1] = new ThrottleFilter(ctx, new NullDriver(ctx, 1 << 20, true),
                    ThrottleGroup.create(null, ThrottleLimits.NONE.with("iops-total", 1).check()));
            passing.run(); // warm: the null driver's ring grows, the filters' nodes are made
            waiting.run();
            waiting.run(); // more nodes than the measurement will hold
            filters[1].drainBegin(); // the held requests go, their nodes back on the free list
            filters[1].drainEnd();
        }, ctx::execute).get(10, TimeUnit.SECONDS);
        // every warm-up request completed (400 that went at once, 800 held then drained): the null driver's ring is empty
        assertTrue(ctx.runUntil(() -> done.get() == 1200, java.time.Duration.ofSeconds(10)), done + " of 1200 completed");
        CompletableFuture<long[]> measured = CompletableFuture.supplyAsync(() -> {
            filters[1].read(0, buf, c); // held: the group's timer is armed for it before the measurement
            return new long[]{allocatedBy(passing), allocatedBy(waiting)};
        }, ctx::execute);
        long[] bytes = measured.get(10, TimeUnit.SECONDS);
        assertTrue(allocatedBy(() -> sink = new byte[1 << 16]) >= 1 << 16, "the counter sees allocation at all");
        assertEquals(0, bytes[0], "bytes allocated by 400 requests that went at once");
        assertEquals(0, bytes[1], "bytes allocated by 400 requests held back");
    }
}
