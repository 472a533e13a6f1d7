package org.aioemu.aio;

import io.netty.channel.uring.IoUring;
import java.util.List;
import java.util.Locale;
import org.aioemu.engine.AioContext;

/** Makes engines by the names the CLI and the embedding API use. */
public final class AioEngines {
    /** Every engine name, the default first. */
    public static final List<String> NAMES = List.of("threads", "io_uring", "sync", "mmap");

    private AioEngines() {
    }

    /**
     * Why the engine called {@code name} cannot run on this machine, or null when it can (as far as can be told
     * before a context exists: io_uring's kernel support). For checking a job before any file is touched.
     *
     * @throws IllegalArgumentException naming the choices, for an unknown name
     */
    public static String unavailability(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "threads", "sync", "mmap" -> null;
            case "io_uring", "io-uring", "iouring" -> IoUring.isAvailable() ? null
                    : "the io_uring engine cannot run here: io_uring is not available on this system ("
                    + (IoUring.unavailabilityCause() == null ? "unknown cause" : IoUring.unavailabilityCause().getMessage()) + ")";
            default -> throw new IllegalArgumentException("unknown I/O engine '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
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
            case "mmap" -> new MmapEngine(ctx);
            case "io_uring", "io-uring", "iouring" -> new IoUringEngine(ctx);
            default -> throw new IllegalArgumentException("unknown I/O engine '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }
}
