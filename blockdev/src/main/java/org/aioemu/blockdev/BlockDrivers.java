package org.aioemu.blockdev;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.aioemu.aio.AioEngine;
import org.aioemu.aio.AioEngines;
import org.aioemu.aio.OpenOptions;
import org.aioemu.aio.ThreadsEngine;
import org.aioemu.blockdev.lz4.Lz4Driver;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPool;
import org.aioemu.engine.ThreadPoolConfig;

/**
 * The block drivers a {@link BlockSpec} can name, and how each opens (QEMU's {@code bdrv_open} by driver name):
 * <ul>
 *   <li>{@code file} (also {@code host_device}): a file or block device through an I/O engine —
 *       {@code filename}, and the inherited {@code aio} (threads, io_uring, sync, mmap), {@code pool} (queue,
 *       rings: the threads engine then gets a pool of its own with that dispatch model), {@code thread-pool-max},
 *       {@code read-only} and {@code cache.*}; {@code sync=on} opens with O_SYNC (metadata durable on every write
 *       too, fio's {@code sync=1}) where writethrough's O_DSYNC is not enough; with O_DIRECT a request off the
 *       alignment is padded ({@link PaddingFilter}) unless {@code padding=off}, which leaves it to the kernel (EINVAL);</li>
 *   <li>{@code raw}: the raw format over a child {@code file} node, optionally a window of it ({@code offset},
 *       {@code size}, as QEMU's raw driver); {@code filename=X} is short for {@code file.driver=file,file.filename=X};
 *       without a window it adds nothing and the child serves directly;</li>
 *   <li>{@code lz4}: an lz4 image ({@code docs/lz4-image.md}) over a child {@code file} node — {@code filename} (short
 *       for the child, as raw's), {@code cache-size} (decompressed clusters kept, default 32M);</li>
 *   <li>{@code throttle}: QEMU's throttle filter ({@link ThrottleFilter}) over a child node {@code file} of any driver
 *       (raw, lz4, null-co, another filter): QEMU's {@code throttling.*} limits ({@link ThrottleLimits#KEYS} under
 *       {@code throttling.}) and {@code throttle-group=NAME}, a group shared with the other backends naming it (see
 *       {@link ThrottleGroup#named}); without a name the node's limits are its own;</li>
 *   <li>no driver, only {@code filename}: the format is probed from the file's header (lz4 or raw);</li>
 *   <li>{@code null-co} (also {@code null}): no image — reads return zeroes ({@code read-zeroes=on}, the default)
 *       and writes vanish, for measuring the layers above; {@code size} (default 1G);</li>
 *   <li>{@code inject} (also {@code blkdebug}): fault injection ({@link InjectFilter}) over any child node, given as
 *       {@code file.*} (or {@code image.*}, blkdebug's name), or {@code filename=X} for a probed image (raw or lz4) —
 *       {@code rules}: {@link FaultInjection}'s text, rules separated by {@code ;}. Filters stack: the child may itself
 *       be a filter.</li>
 * </ul>
 * Any thread; opening blocks for the open(2).
 */
final class BlockDrivers {
    /** Opens one node of a spec (and, through {@link BlockDrivers#open}, its children). */
    @FunctionalInterface
    private interface Factory {
        BlockDriver open(AioContext ctx, BlockSpec spec) throws ErrnoException;
    }

    private static final Map<String, Factory> DRIVERS = Map.of(
            "file", BlockDrivers::openFile,
            "host_device", BlockDrivers::openFile,
            "raw", BlockDrivers::openRaw,
            "lz4", BlockDrivers::openLz4,
            "throttle", BlockDrivers::openThrottle,
            "null-co", BlockDrivers::openNull,
            "null", BlockDrivers::openNull,
            "inject", BlockDrivers::openInject,
            "blkdebug", BlockDrivers::openInject);

    private BlockDrivers() {
    }

    /**
     * Opens the node {@code spec} describes. A spec without a driver but with a {@code filename} is an image whose
     * format is probed from that file, as {@code qemu-img FILE} without {@code -f} takes it (see {@link #openProbed}).
     *
     * @throws IllegalArgumentException for an unknown driver or option, or a bad value, naming it
     * @throws ErrnoException           when the image cannot be opened, with the errno and the path
     */
    static BlockDriver open(AioContext ctx, BlockSpec spec) throws ErrnoException {
        String name = spec.driver();
        if (name == null) {
            if (spec.get("filename") == null) {
                throw new IllegalArgumentException("the block spec '" + spec + "' names neither a driver nor a filename");
            }
            return openProbed(ctx, spec);
        }
        Factory f = DRIVERS.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown block driver '" + name + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(DRIVERS.keySet())) + ")");
        }
        return f.open(ctx, spec);
    }

    private static BlockDriver openFile(AioContext ctx, BlockSpec spec) throws ErrnoException {
        spec.checkKeys(Set.of("filename", "sync", "padding"), Set.of());
        String filename = spec.get("filename");
        if (filename == null || filename.isEmpty()) {
            throw new IllegalArgumentException("block driver '" + spec.driver() + "' needs a filename");
        }
        boolean readOnly = spec.flag("read-only", false);
        OpenOptions open = (readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite())
                .withDirect(spec.flag("cache.direct", false))
                .withDsync(spec.flag("cache.writethrough", false))
                .withSync(spec.flag("sync", false));
        String engineName = spec.get("aio") == null ? "threads" : spec.get("aio");
        String why = AioEngines.unavailability(engineName); // an unknown name throws, naming the choices
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        ThreadPool ownPool = ownPool(ctx, spec, engineName);
        AioEngine engine = ownPool != null ? new ThreadsEngine(ownPool) : AioEngines.create(engineName, ctx);
        try {
            RawImage image = RawImage.open(Path.of(filename), open, engine);
            image.ownEngine(ownPool);
            // O_DIRECT: requests of any alignment are padded to the image's (QEMU's request alignment).
            boolean pad = image.requestAlignment() > 1 && spec.flag("padding", true);
            return pad ? new PaddingFilter(ctx, image) : image;
        } catch (ErrnoException | RuntimeException e) {
            engine.close();
            if (ownPool != null) {
                ownPool.close();
            }
            throw e;
        }
    }

    /**
     * A pool of the node's own when {@code pool} or {@code thread-pool-max} asks for one (threads engine only);
     * else null, and the engine uses the context's pool.
     */
    private static ThreadPool ownPool(AioContext ctx, BlockSpec spec, String engineName) {
        String model = spec.get("pool");
        String max = spec.get("thread-pool-max");
        if (model == null && max == null) {
            return null;
        }
        if (!engineName.equalsIgnoreCase("threads")) {
            throw new IllegalArgumentException("pool and thread-pool-max apply to aio=threads, not aio=" + engineName);
        }
        ThreadPoolConfig config = ThreadPoolConfig.defaults().withName("aioemu-blockdev");
        if (model != null) {
            config = config.withModel(PoolModel.parse(model));
        }
        if (max != null) {
            long n = spec.size("thread-pool-max", 0);
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("thread-pool-max=" + max + ": expected 1 to 1024 threads");
            }
            config = config.withLimits(0, (int) n);
        }
        return ctx.newThreadPool(config);
    }

    private static BlockDriver openRaw(AioContext ctx, BlockSpec spec) throws ErrnoException {
        spec.checkKeys(Set.of("offset", "size", "filename"), Set.of("file"));
        BlockSpec file = fileChild(spec, "raw");
        long offset = spec.size("offset", 0);
        long size = spec.size("size", -1);
        BlockDriver child = open(ctx, file);
        if (offset == 0 && size < 0) {
            return child; // the raw format with no window is the file itself
        }
        try {
            return new RawSlice(ctx, child, offset, size);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /**
     * A {@code filename} without a driver: the format is probed from the file's first bytes, as qemu does: lz4 if they
     * are a valid lz4 header, else raw, and then guarded ({@link ProbedRawGuard}) so that the image's own writes
     * cannot make it probe differently next time. The spec's other keys are the file node's.
     */
    private static BlockDriver openProbed(AioContext ctx, BlockSpec spec) throws ErrnoException {
        byte[] head = new byte[Lz4Images.PROBE_BYTES];
        boolean lz4;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Path.of(spec.get("filename")))) {
            ch.read(java.nio.ByteBuffer.wrap(head), 0);
            lz4 = Lz4Images.probes(java.nio.ByteBuffer.wrap(head));
        } catch (java.io.IOException | RuntimeException e) {
            lz4 = false; // the file node's open says what is wrong with the file, with its errno
        }
        BlockSpec fileSpec = spec.with("driver", "file");
        BlockDriver file = open(ctx, lz4 ? fileSpec.with("padding", "on") : fileSpec);
        if (lz4) {
            return Lz4Driver.open(ctx, file, spec.flag("read-only", false), spec.flag("cache.no-flush", false),
                    Lz4Driver.DEFAULT_CACHE_BYTES);
        }
        return spec.flag("read-only", false) ? file : new ProbedRawGuard(file, head);
    }

    private static BlockDriver openLz4(AioContext ctx, BlockSpec spec) throws ErrnoException {
        spec.checkKeys(Set.of("filename", "cache-size"), Set.of("file"));
        BlockSpec file = fileChild(spec, "lz4");
        if (Set.of("file", "host_device").contains(file.driver())) {
            file = file.with("padding", "on"); // clusters are packed at byte offsets: O_DIRECT needs them padded
        }
        long cacheBytes = spec.size("cache-size", Lz4Driver.DEFAULT_CACHE_BYTES);
        return Lz4Driver.open(ctx, open(ctx, file), spec.flag("read-only", false), spec.flag("cache.no-flush", false),
                cacheBytes);
    }

    /** A format driver's {@code file} child: its own node, or {@code filename=X} for a file node on X. */
    private static BlockSpec fileChild(BlockSpec spec, String format) {
        if (spec.hasChild("file")) {
            if (spec.get("filename") != null) {
                throw new IllegalArgumentException("give the " + format + " driver either filename or a file node, not both");
            }
            return spec.child("file");
        }
        if (spec.get("filename") != null) {
            return spec.child("file").with("driver", "file").with("filename", spec.get("filename"));
        }
        throw new IllegalArgumentException("the " + format + " driver needs a file node (file.driver=..., or filename=...)");
    }

    private static BlockDriver openInject(AioContext ctx, BlockSpec spec) throws ErrnoException {
        spec.checkKeys(Set.of("rules", "filename"), Set.of("file", "image"));
        String rules = spec.get("rules");
        if (rules == null) {
            throw new IllegalArgumentException("block driver '" + spec.driver() + "' needs rules=RULE[;RULE...]"
                    + " (e.g. rules=read:errno=EIO:every=3)");
        }
        FaultInjection faults = FaultInjection.parse(rules); // a bad rule throws, naming it
        String name = spec.hasChild("image") ? "image" : "file";
        BlockSpec child;
        if (spec.hasChild(name)) {
            if (spec.get("filename") != null) {
                throw new IllegalArgumentException("give the " + spec.driver() + " driver either filename or a child node,"
                        + " not both");
            }
            child = spec.child(name);
        } else if (spec.get("filename") != null) {
            child = spec.child(name).with("filename", spec.get("filename")); // no driver: the format is probed
        } else {
            throw new IllegalArgumentException("the " + spec.driver() + " driver needs a child node (file.driver=...,"
                    + " or filename=...)");
        }
        return new InjectFilter(ctx, open(ctx, child), faults);
    }

    private static BlockDriver openThrottle(AioContext ctx, BlockSpec spec) throws ErrnoException {
        Set<String> known = new java.util.HashSet<>(Set.of("throttle-group"));
        for (String k : ThrottleLimits.KEYS) {
            known.add("throttling." + k);
        }
        spec.checkKeys(known, Set.of("file"));
        ThrottleLimits limits = ThrottleLimits.NONE;
        boolean given = false;
        for (String k : ThrottleLimits.KEYS) {
            String v = spec.get("throttling." + k);
            if (v != null) {
                limits = limits.with(k, ThrottleLimits.number(k, v));
                given = true;
            }
        }
        String name = spec.get("throttle-group");
        ThrottleGroup group = name != null ? ThrottleGroup.named(name, given ? limits : null)
                : ThrottleGroup.create(null, limits);
        if (!spec.hasChild("file")) {
            throw new IllegalArgumentException("the throttle driver needs a file node (file.driver=...)");
        }
        BlockDriver child = null;
        try {
            child = open(ctx, spec.child("file"));
            return new ThrottleFilter(ctx, child, group);
        } catch (ErrnoException | RuntimeException e) {
            if (child != null) {
                child.close();
            }
            group.forgetIfUnused(); // a failed open leaves no named group behind
            throw e;
        }
    }

    private static BlockDriver openNull(AioContext ctx, BlockSpec spec) {
        spec.checkKeys(Set.of("size", "read-zeroes"), Set.of());
        return new NullDriver(ctx, spec.size("size", 1L << 30), spec.flag("read-zeroes", true));
    }
}
