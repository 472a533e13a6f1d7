package org.aioemu.aio;

import java.util.List;
import java.util.Locale;
import org.aioemu.engine.AioContext;

/** Makes engines by the names the CLI and the embedding API use. */
public final class AioEngines {
    /** Every engine name, the default first. */
    public static final List<String> NAMES = List.of("threads", "io_uring", "sync");

    private AioEngines() {
    }

    /**
     * The engine called {@code name} on {@code ctx}.
     *
     * @throws IllegalArgumentException naming the choices, for an unknown name, or saying why, for an engine
     *         not available here (io_uring without kernel support or on a loop that is not io_uring)
     */
    public static AioEngine create(String name, AioContext ctx) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "threads" -> new ThreadsEngine(ctx);
            case "sync" -> new SyncEngine(ctx);
            case "io_uring", "io-uring", "iouring" -> new IoUringEngine(ctx);
            default -> throw new IllegalArgumentException("unknown I/O engine '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }
}
