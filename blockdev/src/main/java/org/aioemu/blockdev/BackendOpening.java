package org.aioemu.blockdev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * How a {@link BlockBackend} comes to be: the simple options turned into a {@link BlockSpec}, the spec's drivers
 * opened, the backend tied to its context's close, and everything opened undone when a later step fails. Stateless;
 * any thread.
 */
final class BackendOpening {
    private BackendOpening() {
    }

    /**
     * {@link BlockBackendOptions} as the spec they stand for: a {@code file} node for raw, an {@code lz4} node over one,
     * or (no format) a {@code filename} whose format is probed; with fault rules, an {@code inject} node over that.
     */
    static BlockSpec spec(Path image, BlockBackendOptions options) {
        BlockSpec format = formatSpec(image, options);
        if (options.faults().isEmpty()) {
            return format;
        }
        return format.wrappedIn("inject", "file").with("rules", options.faults().toString());
    }

    private static BlockSpec formatSpec(Path image, BlockBackendOptions options) {
        BlockSpec file = fileSpec(image, options);
        if (options.format() == null) {
            return file.without("driver");
        }
        if (options.format().equals("lz4")) {
            BlockSpec lz4 = BlockSpec.of("lz4").with("read-only", options.readOnly() ? "on" : "off");
            for (var e : file.options().entrySet()) {
                lz4 = lz4.with("file." + e.getKey(), e.getValue());
            }
            return lz4;
        }
        return file;
    }

    private static BlockSpec fileSpec(Path image, BlockBackendOptions options) {
        return BlockSpec.of("file").with("filename", image.toString())
                .with("aio", options.engine())
                .with("read-only", options.readOnly() ? "on" : "off")
                .with("cache.direct", options.direct() ? "on" : "off")
                .with("cache.writethrough", options.dsync() ? "on" : "off")
                .with("sync", options.sync() ? "on" : "off")
                .with("padding", options.padding() ? "on" : "off");
    }

    /**
     * Opens the spec's drivers, under a {@link RecoveryFilter} (retries, short-transfer continuation, sticky flush
     * failure), and makes the backend over them; a failure after the open closes the drivers.
     */
    static BlockBackend open(AioContext ctx, BlockSpec spec, BiFunction<BlockDriver, BlockSpec, BlockBackend> make)
            throws ErrnoException {
        return open(ctx, spec, null, make);
    }

    /** As {@link #open(AioContext, BlockSpec, BiFunction)}, under a throttle filter in {@code throttle} unless null. */
    static BlockBackend open(AioContext ctx, BlockSpec spec, ThrottleGroup throttle,
            BiFunction<BlockDriver, BlockSpec, BlockBackend> make) throws ErrnoException {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(spec, "spec");
        BlockDriver driver = new RecoveryFilter(ctx, BlockDrivers.open(ctx, spec));
        try {
            if (throttle != null) {
                driver = new ThrottleFilter(ctx, driver, throttle);
            }
            BlockBackend backend = make.apply(driver, spec);
            ctx.closeWithContext(backend); // closing the context drains and closes the backend first
            return backend;
        } catch (RuntimeException e) {
            closeOnLoop(ctx, driver);
            throw e;
        }
    }

    /** Creates a sparse raw image of {@code size} bytes unless the file exists; losing a race to create it is fine. */
    static void createIfMissing(Path image, long size) throws ErrnoException {
        if (Files.exists(image)) {
            return;
        }
        try {
            RawImage.create(image, size);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    /** Closes a driver no request has reached yet: on the loop, as its engine wants, or here once the loop is gone. */
    private static void closeOnLoop(AioContext ctx, BlockDriver driver) {
        if (ctx.inLoop() || ctx.isClosed()) {
            driver.close();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            ctx.execute(() -> {
                driver.close();
                done.complete(null);
            });
            ctx.runUntil(done::isDone);
        } catch (RejectedExecutionException e) {
            driver.close();
        }
    }
}
