package org.aioemu.bench;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running something (HotSpot's per-thread counter). */
public final class Allocations {
    private static volatile Object sink;

    private Allocations() {
    }

    public static long of(Runnable r) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        long bytes = bean.getThreadAllocatedBytes(id) - before;
        // The counter must see allocation at all, or "nothing allocated" would prove nothing.
        long probe = bean.getThreadAllocatedBytes(id);
        sink = new byte[1 << 16];
        if (bean.getThreadAllocatedBytes(id) - probe < 1 << 16) {
            throw new AssertionError("the thread allocation counter does not work here");
        }
        return bytes;
    }
}
