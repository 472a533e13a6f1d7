package org.aioemu.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Limits of a {@link ThreadPool}: {@code min} workers started at creation that never exit, at most
 * {@code max} in all, and idle workers above {@code min} exiting after {@code idleTimeout}
 * (QEMU's {@code thread-pool-min}, {@code thread-pool-max} and its 10 s idle exit); and how requests reach
 * the workers.
 *
 * @param threadFactory   makes worker threads; null for daemon threads named {@code name-worker-N}
 * @param workerSpinNanos the longest an idle worker may spin watching for work before it parks (seed 003);
 *                        0 parks at once. The pool spins less than this: at most twice the wake-up cost it
 *                        measures on this host, and only as long as spinning catches work
 *                        ({@link HandoffPolicy}, {@link IdleSpin}); at most one worker spins, and only while
 *                        a core is spare. This bound is for hosts where a core must never be burnt.
 * @param model           where requests wait for a worker: one shared queue or a ring per worker
 * @param ringCapacity    the ring model's ring size per worker (a power of two; seed 003 uses 4)
 * @param inlineAttempts  whether the loop may run a task's non-blocking form itself before it queues the task
 *                        ({@link BlockingTask#tryWithoutBlocking}: a page-cache read with RWF_NOWAIT), when its
 *                        measurements say that costs less than a hand-off ({@link InlineAttempts}); false hands
 *                        every task to a worker, as QEMU's pool does
 */
public record ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory,
                               long workerSpinNanos, PoolModel model, int ringCapacity, boolean inlineAttempts) {
    public static final int DEFAULT_MIN = 0;
    public static final int DEFAULT_MAX = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * See {@link #workerSpinNanos}: a ceiling, not a setting. The measured bound (twice a wake-up: 40-80 µs
     * where waking an idle vCPU costs 20-40 µs, far less on bare metal) is what limits spinning in practice.
     */
    public static final long DEFAULT_WORKER_SPIN_NANOS = 1_000_000;
    /**
     * The default dispatch model: the shared queue. Before the loop served page-cached reads itself, the rings
     * won every page-cache row (their idle-worker-first pick kept one worker hot) and lost the O_DIRECT ones.
     * With {@link #inlineAttempts} on, page-cached reads mostly never reach a worker, and in bench/compare.sh
     * (3 rounds of 3 s, medians) the two models are within a few per cent on page cache while the queue wins
     * where workers do the work: on a 2-vCPU AMD EPYC guest where fio psync reads 517k cached blocks/s, the
     * queue won 4 of 6 rows (randread-qd32-direct 38.1k against 36.5k, randwrite-qd16-direct 36.1k against
     * 30.9k); on one where fio psync reads 1088k/s, 4 of 7 (seqread depth 1 664k against 591k, depth 16 734k
     * against 708k; rings: randread depth 16 576k against 539k, randread-qd32-direct 50.6k against 48.1k). In
     * JMH's PoolPread with 1 in 100 tasks sleeping 5 ms (depth 16, every read on a worker) the queue kept 0.73
     * of its all-fast throughput, the rings 0.68. The queue is also QEMU's design, with one place to wait.
     */
    public static final PoolModel DEFAULT_MODEL = PoolModel.QUEUE;
    /** Seed 003's ring size. */
    public static final int DEFAULT_RING_CAPACITY = 4;
    /** On: a task that can run without blocking is tried on the loop when the measurements say it pays. */
    public static final boolean DEFAULT_INLINE_ATTEMPTS = true;

    public ThreadPoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(model, "model");
        checkLimits(minThreads, maxThreads);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (workerSpinNanos < 0) {
            throw new IllegalArgumentException("workerSpinNanos must be >= 0, got " + workerSpinNanos);
        }
        if (ringCapacity < 1 || ringCapacity > 1 << 16 || Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("ringCapacity must be a power of two from 1 to 65536, got " + ringCapacity);
        }
    }

    /** As before the dispatch models existed: the default model and ring size. */
    public ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory,
                            long workerSpinNanos) {
        this(name, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos, DEFAULT_MODEL, DEFAULT_RING_CAPACITY, DEFAULT_INLINE_ATTEMPTS);
    }

    /** As before spinning existed: the default spin, model and ring size. */
    public ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory) {
        this(name, minThreads, maxThreads, idleTimeout, threadFactory, DEFAULT_WORKER_SPIN_NANOS);
    }

    /** min 0, max 64, 10 s idle timeout, default thread factory, spin bound, model and ring size. */
    public static ThreadPoolConfig defaults() {
        return new ThreadPoolConfig("aioemu-pool", DEFAULT_MIN, DEFAULT_MAX, DEFAULT_IDLE_TIMEOUT, null,
                DEFAULT_WORKER_SPIN_NANOS, DEFAULT_MODEL, DEFAULT_RING_CAPACITY, DEFAULT_INLINE_ATTEMPTS);
    }

    public ThreadPoolConfig withName(String n) {
        return new ThreadPoolConfig(n, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos, model, ringCapacity, inlineAttempts);
    }

    public ThreadPoolConfig withLimits(int min, int max) {
        return new ThreadPoolConfig(name, min, max, idleTimeout, threadFactory, workerSpinNanos, model, ringCapacity, inlineAttempts);
    }

    public ThreadPoolConfig withIdleTimeout(Duration d) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, d, threadFactory, workerSpinNanos, model, ringCapacity, inlineAttempts);
    }

    public ThreadPoolConfig withThreadFactory(ThreadFactory f) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, f, workerSpinNanos, model, ringCapacity, inlineAttempts);
    }

    /** The longest an idle worker may spin before it parks; 0 parks at once. */
    public ThreadPoolConfig withWorkerSpinNanos(long nanos) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, threadFactory, nanos, model, ringCapacity, inlineAttempts);
    }

    /** Where requests wait for a worker. */
    public ThreadPoolConfig withModel(PoolModel m) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos, m, ringCapacity, inlineAttempts);
    }

    /** The ring model's per-worker ring size (a power of two). */
    public ThreadPoolConfig withRingCapacity(int capacity) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos, model, capacity, inlineAttempts);
    }

    /** Whether the loop may complete a task without a worker when it can run without blocking. */
    public ThreadPoolConfig withInlineAttempts(boolean on) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos, model, ringCapacity, on);
    }

    static void checkLimits(int min, int max) {
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException("thread pool limits need 0 <= min <= max and max >= 1, got min=" + min + " max=" + max);
        }
    }
}
