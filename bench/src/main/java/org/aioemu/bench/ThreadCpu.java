package org.aioemu.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU time of a pool's workers and of the loop, for {@code convert --stats}: seed 003's question of whether every
 * worker was busy alike. A thread factory that remembers the threads it made, read through the JVM's thread CPU
 * clock while they are still alive (a pool's idle workers linger for seconds, longer than the report waits).
 *
 * <p>Threading: the factory is called by the pool from any thread; {@link #report} by the command's thread.
 */
final class ThreadCpu implements ThreadFactory {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String name;

    ThreadCpu(String name) {
        this.name = name;
    }

    @Override
    public synchronized Thread newThread(Runnable r) {
        Thread t = new Thread(r, name + "-worker-" + ids.incrementAndGet());
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    /** "workers 2: CPU 1.23 s, 1.19 s (least/most 0.97); loop 0.41 s", CPU per worker in order of creation. */
    synchronized String report(Thread loop, double wallSeconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<String> each = new ArrayList<>();
        long least = Long.MAX_VALUE;
        long most = 0;
        long total = 0;
        for (Thread t : threads) {
            long ns = Math.max(0, mx.getThreadCpuTime(t.threadId()));
            least = Math.min(least, ns);
            most = Math.max(most, ns);
            total += ns;
            each.add(String.format(Locale.ROOT, "%.2f s", ns / 1e9));
        }
        long loopNs = loop == null ? -1 : mx.getThreadCpuTime(loop.threadId());
        return String.format(Locale.ROOT, "workers %d: CPU %s (least/most %.2f; busy %.0f%% of %.2f s wall on average); loop %.2f s",
                threads.size(), String.join(", ", each), most == 0 ? 1.0 : (double) least / most,
                threads.isEmpty() ? 0 : 100.0 * total / 1e9 / threads.size() / wallSeconds, wallSeconds, loopNs / 1e9);
    }
}
