package org.aioemu.bench;

import picocli.CommandLine.Option;

/** The engine knobs as command-line options, shared by {@code bench} and {@code run} (a picocli mixin). */
final class EngineOptions {
    @Option(names = "--" + EngineTuning.POLL_MAX_NS, paramLabel = "NS",
            description = "Longest the loop polls for completions before it blocks (adaptive; 0 disables; default: the engine's).")
    String pollMaxNs;

    @Option(names = "--" + EngineTuning.WORKER_SPIN_NS, paramLabel = "NS",
            description = "Longest an idle pool worker may spin before it parks; the pool spins less, as measured "
                    + "wake-up costs call for (0 parks at once; default 1000000).")
    String workerSpinNs;

    @Option(names = "--" + EngineTuning.POOL, paramLabel = "queue|rings",
            description = "How the thread pool hands requests to workers: one shared queue (QEMU's; the default), "
                    + "or a ring per worker filled idle-first (seed 003).")
    String pool;

    @Option(names = "--" + EngineTuning.POOL_RING_SIZE, paramLabel = "N",
            description = "Ring size per worker with --pool=rings (a power of two; default 4).")
    String ringSize;

    @Option(names = "--" + EngineTuning.POOL_INLINE, paramLabel = "auto|off",
            description = "auto (the default): the loop reads page-cached data itself (preadv2 RWF_NOWAIT) when it "
                    + "measures that cheaper than a hand-off, and only what would block goes to a worker; "
                    + "off: every request goes to the pool, as QEMU's does.")
    String poolInline;

    @Option(names = "--" + EngineTuning.THREAD_POOL_MAX, paramLabel = "N",
            description = "Most pool workers per job (QEMU's thread-pool-max; default 64; 1 suits page-cached data on few cores).")
    String threadPoolMax;

    /** The parsed knobs; a bad value is a one-line user error. */
    EngineTuning tuning() {
        return EngineTuning.parse(pollMaxNs, workerSpinNs, threadPoolMax, pool, ringSize, poolInline);
    }
}
