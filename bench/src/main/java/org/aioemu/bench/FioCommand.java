package org.aioemu.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.aioemu.bench.job.CommandLineJob;
import org.aioemu.bench.job.JobFileParser;
import org.aioemu.bench.job.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code aioemu fio ARGS...}: fio's own command line, so that a script written for fio runs with {@code fio}
 * pointed at aioemu. As fio 3.33 reads it: job files mixed with inline jobs, each inline job starting at a
 * {@code --name}; job options before the first {@code --name} are global and apply to every job, those of the
 * job files too; inline jobs run before the job files' jobs. fio's own options: {@code --output},
 * {@code --output-format} (a comma list), {@code --minimal}, {@code --section} (repeatable),
 * {@code --parse-only}, {@code --showcmd}, {@code --readonly}, {@code --eta}, {@code --eta-newline} and
 * {@code --status-interval} (accepted: aioemu's live line is its own), {@code --terse-version=3},
 * {@code --warnings-fatal}, {@code --max-jobs}, {@code --aux-path} (where verify state files go); fio's client/server and trigger options are refused.
 */
@Command(name = "fio", usageHelpAutoWidth = true,
        description = {"Run fio's command line on aioemu: aioemu fio [fio options] [--name=JOB job options...] [JOBFILE...].",
                "Options before the first --name apply to every job. aioemu fio --help lists fio's own options."})
final class FioCommand implements Callable<Integer> {
    /** fio's own options that take a value. */
    private static final Set<String> VALUED = Set.of("output", "output-format", "section", "eta", "eta-newline",
            "status-interval", "terse-version", "max-jobs", "debug", "alloc-size", "aux-path");
    /** fio's own options without a value. */
    private static final Set<String> FLAGS = Set.of("minimal", "parse-only", "showcmd", "readonly", "warnings-fatal",
            "help", "version", "bandwidth-log");
    /** fio's own options aioemu does not do; refused by name rather than taken for unknown job options. */
    private static final Set<String> REFUSED = Set.of("server", "client", "daemonize", "remote-config", "idle-prof",
            "inflate-log", "trigger-file", "trigger-timeout", "trigger", "trigger-remote", "cpuclock-test", "crctest",
            "cmdhelp", "enghelp", "merge-blktrace-only");

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, List<String>> own = new LinkedHashMap<>();
        List<String> globals = new ArrayList<>();
        List<List<String>> inline = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        split(own, globals, inline, files);
        if (own.containsKey("help")) {
            System.out.println("aioemu fio: fio's command line on aioemu's engine. fio options taken: --output=FILE,"
                    + " --output-format=normal|json|json+|terse[,...], --minimal, --section=NAME, --parse-only, --showcmd,"
                    + " --readonly, --eta=auto|always|never, --eta-newline=T, --status-interval=T, --terse-version=3,"
                    + " --warnings-fatal, --max-jobs=N, --aux-path=DIR (verify state files); every job option of aioemu run as --option=value.");
            return 0;
        }
        if (own.containsKey("version")) {
            System.out.println("aioemu-" + Main.version() + " (fio 3.33 command line)");
            return 0;
        }
        String terse = last(own, "terse-version");
        if (terse != null && !terse.equals("3")) {
            throw new Main.UserError("--terse-version=" + terse + ": aioemu writes terse version 3 only");
        }

        List<String> notices = new ArrayList<>();
        JobOptions defaults = CommandLineJob.parse(globals, new JobOptions()).job();
        defaults.name = null;
        Map<String, String> globalOptions = new LinkedHashMap<>(defaults.given);
        List<JobOptions> jobs = new ArrayList<>();
        for (List<String> job : inline) {
            List<String> all = new ArrayList<>(globals);
            all.addAll(job);
            CommandLineJob cl = CommandLineJob.parse(all, new JobOptions());
            jobs.add(cl.job());
            notices.addAll(cl.notices());
        }
        if (!files.isEmpty()) {
            JobFileParser parser = new JobFileParser(System.getenv(), defaults);
            jobs.addAll(parser.parseAll(files));
            notices.addAll(parser.notices());
            globalOptions.putAll(parser.globalOptions());
        }
        List<String> sections = own.getOrDefault("section", List.of());
        if (!sections.isEmpty()) {
            jobs.removeIf(j -> !sections.contains(j.name));
        }
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).index = i;
        }
        if (own.containsKey("warnings-fatal") && !notices.isEmpty()) {
            throw new Main.UserError(notices.getFirst() + " (--warnings-fatal)");
        }
        if (own.containsKey("readonly")) {
            for (JobOptions j : jobs) {
                if (j.rw.writes() || j.rw.trims()) {
                    throw new Main.UserError("job " + j.name + " writes or trims, but --readonly was given");
                }
            }
        }
        if (own.containsKey("showcmd")) {
            for (JobOptions j : jobs) {
                StringBuilder b = new StringBuilder("fio --name=").append(j.name);
                j.given.forEach((k, v) -> {
                    if (!k.equals("name")) {
                        b.append(" --").append(k).append(v.isEmpty() ? "" : "=" + v);
                    }
                });
                System.out.println(b);
            }
            return 0;
        }
        if (jobs.isEmpty()) {
            throw new Main.UserError(sections.isEmpty() ? "no jobs given (a job file, or --name=JOB with its options)"
                    : "no job matches --section=" + String.join(",", sections));
        }
        if (own.containsKey("parse-only")) {
            notices.forEach(n -> System.err.println("aioemu: " + n));
            return 0;
        }
        String aux = last(own, "aux-path");
        if (aux != null) {
            jobs.forEach(j -> j.auxPath = aux); // fio: where the verify state files go
        }
        for (String accepted : List.of("eta-newline", "status-interval", "max-jobs", "debug", "bandwidth-log", "alloc-size")) {
            if (own.containsKey(accepted)) {
                notices.add("--" + accepted + " is accepted; aioemu's live status line and limits are its own");
            }
        }
        String format = own.containsKey("minimal") ? "terse" : last(own, "output-format");
        String output = last(own, "output");
        OutputSettings out = new OutputSettings(format, output == null ? null : Path.of(output), last(own, "eta"));
        if (output != null) {
            org.aioemu.bench.output.OutputPaths.clash(Path.of(output), files).ifPresent(in -> {
                throw new Main.UserError("--output=" + output + ": refusing to overwrite the job file " + in);
            });
        }
        return JobLauncher.launch(jobs, notices, globalOptions, out, new EngineOptions().tuning());
    }

    /** Sorts the arguments into fio's own options, global job options, inline jobs and job files. */
    private void split(Map<String, List<String>> own, List<String> globals, List<List<String>> inline, List<Path> files) {
        List<String> current = globals;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                if (arg.startsWith("-") && arg.length() > 1) {
                    throw new Main.UserError(arg + ": unknown option (fio's options are written --name=value)");
                }
                files.add(Path.of(arg));
                continue;
            }
            int eq = arg.indexOf('=');
            String name = (eq < 0 ? arg.substring(2) : arg.substring(2, eq)).toLowerCase(Locale.ROOT);
            if (REFUSED.contains(name)) {
                throw new Main.UserError("--" + name + ": fio's " + name + " is not supported by aioemu");
            }
            if (VALUED.contains(name) || FLAGS.contains(name)) {
                String value = eq >= 0 ? arg.substring(eq + 1) : null;
                if (value == null && VALUED.contains(name)) {
                    if (i + 1 >= args.size()) {
                        throw new Main.UserError("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                own.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "" : value);
                continue;
            }
            if (name.equals("name")) {
                current = new ArrayList<>();
                inline.add(current);
            }
            current.add(arg);
            // A job option's value may be the next argument (--bs 4k); CommandLineJob decides, so keep it
            // with its option unless it is an option itself or, for a flag, a job file.
            if (eq < 0 && i + 1 < args.size() && !args.get(i + 1).startsWith("--") && !looksLikeJobFile(args.get(i + 1))) {
                current.add(args.get(++i));
            }
        }
    }

    /** A following argument that names an existing .fio file (or any existing regular file) is a job file. */
    private static boolean looksLikeJobFile(String arg) {
        return arg.endsWith(".fio") || java.nio.file.Files.isRegularFile(Path.of(arg));
    }

    private static String last(Map<String, List<String>> own, String name) {
        List<String> v = own.get(name);
        return v == null ? null : v.getLast();
    }
}
