package org.aioemu.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Limits of a {@link ThreadPool}: {@code min} workers started at creation that never exit, at most
 * {@code max} in all, and idle workers above {@code min} exiting after {@code idleTimeout}
 * (QEMU's {@code thread-pool-min}, {@code thread-pool-max} and its 10 s idle exit).
 *
 * @param threadFactory makes worker threads; null for daemon threads named {@code name-worker-N}
 */
public record ThreadPoolConfig(String name, int minThreads, int maxThreads, Duration idleTimeout, ThreadFactory threadFactory) {
    public static final int DEFAULT_MIN = 0;
    public static final int DEFAULT_MAX = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    public ThreadPoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        checkLimits(minThreads, maxThreads);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
    }

    /** min 0, max 64, 10 s idle timeout, default thread factory. */
    public static ThreadPoolConfig defaults() {
        return new ThreadPoolConfig("aioemu-pool", DEFAULT_MIN, DEFAULT_MAX, DEFAULT_IDLE_TIMEOUT, null);
    }

    public ThreadPoolConfig withName(String n) {
        return new ThreadPoolConfig(n, minThreads, maxThreads, idleTimeout, threadFactory);
    }

    public ThreadPoolConfig withLimits(int min, int max) {
        return new ThreadPoolConfig(name, min, max, idleTimeout, threadFactory);
    }

    public ThreadPoolConfig withIdleTimeout(Duration d) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, d, threadFactory);
    }

    public ThreadPoolConfig withThreadFactory(ThreadFactory f) {
        return new ThreadPoolConfig(name, minThreads, maxThreads, idleTimeout, f);
    }

    static void checkLimits(int min, int max) {
        if (min < 0 || max < 1 || min > max) {
            throw new IllegalArgumentException("thread pool limits need 0 <= min <= max and max >= 1, got min=" + min + " max=" + max);
        }
    }
}
