package org.aioemu.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.RawImage;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aioemu bench}: one job described with fio's option names. Without options it runs the embedded
 * default: 4 KiB random reads at iodepth 16 for 10 s on the threads engine, over a temporary 1 GiB
 * sparse raw image that is removed afterwards.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one fio-style job on a raw image and print fio's summary.",
                "Defaults: --rw=randread --bs=4k --iodepth=16 --size=1g --runtime=10 --time_based --aio=threads",
                "on a temporary image unless --filename is given."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NAME", description = "Job name (default: the rw mode).")
    String name;

    @Option(names = "--filename", paramLabel = "FILE", description = "Raw image to use; default: a temporary image of --size.")
    Path filename;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1g", description = "Bytes of the image the job covers (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = {"--rw", "--readwrite"}, paramLabel = "MODE", defaultValue = "randread",
            description = "read, write, randread, randwrite, rw, randrw (default: ${DEFAULT-VALUE}).")
    String rw;

    @Option(names = "--rwmixread", paramLabel = "PCT", defaultValue = "50", description = "Share of reads in rw/randrw (default: ${DEFAULT-VALUE}).")
    int rwmixread;

    @Option(names = {"--bs", "--blocksize"}, paramLabel = "SIZE", defaultValue = "4k", description = "Block size (default: ${DEFAULT-VALUE}).")
    String bs;

    @Option(names = "--iodepth", paramLabel = "N", defaultValue = "16", description = "Requests kept in flight (default: ${DEFAULT-VALUE}).")
    int iodepth;

    @Option(names = "--runtime", paramLabel = "TIME", defaultValue = "10", description = "Run time; seconds, or with s/ms/m suffix (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--time_based", arity = "0..1", fallbackValue = "1", defaultValue = "1", paramLabel = "0|1",
            description = "Run for the whole runtime (default on); 0 stops after --size bytes or the runtime.")
    String timeBased;

    @Option(names = "--direct", arity = "0..1", fallbackValue = "1", defaultValue = "0", paramLabel = "0|1", description = "O_DIRECT (default: 0).")
    String direct;

    @Option(names = "--aio", paramLabel = "ENGINE", description = "aioemu engine: threads (default), sync, io_uring.")
    String aio;

    @Option(names = "--ioengine", paramLabel = "FIO_ENGINE",
            description = "fio's engine name, mapped: io_uring -> io_uring; libaio, posixaio, psync, sync, pvsync, pvsync2 -> threads.")
    String ioengine;

    @Option(names = "--randseed", paramLabel = "SEED", defaultValue = "1234", description = "Seed of the offset generator (default: ${DEFAULT-VALUE}).")
    long randseed;

    @Override
    public Integer call() throws IOException {
        JobSpec.RwMode mode = JobSpec.RwMode.parse(rw);
        long sizeBytes = Sizes.parse("size", size);
        long blockSize = Sizes.parse("bs", bs);
        if (blockSize <= 0 || blockSize > (64 << 20)) {
            throw new Main.UserError("--bs=" + bs + ": block size must be between 1 byte and 64 MiB");
        }
        if (iodepth < 1 || iodepth > 65536) {
            throw new Main.UserError("--iodepth=" + iodepth + ": must be between 1 and 65536");
        }
        if (rwmixread < 0 || rwmixread > 100) {
            throw new Main.UserError("--rwmixread=" + rwmixread + ": must be between 0 and 100");
        }
        String engine = engineName();
        long runtimeNanos = Durations.parseSeconds("runtime", runtime);
        boolean timeBasedOn = Flags.parse("time_based", timeBased);
        boolean directOn = Flags.parse("direct", direct);
        int readPercent = mode.reads && mode.writes ? rwmixread : mode.reads ? 100 : 0;
        JobSpec spec = new JobSpec(name != null ? name : mode.fioName, filename, sizeBytes, mode, readPercent,
                (int) blockSize, iodepth, runtimeNanos, directOn, engine, randseed);

        Path tempDir = null;
        Path image = filename;
        if (image == null) {
            if (sizeBytes < blockSize) {
                throw new Main.UserError("--size=" + size + " is smaller than one block (--bs=" + bs + ")");
            }
            tempDir = Files.createTempDirectory("aioemu-bench-");
            image = tempDir.resolve("bench.raw");
            try {
                RawImage.create(image, sizeBytes);
            } catch (ErrnoException e) {
                deleteQuietly(image, tempDir);
                throw new Main.UserError("cannot create the temporary image: " + e.getMessage());
            }
        }
        final Path tempImage = tempDir != null ? image : null;
        final Path tempDirFinal = tempDir;
        Thread cleanup = new Thread(() -> deleteQuietly(tempImage, tempDirFinal));
        if (tempDir != null) {
            Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C still removes the image
        }
        PrintStream out = System.out;
        try (AioContext ctx = AioContext.create()) {
            BlockBackend backend;
            try {
                backend = BlockBackend.open(ctx, image, BlockBackendOptions.defaults()
                        .withReadOnly(!mode.writes).withDirect(directOn).withEngine(engine));
            } catch (ErrnoException e) {
                throw new Main.UserError("cannot open " + image + ": " + e.getMessage());
            }
            try {
                if (backend.size() < blockSize) {
                    throw new Main.UserError(image + " (" + backend.size() + " bytes) is smaller than one block (--bs=" + bs + ")");
                }
                long limit = Math.min(sizeBytes, backend.size());
                JobSpec effective = new JobSpec(spec.name(), image, limit, mode, readPercent, (int) blockSize, iodepth,
                        runtimeNanos, directOn, engine, randseed);
                NormalOutput.header(out, effective, Main.version());
                JobRunner.JobResult result = new JobRunner(effective, backend, !timeBasedOn).run();
                NormalOutput.job(out, result);
                return result.error == 0 ? 0 : 1;
            } finally {
                backend.close();
            }
        } finally {
            if (tempDir != null) {
                deleteQuietly(tempImage, tempDirFinal);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run; it deletes the same files
                }
            }
        }
    }

    private String engineName() {
        if (aio != null) {
            String a = aio.toLowerCase(Locale.ROOT);
            if (!a.equals("threads") && !a.equals("sync") && !a.equals("io_uring")) {
                throw new Main.UserError("--aio=" + aio + ": expected threads, io_uring or sync");
            }
            return a;
        }
        if (ioengine != null) {
            return switch (ioengine.toLowerCase(Locale.ROOT)) {
                case "io_uring" -> "io_uring";
                case "libaio", "posixaio", "psync", "sync", "pvsync", "pvsync2" -> "threads";
                default -> throw new Main.UserError("--ioengine=" + ioengine
                        + ": not supported (io_uring, libaio, posixaio, psync, sync, pvsync, pvsync2 map onto aioemu's engines)");
            };
        }
        return "threads";
    }

    private static void deleteQuietly(Path image, Path dir) {
        try {
            if (image != null) {
                Files.deleteIfExists(image);
            }
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException ignored) {
            // best effort: a temporary file left in the temp dir is all that can remain
        }
    }
}
