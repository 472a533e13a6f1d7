package org.aioemu.bench;

import org.aioemu.engine.AioContext;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPoolConfig;

/**
 * The engine knobs the CLI exposes beside fio's options: the loop's adaptive polling window
 * ({@code --poll-max-ns}, QEMU's poll-max-ns; 0 disables polling) and how long an idle pool worker spins
 * before it parks ({@code --worker-spin-ns}; 0 parks at once), and the most pool workers
 * ({@code --thread-pool-max}, QEMU's thread-pool-max: on few cores and page-cached data one worker beside
 * the loop beats many, while O_DIRECT needs a worker per request in flight), and how the pool hands
 * requests to its workers ({@code --pool=queue|rings}, with {@code --pool-ring-size} for the rings), and
 * whether the loop may serve page-cached reads itself ({@code --pool-inline=auto|off}). Null means the
 * engine's default. Applied to every job's {@link AioContext.Builder}.
 */
record EngineTuning(Long pollMaxNs, Long workerSpinNs, Integer threadPoolMax, PoolModel pool, Integer ringSize,
                    Boolean inline) {
    /** The option names as `aioemu bench` and `aioemu run` spell them. */
    static final String POLL_MAX_NS = "poll-max-ns";
    static final String WORKER_SPIN_NS = "worker-spin-ns";
    static final String THREAD_POOL_MAX = "thread-pool-max";
    static final String POOL = "pool";
    static final String POOL_RING_SIZE = "pool-ring-size";
    static final String POOL_INLINE = "pool-inline";

    /** Parses the options' values (any may be null); a bad value is a one-line user error. */
    static EngineTuning parse(String pollMaxNs, String workerSpinNs, String threadPoolMax, String pool, String ringSize,
                              String inline) {
        Long max = number(THREAD_POOL_MAX, threadPoolMax, 1, 1024, "a worker count");
        Long ring = number(POOL_RING_SIZE, ringSize, 1, 65536, "a power of two");
        if (ring != null && Long.bitCount(ring) != 1) {
            throw new Main.UserError("--" + POOL_RING_SIZE + "=" + ringSize + ": expected a power of two from 1 to 65536");
        }
        PoolModel model = null;
        if (pool != null) {
            try {
                model = PoolModel.parse(pool);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--" + POOL + "=" + pool + ": expected queue or rings");
            }
        }
        Boolean inlineOn = null;
        if (inline != null) {
            inlineOn = switch (inline.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto", "on" -> true;
                case "off" -> false;
                default -> throw new Main.UserError("--" + POOL_INLINE + "=" + inline + ": expected auto or off");
            };
        }
        return new EngineTuning(number(POLL_MAX_NS, pollMaxNs, 0, 1_000_000_000L, "nanoseconds"),
                number(WORKER_SPIN_NS, workerSpinNs, 0, 1_000_000_000L, "nanoseconds"), max == null ? null : max.intValue(),
                model, ring == null ? null : ring.intValue(), inlineOn);
    }

    /** {@code value} as a whole number in [min, max], or null when not given. */
    private static Long number(String option, String value, long min, long max, String what) {
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim().replace("_", ""));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new Main.UserError("--" + option + "=" + value + ": expected " + what + " from " + min + " to " + max);
    }

    /** Sets the given knobs on {@code b}; the others keep the engine's defaults. */
    void apply(AioContext.Builder b) {
        if (pollMaxNs != null) {
            b.pollMaxNs(pollMaxNs);
        }
        if (workerSpinNs != null || threadPoolMax != null || pool != null || ringSize != null || inline != null) {
            ThreadPoolConfig config = ThreadPoolConfig.defaults();
            if (workerSpinNs != null) {
                config = config.withWorkerSpinNanos(workerSpinNs);
            }
            if (threadPoolMax != null) {
                config = config.withLimits(0, threadPoolMax);
            }
            if (pool != null) {
                config = config.withModel(pool);
            }
            if (ringSize != null) {
                config = config.withRingCapacity(ringSize);
            }
            if (inline != null) {
                config = config.withInlineAttempts(inline);
            }
            b.threadPool(config);
        }
    }
}
