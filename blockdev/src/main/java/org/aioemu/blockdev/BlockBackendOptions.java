package org.aioemu.blockdev;

import java.util.Objects;

/**
 * How a {@link BlockBackend} opens its image.
 *
 * @param readOnly refuse writes (the file is opened read-only)
 * @param direct   O_DIRECT: bypass the page cache; buffers, offsets and lengths must be aligned
 * @param dsync    O_DSYNC: every write is durable when it completes
 * @param engine   the I/O engine: {@code threads} (default) or {@code sync}
 */
public record BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine) {
    public BlockBackendOptions {
        Objects.requireNonNull(engine, "engine");
    }

    /** Read-write, buffered, threads engine. */
    public static BlockBackendOptions defaults() {
        return new BlockBackendOptions(false, false, false, "threads");
    }

    public BlockBackendOptions withReadOnly(boolean on) {
        return new BlockBackendOptions(on, direct, dsync, engine);
    }

    public BlockBackendOptions withDirect(boolean on) {
        return new BlockBackendOptions(readOnly, on, dsync, engine);
    }

    public BlockBackendOptions withDsync(boolean on) {
        return new BlockBackendOptions(readOnly, direct, on, engine);
    }

    public BlockBackendOptions withEngine(String name) {
        return new BlockBackendOptions(readOnly, direct, dsync, name);
    }
}
