package org.aioemu.bench;

import org.aioemu.engine.AioContext;
import org.aioemu.engine.ThreadPoolConfig;

/**
 * The engine knobs the CLI exposes beside fio's options: the loop's adaptive polling window
 * ({@code --poll-max-ns}, QEMU's poll-max-ns; 0 disables polling) and how long an idle pool worker spins
 * before it parks ({@code --worker-spin-ns}; 0 parks at once). Null means the engine's default. Applied to
 * every job's {@link AioContext.Builder}.
 */
record EngineTuning(Long pollMaxNs, Long workerSpinNs) {
    static final EngineTuning DEFAULTS = new EngineTuning(null, null);

    /** The option names as `aioemu bench` and `aioemu run` spell them. */
    static final String POLL_MAX_NS = "poll-max-ns";
    static final String WORKER_SPIN_NS = "worker-spin-ns";

    /** Parses the two options' values (either may be null); a bad value is a one-line user error. */
    static EngineTuning parse(String pollMaxNs, String workerSpinNs) {
        return new EngineTuning(nanos(POLL_MAX_NS, pollMaxNs), nanos(WORKER_SPIN_NS, workerSpinNs));
    }

    private static Long nanos(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim().replace("_", ""));
            if (v < 0 || v > 1_000_000_000L) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new Main.UserError("--" + option + "=" + value + ": expected nanoseconds from 0 to 1000000000");
        }
    }

    /** Sets the given knobs on {@code b}; the others keep the engine's defaults. */
    void apply(AioContext.Builder b) {
        if (pollMaxNs != null) {
            b.pollMaxNs(pollMaxNs);
        }
        if (workerSpinNs != null) {
            b.threadPool(ThreadPoolConfig.defaults().withWorkerSpinNanos(workerSpinNs));
        }
    }
}
