package org.aioemu.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.aioemu.bench.job.JobFileParser;
import org.aioemu.bench.job.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aioemu run JOBFILE...}: replays fio job files, every job and group in fio's order. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run fio job files on aioemu's engine and print fio-compatible results.",
                "ioengine= maps: io_uring -> io_uring; libaio, posixaio, psync, sync, pvsync, pvsync2 -> threads;",
                "null -> the null driver. $VAR and ${VAR} expand from the environment."})
final class RunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "JOBFILE", description = "fio job files, run in the order given.")
    List<Path> jobFiles = new ArrayList<>();

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "normal",
            description = "normal, json, json+ or terse (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the results to FILE instead of stdout.")
    Path output;

    @Option(names = "--eta", paramLabel = "WHEN", defaultValue = "auto",
            description = "Live status line: auto (on a terminal), always, never (default: ${DEFAULT-VALUE}).")
    String eta;

    @Option(names = "--aio", paramLabel = "ENGINE", description = "Override every job's engine: threads, io_uring, sync, mmap.")
    String aio;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        OutputSettings out = new OutputSettings(outputFormat, output, eta);
        if (output != null) {
            org.aioemu.bench.output.OutputPaths.clash(output, jobFiles).ifPresent(in -> {
                throw new Main.UserError("--output=" + output + ": refusing to overwrite the job file " + in);
            });
        }
        EngineTuning tuning = engine.tuning();
        JobFileParser parser = new JobFileParser(System.getenv());
        List<JobOptions> jobs = parser.parseAll(jobFiles);
        if (jobs.isEmpty()) {
            throw new Main.UserError("no jobs in " + jobFiles);
        }
        if (aio != null) {
            String engine = BenchCommand.checkEngine(aio);
            for (JobOptions j : jobs) {
                if (!org.aioemu.bench.workload.NbdJobs.isNbd(j)) { // an NBD job's engine is the NBD client
                    j.aioEngine = engine;
                    j.ioengine = engine;
                }
            }
        }
        return JobLauncher.launch(jobs, parser.notices(), parser.globalOptions(), out, tuning);
    }
}
