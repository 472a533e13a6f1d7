package org.aioemu.bench;

import picocli.CommandLine.Option;

/** The engine knobs as command-line options, shared by {@code bench} and {@code run} (a picocli mixin). */
final class EngineOptions {
    @Option(names = "--" + EngineTuning.POLL_MAX_NS, paramLabel = "NS",
            description = "Longest the loop polls for completions before it blocks (adaptive; 0 disables; default: the engine's).")
    String pollMaxNs;

    @Option(names = "--" + EngineTuning.WORKER_SPIN_NS, paramLabel = "NS",
            description = "How long an idle pool worker spins before it parks (0 parks at once; default: the engine's).")
    String workerSpinNs;

    @Option(names = "--" + EngineTuning.THREAD_POOL_MAX, paramLabel = "N",
            description = "Most pool workers per job (QEMU's thread-pool-max; default 64; 1 suits page-cached data on few cores).")
    String threadPoolMax;

    /** The parsed knobs; a bad value is a one-line user error. */
    EngineTuning tuning() {
        return EngineTuning.parse(pollMaxNs, workerSpinNs, threadPoolMax);
    }
}
