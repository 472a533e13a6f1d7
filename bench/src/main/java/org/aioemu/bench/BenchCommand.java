package org.aioemu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.aioemu.bench.job.CommandLineJob;
import org.aioemu.aio.AioEngines;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.workload.NbdJobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code aioemu bench [--key=value ...]}: one job written with fio's option names and syntax. Without
 * options it runs the embedded default — 4 KiB random reads at iodepth 16 for 10 s on the threads engine
 * over a temporary 1 GiB raw image (in $TMPDIR, filled with data first as fio lays out a read job's file),
 * removed afterwards — and options change that default.
 */
@Command(name = "bench", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run one job written in fio's options (--rw=randread --bs=4k --iodepth=16 ...).",
                "Defaults: --name=bench --rw=randread --bs=4k --iodepth=16 --size=1g --runtime=10 --time_based",
                "--aio=threads, on a temporary image unless --filename or --directory is given.",
                "--filename=nbd://HOST[:PORT]/EXPORT (or --ioengine=nbd --uri=...) runs it on an NBD export.",
                "Every option of `aioemu run` job files is accepted here as --option=value."})
final class BenchCommand implements Callable<Integer> {
    /** Options bench handles itself rather than the job (also what "did you mean" may suggest). */
    static final Set<String> OWN_OPTIONS = Set.of("aio", "output-format", "output", "eta", EngineTuning.POLL_MAX_NS,
            EngineTuning.WORKER_SPIN_NS, EngineTuning.THREAD_POOL_MAX, EngineTuning.POOL, EngineTuning.POOL_RING_SIZE,
            EngineTuning.POOL_INLINE);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--aio", paramLabel = "ENGINE", description = "aioemu's engine: threads (default), io_uring, sync, mmap.")
    String aioDoc;

    @Option(names = "--output-format", paramLabel = "FORMAT", description = "normal (default), json, json+, terse.")
    String formatDoc;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the results to FILE instead of stdout.")
    String outputDoc;

    @Option(names = "--eta", paramLabel = "WHEN", description = "Live status line: auto (on a terminal), always, never.")
    String etaDoc;

    @Mixin
    EngineOptions engine;

    /** Everything else: fio job options, read through the job language's option table. */
    @Unmatched
    List<String> fioArgs = new ArrayList<>();

    /** The embedded default job, before the command line changes it. */
    static JobOptions defaults() {
        JobOptions j = new JobOptions();
        j.name = "bench";
        j.rw = JobOptions.RwMode.RANDREAD;
        j.iodepth = 16;
        j.size = 1L << 30;
        j.runtimeNanos = 10_000_000_000L;
        j.timeBased = true;
        j.ioengine = "threads";
        j.aioEngine = "threads";
        return j;
    }

    @Override
    public Integer call() throws IOException {
        List<String> args = new ArrayList<>(fioArgs);
        // picocli took these as its own options; hand them to the job parser's caller-option list too.
        addOwn(args, "aio", aioDoc);
        addOwn(args, "output-format", formatDoc);
        addOwn(args, "output", outputDoc);
        addOwn(args, "eta", etaDoc);
        CommandLineJob cl = CommandLineJob.parse(args, defaults(), OWN_OPTIONS);
        JobOptions job = cl.job();
        Map<String, String> own = cl.callerOptions();
        if (own.containsKey("aio")) {
            job.aioEngine = checkEngine(own.get("aio"));
            job.ioengine = job.aioEngine; // the report names the engine that ran
        }
        OutputSettings out = new OutputSettings(own.get("output-format"),
                own.containsKey("output") ? Path.of(own.get("output")) : null, own.get("eta"));
        EngineTuning tuning = engine.tuning();

        boolean nbd = NbdJobs.isNbd(job);
        if (!job.given.containsKey("size") && (nbd || job.filename != null && !job.filename.contains(":")
                && Files.exists(Path.of(job.filename)))) {
            // fio: without size=, a job covers the whole of an existing file or NBD export (1g is for new files)
            job.size = 0;
        }
        Path tempDir = null;
        if (job.filename == null && job.directory == null && job.readIolog == null && !nbd) {
            if (job.size <= 0) {
                throw new Main.UserError("--size=" + job.size + ": the temporary image needs a size (or give --filename)");
            }
            // A new file: the job's layout fills it with data before a read job starts (as fio lays out a read
            // job's file), so the default job reads data rather than holes.
            Path parent = temporaryDirectory();
            try {
                tempDir = Files.createTempDirectory(parent, "aioemu-bench-");
            } catch (IOException e) {
                throw new Main.UserError("cannot create the temporary image in " + parent + ": " + e.getMessage());
            }
            job.filename = tempDir.resolve("bench.raw").toString();
        }
        Path cleanupDir = tempDir;
        Thread cleanup = new Thread(() -> deleteQuietly(cleanupDir));
        if (tempDir != null) {
            Runtime.getRuntime().addShutdownHook(cleanup); // an interrupted run still removes the image
        }
        try {
            return JobLauncher.launch(List.of(job), cl.notices(), Map.of(), out, tuning);
        } finally {
            if (tempDir != null) {
                deleteQuietly(tempDir);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway and deletes the same files
                }
            }
        }
    }

    /** $TMPDIR as mktemp(1) reads it, else the JVM's temporary directory. */
    static Path temporaryDirectory() {
        String env = System.getenv("TMPDIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void addOwn(List<String> args, String name, String value) {
        if (value != null) {
            args.add("--" + name + "=" + value);
        }
    }

    /** Validates an {@code --aio} value. */
    static String checkEngine(String value) {
        String a = value.toLowerCase(Locale.ROOT);
        if (!AioEngines.NAMES.contains(a)) {
            throw new Main.UserError("--aio=" + value + ": expected threads, io_uring or sync");
        }
        return a;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort: what can remain is a file in the temporary directory
        }
    }
}
