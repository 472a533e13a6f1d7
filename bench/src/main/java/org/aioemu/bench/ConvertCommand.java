package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.lz4.Lz4FormatException;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu convert -O FMT SRC DST}: copies an image into a new one of either format, as {@code qemu-img
 * convert}, through the engine with several requests in flight ({@link ImageCopy}). For an lz4 destination a chunk is
 * one cluster, so each write is one cluster for the driver to compress on a pool worker, as many at once as are in
 * flight; for raw a chunk is 1 MiB.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy an image into a new raw or lz4 image (DST is overwritten), as qemu-img convert.",
                "Example: aioemu convert -O lz4 -m 16 --threads=4 -p disk.raw disk.lz4"})
final class ConvertCommand implements Callable<Integer> {
    private static final int RAW_CHUNK = 1 << 20;
    /** qemu-img's bounds for -m. */
    private static final int MAX_IN_FLIGHT = 16;

    @Option(names = "-f", paramLabel = "FMT", description = "The source's format, raw or lz4. Default: probed.")
    String format;

    @Option(names = "-O", paramLabel = "FMT", defaultValue = "raw",
            description = "The destination's format, raw or lz4. Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Option(names = "-o", paramLabel = "OPTIONS", description = "Destination format options, as for create: lz4 takes cluster_size.")
    List<String> options = new ArrayList<>();

    @Option(names = "--stats", description = "Print each pool worker's CPU time and the loop's at the end (how evenly"
            + " the workers were loaded).")
    boolean stats;

    @Option(names = "-t", paramLabel = "CACHE", defaultValue = "unsafe",
            description = "The destination's cache mode, as qemu-img's: unsafe (the default, as qemu-img's: nothing is"
                    + " flushed; an lz4 image is still committed, so it opens), writeback (flushed at the end),"
                    + " writethrough, directsync, none.")
    String cache;

    @Option(names = "-W", description = "Allow out-of-order writes: a chunk is written as soon as it is read.")
    boolean outOfOrder;

    @Option(names = "-m", paramLabel = "N", defaultValue = "8", description = "Requests in flight, 1 to 16. Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(names = "--threads", paramLabel = "N", description = "Most thread-pool workers (for an lz4 destination: the most"
            + " clusters compressed at once). Default: the engine's.")
    Integer threads;

    @Option(names = "--pool", paramLabel = "queue|rings", description = "How the pool hands requests to its workers. Default: queue.")
    String pool;

    @Option(names = "-p", description = "Show progress, as qemu-img -p (also shown on a terminal).")
    boolean progress;

    @Option(names = "-q", description = "Quiet: no progress, no summary.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC", description = "The image to copy.")
    Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "The image to create.")
    Path destination;

    @Override
    public Integer call() throws IOException {
        if (inFlight < 1 || inFlight > MAX_IN_FLIGHT) {
            throw new Main.UserError("Invalid number of coroutines. Allowed number of coroutines is between 1 and " + MAX_IN_FLIGHT);
        }
        String inFormat = Images.formatOf(source, format);
        String outFormat = Images.format(outputFormat);
        if (Files.exists(destination) && Files.isSameFile(source, destination)) {
            throw new Main.UserError("'" + destination + "' is the source image '" + source
                    + "': converting an image onto itself destroys it");
        }
        ThreadCpu workers = new ThreadCpu("aioemu-convert");
        ThreadPoolConfig config = poolConfig().withThreadFactory(workers);
        long start = System.nanoTime();
        String cpu = null;
        long written;
        long size;
        try (Arena arena = Arena.ofShared();
             AioContext ctx = AioContext.builder().threadPool(config).build();
             BlockBackend src = Images.open(ctx, source, inFormat, true)) {
            size = ImageSizes.sectorAligned(src.size());
            ImageCreation created = ImageCreation.of(destination, outFormat, size, options);
            created.create(destination);
            try (BlockBackend dst = Images.openWithCache(ctx, destination, outFormat, cache)) {
                int chunk = outFormat.equals(Images.LZ4) ? Math.max(created.clusterSize(), RAW_CHUNK) : RAW_CHUNK;
                ProgressLine line = showProgress() ? new ProgressLine(System.out, size) : null;
                LongConsumer onProgress = line == null ? done -> { } : line::update;
                try {
                    written = new ImageCopy(src, dst, arena, size, chunk, inFlight, !outOfOrder, onProgress).run();
                    Futures.await(dst.flush());
                } catch (IOException e) {
                    throw new Main.UserError("error while converting " + outFormat + ": " + e.getMessage());
                }
                if (line != null) {
                    line.finish();
                }
                if (stats) {
                    cpu = workers.report(ctx.loopThread(), (System.nanoTime() - start) / 1e9);
                }
            }
        }
        if (cpu != null) {
            System.out.println(cpu);
        }
        if (!quiet) {
            System.out.println(summary(size, written, (System.nanoTime() - start) / 1e9, outFormat));
        }
        return 0;
    }

    private ThreadPoolConfig poolConfig() {
        ThreadPoolConfig config = ThreadPoolConfig.defaults();
        if (threads != null) {
            if (threads < 1 || threads > 1024) {
                throw new Main.UserError("--threads=" + threads + ": expected a worker count from 1 to 1024");
            }
            config = config.withLimits(0, threads);
        }
        if (pool != null) {
            try {
                config = config.withModel(PoolModel.parse(pool));
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--pool=" + pool + ": expected queue or rings");
            }
        }
        return config;
    }

    private boolean showProgress() {
        if (quiet) {
            return false;
        }
        java.io.Console console = System.console();
        return progress || (console != null && console.isTerminal());
    }

    /** One line: what was copied, how fast, and for lz4 how well it compressed. */
    private String summary(long size, long written, double seconds, String outFormat) {
        String line = String.format(Locale.ROOT, "Converted %d bytes (%d written, the rest zeroes) in %.3f s: %.1f MiB/s",
                size, written, seconds, size / 1048576.0 / Math.max(seconds, 1e-9));
        if (outFormat.equals(Images.LZ4)) {
            try {
                Lz4Images.Info info = Lz4Images.info(destination);
                line += String.format(Locale.ROOT, ", lz4 compression ratio %.2f (%d bytes stored)", info.compressionRatio(),
                        info.storedClusterBytes());
            } catch (IOException | Lz4FormatException e) {
                line += ", lz4 compression ratio unknown (" + e.getMessage() + ")";
            }
        }
        return line;
    }
}
