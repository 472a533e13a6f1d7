package org.aioemu.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.aioemu.engine.AioContext;

/**
 * Keeps {@code depth} operations in flight from the loop until {@code total} have completed, so a
 * benchmark invocation measures round trips without the benchmark thread in the path. Subclasses issue
 * one operation in {@link #issue(int)} and call {@link #completed(int)} from its completion (on the loop).
 *
 * <p>Threading: {@link #runBatch} from the benchmark thread; the rest on the loop.
 */
abstract class LoopDriver {
    final AioContext ctx;
    private final int depth;
    private final Runnable start = this::start;
    private int total;
    private int issued;
    private int done;
    private volatile boolean finished;
    /** Benchmark thread: operations run since {@link #startCpuClock}, and the CPU clocks read then. */
    private long opsSinceClock;
    private long loopCpuAtClock;
    private long processCpuAtClock;

    LoopDriver(AioContext ctx, int depth) {
        this.ctx = ctx;
        this.depth = depth;
    }

    /** Benchmark thread: runs {@code n} operations at the configured depth and waits for them all. */
    final void runBatch(int n) {
        total = n; // published to the loop by execute()
        finished = false;
        ctx.execute(start);
        ctx.runUntil(() -> finished);
        opsSinceClock += n;
    }

    /** Benchmark thread, at setup: starts counting CPU time (loop thread, whole process) per operation. */
    final void startCpuClock() {
        opsSinceClock = 0;
        loopCpuAtClock = loopCpuNanos();
        processCpuAtClock = processCpuNanos();
    }

    /**
     * Benchmark thread, at teardown: prints the CPU time per operation since {@link #startCpuClock}
     * (warm-up included), of the loop thread and of the whole process, and the loop's polling counters.
     * JMH's score is throughput; this says what the throughput cost.
     */
    final void printCpuPerOp(AioContext context) {
        long ops = Math.max(1, opsSinceClock);
        System.out.printf(Locale.ROOT, "%n[cpu] %,d ops: loop thread %.2f µs/op, process %.2f µs/op; %s%n", ops,
                (loopCpuNanos() - loopCpuAtClock) / 1e3 / ops, (processCpuNanos() - processCpuAtClock) / 1e3 / ops,
                context.pollStats());
    }

    private long loopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.getThreadCpuTime(ctx.loopThread().threadId());
    }

    private static long processCpuNanos() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
    }

    private void start() {
        issued = 0;
        done = 0;
        for (int slot = 0; slot < depth && issued < total; slot++) {
            issued++;
            issue(slot);
        }
    }

    /** Loop: one operation of {@code slot} finished; issue the next or finish the batch. */
    final void completed(int slot) {
        done++;
        if (issued < total) {
            issued++;
            issue(slot);
        } else if (done == total) {
            finished = true;
        }
    }

    /** Loop: start one operation for {@code slot}. */
    abstract void issue(int slot);
}
