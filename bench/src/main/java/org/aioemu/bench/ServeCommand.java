package org.aioemu.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockSpec;
import org.aioemu.blockdev.nbd.NbdServer;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu serve IMAGE}: exports a raw or lz4 image over NBD until SIGINT, SIGTERM or SIGHUP, then stops accepting, lets
 * the requests in flight complete, flushes the image and exits 0. The image's format is probed unless {@code -f} names
 * it, as qemu-nbd's is: clients see the disk an lz4 image holds, not the file that holds it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a raw or lz4 image over NBD (qemu, nbdcopy, nbdinfo, nbd-client use it) until SIGINT/SIGTERM/SIGHUP.",
                "The format is probed (lz4 by its header, else raw) unless -f names it.",
                "Example: aioemu serve disk.lz4 --port=10809; qemu-img info nbd://127.0.0.1:10809"})
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to export (with --image-opts: a block spec).")
    String image;

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", description = "raw or lz4, as qemu-nbd's -f. Default: probed from"
            + " the image's first bytes; a probed raw image refuses writes that would make it probe as lz4.")
    String format;

    @Option(names = "--image-opts", description = "IMAGE is a block spec, as qemu-nbd's --image-opts: driver=raw,filename=disk.raw,cache=none,"
            + " driver=raw,offset=1M,size=64M,file.driver=file,file.filename=disk.raw, or driver=null-co,size=1G.")
    boolean imageOpts;

    @Option(names = "--cache", paramLabel = "MODE", description = "writeback (the default), none (O_DIRECT), writethrough (O_DSYNC),"
            + " directsync (both) or unsafe (flushes do nothing), as qemu-nbd's --cache.")
    String cache;

    @Option(names = "--pool", paramLabel = "MODEL", description = "With --aio=threads: the image's own pool dispatching through one"
            + " shared queue (queue) or a ring per worker (rings). Default: the shared pool, a queue.")
    String pool;

    @Option(names = "--shared", paramLabel = "N", defaultValue = "0", description = "At most N clients at once (qemu-nbd's --shared);"
            + " 0, the default: no limit.")
    int shared;

    @Option(names = "--port", paramLabel = "N", defaultValue = "10809", description = "TCP port (0: any free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--export-name", paramLabel = "NAME", defaultValue = "", description = "The export's name (clients asking for \"\" get it too).")
    String exportName;

    @Option(names = "--unix", paramLabel = "PATH", description = "Serve on this Unix socket instead of TCP (nbd+unix:///NAME?socket=PATH).")
    Path unix;

    @Option(names = "--readonly", description = "Refuse writes, trims and zeroing (EPERM).")
    boolean readOnly;

    @Option(names = "--aio", paramLabel = "ENGINE", description = "I/O engine: threads, io_uring, sync or mmap. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--inject", paramLabel = "RULE", description = "Inject a fault below the export (repeatable):"
            + " OP:KEY=VALUE... as bench's --inject, e.g. write:errno=ENOSPC:after=1000 or read:delay=50:prob=0.1.")
    java.util.List<String> inject = new java.util.ArrayList<>();

    @Option(names = "--throttle", paramLabel = "KEY=VALUE[,...]", description = "QEMU's I/O limits on the export:"
            + " iops-total, iops-read, iops-write, bps-total, bps-read, bps-write, each with -max and -max-length,"
            + " and iops-size (as QEMU's throttling.* options).")
    String throttle;

    @Override
    public Integer call() throws Exception {
        if (shared < 0) {
            throw new Main.UserError("--shared=" + shared + ": expected 0 (no limit) or a number of clients");
        }
        String why = engine == null ? null : unavailability(engine);
        if (why != null) {
            throw new Main.UserError(why + "; try --aio=threads");
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = open(ctx)) {
            NbdServer server;
            try {
                server = NbdServer.start(disk, NbdServer.Config.defaults().withBind(bind).withPort(port)
                        .withExportName(exportName).withReadOnly(readOnly).withUnixSocket(unix).withMaxConnections(shared));
            } catch (Exception e) {
                throw new Main.UserError("cannot listen on " + (unix != null ? unix : bind + ":" + port) + ": " + e.getMessage());
            }
            // Signal handlers rather than a shutdown hook: the stop is ours to run, and the exit status is 0. SIGHUP too,
            // as qemu-nbd takes it: a server whose terminal went away still flushes and closes its image (under nohup
            // it stays ignored, the JVM leaving an ignored signal alone).
            // A second signal while the stop drains and flushes (a device that hangs) exits at once, as the bench's
            // does: the image is left as the last completed flush made it (an lz4 image as its last commit).
            for (String signal : new String[] {"INT", "TERM", "HUP"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                    if (stop.getCount() == 0) {
                        System.err.println("aioemu: signal " + s.getNumber() + " while stopping: exiting without"
                                + " waiting for the image's final flush");
                        System.exit(128 + s.getNumber());
                    }
                    stop.countDown();
                });
            }
            // The format is said because it may have been probed: the line shows which disk clients get.
            System.err.println("aioemu: serving " + disk.image() + " (" + disk.format() + ", " + disk.size() + " bytes"
                    + (disk.isReadOnly() ? ", read-only" : "") + ") as " + server.uri());
            statusUntil(stop, server);
            server.close();
            try {
                ctx.await(disk.flush());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new Main.UserError("the final flush of " + disk.image() + " failed: " + e.getCause().getMessage());
            }
            System.err.println("aioemu: stopped");
        }
        return 0;
    }

    /**
     * Waits for the stop; on a terminal, rewrites one status line a second (connections, IOPS and MiB/s each way),
     * as the bench's live line; quiet otherwise.
     */
    private static void statusUntil(CountDownLatch stop, NbdServer server) throws InterruptedException {
        if (System.console() == null) {
            stop.await();
            return;
        }
        org.aioemu.blockdev.nbd.NbdStats s = server.stats();
        long rOps = s.readOps();
        long wOps = s.writeOps();
        long rBytes = s.readBytes();
        long wBytes = s.writeBytes();
        long last = System.nanoTime();
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            double secs = (now - last) / 1e9;
            System.err.printf(java.util.Locale.ROOT, "\raioemu serve: %d connections, read %.0f IOPS %.1f MiB/s, write %.0f IOPS %.1f MiB/s   ",
                    server.connections(), (s.readOps() - rOps) / secs, (s.readBytes() - rBytes) / secs / 1048576,
                    (s.writeOps() - wOps) / secs, (s.writeBytes() - wBytes) / secs / 1048576);
            System.err.flush();
            rOps = s.readOps();
            wOps = s.writeOps();
            rBytes = s.readBytes();
            wBytes = s.writeBytes();
            last = now;
        }
        System.err.println();
    }

    private static String unavailability(String name) {
        try {
            return org.aioemu.aio.AioEngines.unavailability(name);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--aio=" + name + ": " + e.getMessage());
        }
    }

    /** The block spec IMAGE and the options make; an option set in an --image-opts spec is the spec's. */
    BlockSpec spec() {
        if (imageOpts && format != null) {
            // The spec names its own driver; a second say over the format would be silently one or the other.
            throw new Main.UserError("--image-opts and -f/--format are mutually exclusive: give driver=" + format + " in the spec");
        }
        BlockSpec spec;
        try {
            spec = imageOpts ? BlockSpec.parse(image) : fileSpec();
            if (readOnly) {
                spec = spec.with("read-only", "on");
            }
            if (engine != null && spec.get("aio") == null) {
                spec = spec.with("aio", engine);
            }
            if (cache != null && spec.get("cache.direct") == null) {
                spec = spec.with("cache", cache);
            }
            if (pool != null && spec.get("pool") == null) {
                spec = spec.with("pool", pool);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UserError((imageOpts ? "--image-opts " : "") + e.getMessage());
        }
        if (!inject.isEmpty()) {
            spec = spec.wrappedIn("inject", "file").with("rules", faults().toString());
        }
        return spec;
    }

    /** The --inject rules, in order; a bad one is the user's error, named with its option. */
    private org.aioemu.blockdev.FaultInjection faults() {
        org.aioemu.blockdev.FaultInjection faults = org.aioemu.blockdev.FaultInjection.none();
        for (String rule : inject) {
            try {
                faults = faults.plus(org.aioemu.blockdev.FaultRule.parse(rule));
            } catch (IllegalArgumentException e) {
                String m = e.getMessage(); // "bad fault rule 'text': why"
                throw new Main.UserError("--inject=" + rule + ": " + m.substring(m.indexOf("': ") + 3));
            }
        }
        return faults;
    }

    /** IMAGE as a file of the format -f names, or (no -f) a file whose format opening it probes. */
    private BlockSpec fileSpec() {
        String given = Images.format(format);
        return given == null ? BlockSpec.ofFile(image) : BlockSpec.of(given).with("filename", image);
    }

    private BlockBackend open(AioContext ctx) throws ErrnoException {
        BlockSpec spec = spec();
        org.aioemu.blockdev.ThrottleOptions limits = null;
        if (throttle != null) {
            try {
                limits = org.aioemu.blockdev.ThrottleOptions.parse(throttle);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--throttle=" + throttle + ": " + e.getMessage());
            }
        }
        try {
            return limits == null ? BlockBackend.open(ctx, spec) : BlockBackend.open(ctx, spec, limits.group());
        } catch (ErrnoException e) {
            throw new Main.UserError(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
