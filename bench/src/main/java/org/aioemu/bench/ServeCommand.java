package org.aioemu.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.nbd.NbdServer;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu serve IMAGE}: exports a raw image over NBD until SIGINT or SIGTERM, then stops accepting, lets the
 * requests in flight complete, flushes the image and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a raw image over NBD (qemu, nbdcopy, nbdinfo, nbd-client use it) until SIGINT/SIGTERM.",
                "Example: aioemu serve disk.raw --port=10809; qemu-img info nbd://127.0.0.1:10809"})
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The raw image to export.")
    Path image;

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

    @Option(names = "--aio", paramLabel = "ENGINE", defaultValue = "threads", description = "I/O engine: threads, io_uring, sync or mmap. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Override
    public Integer call() throws Exception {
        String why = org.aioemu.aio.AioEngines.unavailability(engine);
        if (why != null) {
            throw new Main.UserError(why + "; try --aio=threads");
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = open(ctx)) {
            NbdServer server;
            try {
                server = NbdServer.start(disk, NbdServer.Config.defaults().withBind(bind).withPort(port)
                        .withExportName(exportName).withReadOnly(readOnly).withUnixSocket(unix));
            } catch (Exception e) {
                throw new Main.UserError("cannot listen on " + (unix != null ? unix : bind + ":" + port) + ": " + e.getMessage());
            }
            // Signal handlers rather than a shutdown hook: the stop is ours to run, and the exit status is 0.
            for (String signal : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
            }
            System.err.println("aioemu: serving " + image + " (" + disk.size() + " bytes" + (readOnly ? ", read-only" : "")
                    + ") as " + server.uri());
            statusUntil(stop, server);
            server.close();
            ctx.await(disk.flush());
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

    private BlockBackend open(AioContext ctx) throws ErrnoException {
        try {
            return BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(readOnly).withEngine(engine));
        } catch (ErrnoException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
