package org.aioemu.bench.iolog;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running something (HotSpot's per-thread counter). */
final class Allocations {
    private Allocations() {
    }

    static long of(Runnable r) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }
}
