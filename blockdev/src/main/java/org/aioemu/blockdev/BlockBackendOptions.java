package org.aioemu.blockdev;

import java.util.Objects;

/**
 * How a {@link BlockBackend} opens its image.
 *
 * @param readOnly refuse writes (the file is opened read-only)
 * @param direct   O_DIRECT: bypass the page cache; buffers, offsets and lengths must be aligned
 * @param dsync    O_DSYNC: every write's data (and the metadata needed to read it) is durable when it completes
 * @param engine   the I/O engine, one of {@link org.aioemu.aio.AioEngines#NAMES}: {@code threads} (the default: the
 *                 context's thread pool runs the syscalls), {@code io_uring} (the loop's own ring, where the kernel
 *                 allows it: see {@code AioEngines.unavailability}), {@code sync} (the loop runs them itself) or
 *                 {@code mmap} (copies through a shared mapping); an unknown name is refused here
 * @param sync     O_SYNC: as dsync, and every write's metadata (timestamps too) is durable as well
 * @param padding  with direct: a request off the image's alignment is padded (bounce buffer, read-modify-write) rather
 *                 than refused by the kernel with EINVAL; on by default, off where the caller wants the kernel's
 *                 answer (a benchmark of misaligned O_DIRECT, as fio runs it)
 * @param format   the image format, {@code raw} or {@code lz4}; null (the default) probes it from the image's first
 *                 bytes as qemu does: an image is lz4 only if it starts with a valid lz4 header, else raw
 * @param faults   fault rules injected between the backend and the image ({@link FaultInjection#none()}, the
 *                 default, injects nothing): the {@code inject} driver over the image the other options describe
 * @param throttle the {@link ThrottleGroup} whose limits the backend's reads and writes keep (a throttle filter over
 *                 the image and its faults), shared with the other backends given the same group; null (the default)
 *                 for none
 */
public record BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine, boolean sync,
                                  boolean padding, String format, FaultInjection faults, ThrottleGroup throttle) {
    /** The formats {@link #withFormat} takes. */
    public static final java.util.List<String> FORMATS = java.util.List.of("raw", "lz4");

    public BlockBackendOptions {
        Objects.requireNonNull(engine, "engine");
        org.aioemu.aio.AioEngines.unavailability(engine); // an unknown name throws; whether it runs here is open()'s
        if (format != null && !FORMATS.contains(format)) {
            throw new IllegalArgumentException("unknown image format '" + format + "' (known: raw, lz4)");
        }
        Objects.requireNonNull(faults, "faults");
    }

    /** As before throttling was an option: none. */
    public BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine, boolean sync,
            boolean padding, String format, FaultInjection faults) {
        this(readOnly, direct, dsync, engine, sync, padding, format, faults, null);
    }

    /** As before faults and throttling were options: neither. */
    public BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine, boolean sync,
            boolean padding, String format) {
        this(readOnly, direct, dsync, engine, sync, padding, format, FaultInjection.none());
    }

    /** As before the format was an option: probed. */
    public BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine, boolean sync,
            boolean padding) {
        this(readOnly, direct, dsync, engine, sync, padding, null);
    }

    /** As before O_SYNC was an option: without it. */
    public BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine) {
        this(readOnly, direct, dsync, engine, false, true);
    }

    /** As before padding was an option: padded. */
    public BlockBackendOptions(boolean readOnly, boolean direct, boolean dsync, String engine, boolean sync) {
        this(readOnly, direct, dsync, engine, sync, true);
    }

    /** Read-write, buffered, threads engine. */
    public static BlockBackendOptions defaults() {
        return new BlockBackendOptions(false, false, false, "threads");
    }

    public BlockBackendOptions withReadOnly(boolean on) {
        return new BlockBackendOptions(on, direct, dsync, engine, sync, padding, format, faults, throttle);
    }

    public BlockBackendOptions withDirect(boolean on) {
        return new BlockBackendOptions(readOnly, on, dsync, engine, sync, padding, format, faults, throttle);
    }

    public BlockBackendOptions withDsync(boolean on) {
        return new BlockBackendOptions(readOnly, direct, on, engine, sync, padding, format, faults, throttle);
    }

    public BlockBackendOptions withEngine(String name) {
        return new BlockBackendOptions(readOnly, direct, dsync, name, sync, padding, format, faults, throttle);
    }

    /** O_SYNC (fio's sync=1 and sync=sync) rather than O_DSYNC (sync=dsync). */
    public BlockBackendOptions withSync(boolean on) {
        return new BlockBackendOptions(readOnly, direct, dsync, engine, on, padding, format, faults, throttle);
    }

    /** Whether misaligned O_DIRECT requests are padded (the default) or go to the kernel as they are. */
    public BlockBackendOptions withPadding(boolean on) {
        return new BlockBackendOptions(readOnly, direct, dsync, engine, sync, on, format, faults, throttle);
    }

    /** The image format: {@code raw}, {@code lz4}, or null to probe it (the default). */
    public BlockBackendOptions withFormat(String name) {
        return new BlockBackendOptions(readOnly, direct, dsync, engine, sync, padding, name, faults, throttle);
    }

    /** Fault rules to inject below the backend (see {@link FaultInjection}); {@link FaultInjection#none()} for none. */
    public BlockBackendOptions withFaults(FaultInjection rules) {
        return new BlockBackendOptions(readOnly, direct, dsync, engine, sync, padding, format, rules, throttle);
    }

    /** Reads and writes keep {@code group}'s limits (QEMU's throttle filter over the image); null for none. */
    public BlockBackendOptions withThrottle(ThrottleGroup group) {
        return new BlockBackendOptions(readOnly, direct, dsync, engine, sync, padding, format, faults, group);
    }
}
