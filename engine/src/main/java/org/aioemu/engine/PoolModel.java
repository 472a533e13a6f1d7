package org.aioemu.engine;

import java.util.Locale;

/**
 * How a {@link ThreadPool} hands requests to its workers. Both keep QEMU's semantics (completion on the loop
 * exactly once, cancel of a request no worker has taken, min/max threads, idle exit) and adapt spinning,
 * covering and waking to measured costs ({@link HandoffPolicy}); they differ in where a request waits.
 */
public enum PoolModel {
    /** One shared FIFO that every worker takes from (QEMU's thread pool, seed 000). */
    QUEUE,
    /**
     * A small request ring per worker, filled by the loop with idle-worker-first placement, one done ring,
     * and a shared spill queue behind the rings (seed 003 and its review).
     */
    RINGS;

    /** Parses {@code queue|rings} (case-insensitive). */
    public static PoolModel parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "queue" -> QUEUE;
            case "rings", "ring" -> RINGS;
            default -> throw new IllegalArgumentException("unknown pool model '" + text + "' (expected queue or rings)");
        };
    }

    /** The name as the CLI spells it. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
