package org.aioemu.bench;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.DiskUtil;
import org.aioemu.bench.report.JobStats;
import org.aioemu.bench.report.Reports;
import org.aioemu.bench.workload.DiskUsage;
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
        PrintStream dest;
        try {
            dest = out.output() == null ? System.out
                    : new PrintStream(new java.io.FileOutputStream(out.output().toFile()), true, StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            throw new Main.UserError("--output=" + out.output() + ": cannot write: " + e.getMessage());
        }
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
            int exit = 0;
            for (JobStats s : stats) {
                if (s.error != 0) {
                    err.println("aioemu: job " + s.options.name + " (" + s.options.source + "): " + s.errorMessage);
                    exit = 1;
                }
            }
            return signalled != 0 ? signalled : exit; // 130, 143, 129 after SIGINT, SIGTERM, SIGHUP, as a shell reports them
        } finally {
            if (dest != System.out) {
                dest.close();
            }
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
