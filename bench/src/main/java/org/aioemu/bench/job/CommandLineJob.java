package org.aioemu.bench.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One job from fio-style command line arguments ({@code aioemu bench --name=x --rw=randread --bs=4k
 * --time_based}), read through the same {@link OptionTable} as job files. An argument is
 * {@code --key=value}, a bare {@code --flag}, or {@code --key value} for options that need a value (as
 * fio's getopt takes them); a boolean written bare takes the next argument only if it is a boolean word.
 *
 * <p>Errors quote the argument: {@code --bsz=4k: unknown option; did you mean --bs?}.
 */
public final class CommandLineJob {
    private final JobOptions job;
    private final List<String> notices;
    private final Map<String, String> callerOptions;

    private CommandLineJob(JobOptions job, List<String> notices, Map<String, String> callerOptions) {
        this.job = job;
        this.notices = List.copyOf(notices);
        this.callerOptions = Collections.unmodifiableMap(new LinkedHashMap<>(callerOptions));
    }

    /** Applies {@code args} to a copy of {@code seed} (the caller's defaults). */
    public static CommandLineJob parse(List<String> args, JobOptions seed) {
        return parse(args, seed, Set.of());
    }

    /**
     * As {@link #parse(List, JobOptions)}, but the options named in {@code callerOptions} (without
     * "--"; such as {@code output-format}) are not job options: their values are handed back in
     * {@link #callerOptions()} for the caller, bare ones as "".
     */
    public static CommandLineJob parse(List<String> args, JobOptions seed, Set<String> callerOptions) {
        OptionTable table = OptionTable.standard();
        JobOptions job = seed.copy();
        job.given.clear();
        job.source = "command line";
        job.index = 0;
        ApplyContext ctx = new ApplyContext();
        List<String> notices = new ArrayList<>();
        Map<String, String> forCaller = new LinkedHashMap<>();
        boolean named = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.isBlank()) { // quoted, else the message would start with an empty name: "aioemu: : ..."
                throw new JobFileException("'" + arg + "': an empty argument (options are written --name=value)");
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new JobFileException(arg + ": unexpected argument (options are written --name=value)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            if (callerOptions.contains(name)) {
                forCaller.put(name, value == null ? "" : value);
                continue;
            }
            var spec = table.find(name);
            String next = i + 1 < args.size() ? args.get(i + 1) : null;
            if (value == null && spec.isPresent() && next != null && takesNext(spec.get(), next)) {
                value = next;
                arg = arg + " " + next;
                i++;
            }
            if (spec.isPresent() && spec.get().name().equals("name")) {
                // fio starts a new job at every --name; aioemu bench runs exactly one.
                if (named) {
                    throw new JobFileException(arg + ": aioemu bench runs one job; put several in a job file (aioemu run)");
                }
                named = true;
            }
            try {
                String notice = table.apply(job, ctx, name, value);
                if (notice != null) {
                    notices.add("command line: " + notice);
                }
            } catch (OptionError e) {
                throw new JobFileException(e.onCommandLine(arg));
            }
        }
        DataOptions.finish(job);
        return new CommandLineJob(job, notices, forCaller);
    }

    /**
     * Whether {@code --key next} means {@code --key=next}: always for an option that needs a value
     * (unless the next argument is itself an option), and for a boolean only when the next argument is a
     * boolean word, so that {@code --time_based --direct 1} reads as fio users mean it.
     */
    private static boolean takesNext(OptionSpec spec, String next) {
        if (next.startsWith("--")) {
            return false;
        }
        if (!spec.valueOptional()) {
            return true;
        }
        if (spec.kind() != OptionSpec.Kind.BOOL) {
            return false;
        }
        try {
            FioNumbers.bool(next);
            return true;
        } catch (ValueException e) {
            return false;
        }
    }

    /** The job: {@link JobOptions#source} is "command line", {@link JobOptions#given} what was written. */
    public JobOptions job() {
        return job;
    }

    /** One line per accepted but ignored option ("command line: option 'thread' only tunes ..."). */
    public List<String> notices() {
        return notices;
    }

    /** Values of the caller's own options, by name without "--", in the order given. */
    public Map<String, String> callerOptions() {
        return callerOptions;
    }
}
