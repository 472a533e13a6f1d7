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
     * @throws IllegalArgumentException naming the choices, for an unknown name or one not available here
     */
    public static AioEngine create(String name, AioContext ctx) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "threads" -> new ThreadsEngine(ctx);
            case "sync" -> new SyncEngine(ctx);
            case "io_uring", "io-uring", "iouring" -> throw new IllegalArgumentException(
                    "the io_uring engine is not available in this version of aioemu yet; use --aio=threads or --aio=sync");
            default -> throw new IllegalArgumentException("unknown I/O engine '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }
}
