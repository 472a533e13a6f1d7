package org.aioemu.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Limits of a {@link ThreadPool}: {@code min} workers started at creation that never exit, at most
 * {@code max} in all, and idle workers above {@code min} exiting after {@code idleTimeout}
 * (QEMU's {@code thread-pool-min}, {@code thread-pool-max} and its 10 s idle exit).
 *
 * @param threadFactory   makes worker threads; null for daemon threads named {@code name-worker-N}
 * @param workerSpinNanos how long a worker that runs out of work spins watching the queue before it
 *                        parks (seed 003); 0 parks at once. At most one worker spins at a time. Spinning
 *                        spares a submitter the wake-up of a parked worker (a futex call, and ~20 µs for
 *                        an idle vCPU on a VM) when requests follow each other closely, at the price of
 *                        one core busy for this long after the last request.
 */
public record ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory,
                               long workerSpinNanos) {
    public static final int DEFAULT_MIN = 0;
    public static final int DEFAULT_MAX = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * See {@link #workerSpinNanos}. Measured on a 2-vCPU VM where waking an idle vCPU costs ~20 µs
     * ({@code bench/jmh ThreadPoolRoundTrip -p workerSpinNanos=0,20000,50000}): with a core to spare, a
     * 20-50 µs spin took depth-1 round trips from ~25k/s to ~250k/s and depth 16 from ~0.8M/s to over
     * 1M/s; 50 µs rather than 20 µs because the gap it must bridge (the loop's own wake-up plus its
     * completion work) is itself ~20 µs, and the extra cost is 30 µs of one core after a burst. 4 KiB
     * page-cache preads through the threads engine (PoolPread): depth 1 ~20-28k/s -> 55-72k/s; depth 16
     * ~300-360k/s against ~490-520k/s with 0 (noisy, on a shared host), because even a spinner that
     * only uses a spare core ({@link Workers}) delays the workers it then has to share it with. When
     * other processes take the second core, spinning competes with the loop thread and its gain
     * disappears; set 0 for such hosts, for deep queues of real I/O, or where a core must never be burnt.
     */
    public static final long DEFAULT_WORKER_SPIN_NANOS = 50_000;

    public ThreadPoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        checkLimits(minThreads, maxThreads);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (workerSpinNanos < 0) {
            throw new IllegalArgumentException("workerSpinNanos must be >= 0, got " + workerSpinNanos);
        }
    }

    /** As before spinning existed: the default spin. */
    public ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory) {
        this(name, minThreads, maxThreads, idleTimeout, threadFactory, DEFAULT_WORKER_SPIN_NANOS);
    }

    /** min 0, max 64, 10 s idle timeout, default thread factory, default spin. */
    public static ThreadPoolConfig defaults() {
        return new ThreadPoolConfig("aioemu-pool", DEFAULT_MIN, DEFAULT_MAX, DEFAULT_IDLE_TIMEOUT, null, DEFAULT_WORKER_SPIN_NANOS);
    }

    public ThreadPoolConfig withName(String n) {
        return new ThreadPoolConfig(n, minThreads, maxThreads, idleTimeout, threadFactory, workerSpinNanos);
    }

    public ThreadPoolConfig withLimits(int min, int max) {
        return new ThreadPoolConfig(name, min, max, idleTimeout, threadFactory, workerSpinNanos);
    }

    public ThreadPoolConfig withIdleTimeout(Duration d) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, d, threadFactory, workerSpinNanos);
    }

    public ThreadPoolConfig withThreadFactory(ThreadFactory f) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, f, workerSpinNanos);
    }

    /** How long an idle worker spins before parking; 0 parks at once. */
    public ThreadPoolConfig withWorkerSpinNanos(long nanos) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, threadFactory, nanos);
    }

    static void checkLimits(int min, int max) {
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException("thread pool limits need 0 <= min <= max and max >= 1, got min=" + min + " max=" + max);
        }
    }
}
