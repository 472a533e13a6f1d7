package org.aioemu.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.output.AtomicFile;
import org.aioemu.bench.output.OutputPaths;
import org.aioemu.bench.report.DiskUtil;
import org.aioemu.bench.report.JobStats;
import org.aioemu.bench.report.Reports;
import org.aioemu.bench.workload.DiskUsage;
import org.aioemu.bench.workload.JobFiles;
import org.aioemu.bench.workload.NbdJobs;
import org.aioemu.bench.workload.RunSettings;
import org.aioemu.bench.workload.RunStop;
import org.aioemu.bench.workload.WorkloadRunner;

/**
 * What {@code bench} and {@code run} share: print the parser's notices, run the jobs with the live
 * status line where wanted, write the results in the chosen format, and turn job errors into the exit
 * code (1 when any job failed, as fio). A SIGINT, SIGTERM or SIGHUP stops the jobs early ({@link Interrupts}): the
 * results so far are still written, and the exit code is the signal's (128 + its number).
 */
final class JobLauncher {
    private JobLauncher() {
    }

    static int launch(List<JobOptions> jobs, List<String> notices, Map<String, String> globalOptions, OutputSettings out,
                      EngineTuning tuning) {
        PrintStream err = System.err;
        for (String n : notices) {
            err.println("aioemu: " + n);
        }
        long clones = 0;
        for (JobOptions j : jobs) {
            clones += Math.max(1, j.numjobs);
        }
        if (clones > org.aioemu.bench.job.JobLimits.MAX_JOBS) {
            throw new Main.UserError(org.aioemu.bench.job.JobLimits.tooManyJobs(clones));
        }
        // Before any job lays out a file: a job that cannot run stops the whole run, as fio stops at a bad engine.
        for (JobOptions j : jobs) {
            boolean nbd = NbdJobs.isNbd(j);
            String engine = j.aioEngine == null ? "threads" : j.aioEngine;
            String why = null;
            if (nbd) {
                try {
                    NbdJobs.uri(j); // says what an nbd job lacks
                    j.ioengine = "nbd"; // the report names the engine that ran
                    j.aioEngine = "nbd";
                } catch (IllegalArgumentException e) {
                    why = e.getMessage();
                }
            } else if (!"null".equals(engine)) {
                why = org.aioemu.aio.AioEngines.unavailability(engine);
            }
            if (why == null && j.readIolog != null) {
                why = unreadableTrace(j.readIolog);
            }
            if (why == null && !nbd) {
                why = org.aioemu.bench.workload.MountedDevices.refusal(j);
            }
            if (why == null) {
                why = unwritableOutput(j);
            }
            if (why != null) {
                throw new Main.UserError((j.source != null ? j.source + ": " : "") + j.name + ": " + why);
            }
        }
        for (JobOptions j : jobs) {
            // Accepted for compatibility, but not applied: say so rather than give silently different runs.
            if (j.cpusAllowed != null) {
                err.println("aioemu: " + j.source + ": cpus_allowed=" + j.cpusAllowed + " is accepted but not applied (threads are not pinned)");
            }
            if (j.createOnOpen) {
                err.println("aioemu: " + j.source + ": create_on_open=1 is accepted, but the files are laid out before the job"
                        + " starts as with 0 (an image's size is fixed when it is opened)");
            }
        }
        AtomicFile file = out.output() == null ? null : openOutput(out.output(), jobs);
        PrintStream dest = file == null ? System.out : new PrintStream(file.stream(), false, StandardCharsets.UTF_8);
        try {
            StatusPrinter status = out.showStatus() ? new StatusPrinter(System.out) : null;
            RunSettings settings = RunSettings.defaults()
                    .withNotices(err)
                    .withPrintStatus(status != null)
                    .withStatusListener(status != null ? status : line -> { })
                    .withContextTuning(tuning::apply);
            String version = "aioemu-" + Main.version();
            RunStop stop = new RunStop();
            List<JobStats> stats;
            DiskUsage disks;
            // fio prints its "terminating on signal" line where the normal report goes; JSON and terse stay parseable.
            Interrupts interrupts = Interrupts.install(stop, Reports.includesNormal(out.format()) ? dest : err);
            try {
                if (Reports.includesNormal(out.format())) {
                    Reports.header(WorkloadRunner.plan(jobs), version, dest); // before the run, as fio prints it
                }
                disks = DiskUsage.start(jobs);
                stats = WorkloadRunner.run(jobs, settings, stop);
            } finally {
                interrupts.close(); // drained: from here a signal has its default effect (exit; the hook removes the image)
            }
            int signalled = interrupts.exitStatus();
            List<DiskUtil> diskUtil = disks.finish();
            if (status != null) {
                status.clear();
            }
            Reports.write(out.format(), stats, globalOptions, version, diskUtil, dest);
            dest.flush();
            if (file != null) {
                try {
                    file.commit(); // the results appear under their name only when complete
                } catch (java.io.IOException e) {
                    throw new Main.UserError(e.getMessage()); // names the file and the reason
                }
            }
            int exit = 0;
            for (JobStats s : stats) {
                if (s.error != 0) {
                    err.println(org.aioemu.bench.job.Printable.escapeLines("aioemu: job " + s.options.name + " ("
                            + s.options.source + "): " + s.errorMessage));
                    exit = 1;
                }
            }
            return signalled != 0 ? signalled : exit; // 130, 143, 129 after SIGINT, SIGTERM, SIGHUP, as a shell reports them
        } finally {
            if (file != null) {
                file.close(); // not committed: a failed run leaves no half-written results
            }
        }
    }

    /**
     * Starts the {@code --output} file, refusing one that is a job's data file or trace: writing the results
     * there would destroy what the job reads.
     */
    static AtomicFile openOutput(Path output, List<JobOptions> jobs) {
        for (JobOptions j : jobs) {
            OutputPaths.clash(output, JobFiles.localPaths(j)).ifPresent(in -> {
                throw new Main.UserError("--output=" + output + ": refusing to overwrite " + in + ", a file job "
                        + j.name + " uses");
            });
        }
        try {
            return AtomicFile.create(output);
        } catch (java.io.IOException e) {
            throw new Main.UserError(e.getMessage());
        }
    }

    /** The live line, rewritten in place on a terminal. */
    static final class StatusPrinter implements org.aioemu.bench.workload.StatusListener {
        private final PrintStream out;
        private int lastLength;

        StatusPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void status(String line) {
            String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
            out.print("\r" + line + pad);
            out.flush();
            lastLength = line.length();
        }

        synchronized void clear() {
            if (lastLength > 0) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                out.flush();
                lastLength = 0;
            }
        }
    }

    /** Why one of the job's log or trace files cannot be written, or null: checked before any job runs. */
    private static String unwritableOutput(JobOptions j) {
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        if (j.writeBwLog != null) {
            files.put("write_bw_log=" + j.writeBwLog, j.writeBwLog + "_bw.1.log");
        }
        if (j.writeIopsLog != null) {
            files.put("write_iops_log=" + j.writeIopsLog, j.writeIopsLog + "_iops.1.log");
        }
        if (j.writeLatLog != null) {
            files.put("write_lat_log=" + j.writeLatLog, j.writeLatLog + "_lat.1.log");
        }
        if (j.writeHistLog != null) {
            files.put("write_hist_log=" + j.writeHistLog, j.writeHistLog + "_clat_hist.1.log");
        }
        if (j.writeIolog != null) {
            files.put("write_iolog=" + j.writeIolog, j.writeIolog);
        }
        if (j.writeBlktrace != null) {
            files.put("write_blktrace=" + j.writeBlktrace, j.writeBlktrace);
        }
        for (var e : files.entrySet()) {
            String why = OutputPaths.unwritable(Path.of(e.getValue()));
            if (why != null) {
                return e.getKey() + ": cannot write " + e.getValue() + ": " + why;
            }
        }
        return null;
    }

    /** Why a trace of read_iolog's ':' list cannot be read, or null. */
    private static String unreadableTrace(String list) {
        for (String name : org.aioemu.bench.workload.JobFiles.splitNames(list)) {
            java.nio.file.Path p = java.nio.file.Path.of(name);
            if (!java.nio.file.Files.isReadable(p)) {
                return "read_iolog=" + name + ": " + (java.nio.file.Files.exists(p)
                        ? "cannot read it (Permission denied)" : "No such file or directory (ENOENT)");
            }
        }
        return null;
    }
}
