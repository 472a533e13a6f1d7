package org.aioemu.bench.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Reads fio job files into {@link JobOptions}, one per job section, in file order.
 *
 * <p>The language, as fio 3.33 reads it: INI sections; {@code [global]} holds defaults for the jobs
 * that follow it, and a later {@code [global]} adds to them for the jobs after it; one
 * {@code name=value} or bare {@code name} per line, whitespace around '=' ignored; a ';' or '#' starts a
 * comment anywhere on a line (so neither can appear in a value, as in fio); {@code include FILE} pulls in
 * options from FILE, relative to the including file, which may not hold sections; {@code ${VAR}} in a
 * value is replaced from the environment given to the constructor (and {@code $VAR} when VAR is set, see
 * {@link EnvExpander}). fio's {@code $ncpus}-style keywords and {@code (arithmetic)} are not supported.
 * Each job's {@link JobOptions#given}
 * records every option that applied to it, [global] ones first. {@code numjobs} is not expanded here.
 *
 * <p>Any mistake throws {@link JobFileException} naming file and line; nothing is half-parsed. Options
 * that only tune fio are accepted with a notice in {@link #notices()}.
 *
 * <p>Not thread-safe: one parser per thread.
 */
public final class JobFileParser {
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Map<String, String> env;
    private final FioKeywords.Machine machine;
    private final JobOptions defaults;
    private final OptionTable table = OptionTable.standard();
    private final List<String> notices = new ArrayList<>();
    /** The [global] options of the last parse, name -> value as written (fio's JSON "global options"). */
    private final Map<String, String> globalOptions = new java.util.LinkedHashMap<>();

    /** {@code env} resolves {@code ${VAR}} and {@code $VAR}; pass {@code System.getenv()} for the real one. */
    public JobFileParser(Map<String, String> env) {
        this(env, new JobOptions());
    }

    /** Jobs start from a copy of {@code defaults} (fio's defaults, or the caller's) instead of fio's. */
    public JobFileParser(Map<String, String> env, JobOptions defaults) {
        this(env, defaults, FioKeywords.Machine.current());
    }

    /** With what fio's $pagesize, $mb_memory and $ncpus stand for given, as tests need them fixed. */
    JobFileParser(Map<String, String> env, JobOptions defaults, FioKeywords.Machine machine) {
        this.env = Map.copyOf(env);
        this.defaults = defaults.copy();
        this.defaults.given.clear();
        this.machine = machine;
    }

    /** Parses the job file at {@code file}. */
    public List<JobOptions> parse(Path file) {
        return parse(file, read(file, file.toString()));
    }

    /**
     * Parses {@code text} as if it were the content of {@code file}: {@code file} names it in messages
     * and {@link JobOptions#source}, and includes resolve against its directory.
     */
    public List<JobOptions> parse(Path file, String text) {
        notices.clear();
        globalOptions.clear();
        Session s = new Session();
        s.includes.push(file.toAbsolutePath().normalize());
        s.readFile(file, text, false);
        for (JobOptions job : s.jobs) {
            DataOptions.finish(job);
        }
        for (GlobalEntry g : s.globals) {
            globalOptions.put(g.name(), g.value() == null ? "" : g.value());
        }
        return s.jobs;
    }

    /**
     * Parses several job files into one list, numbered on ({@link JobOptions#index}); as fio does, each
     * file after the first starts with a stonewall, so its jobs wait for the previous file's.
     */
    public List<JobOptions> parseAll(List<Path> files) {
        List<JobOptions> all = new ArrayList<>();
        List<String> allNotices = new ArrayList<>();
        Map<String, String> allGlobals = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            List<JobOptions> jobs = parse(f);
            allNotices.addAll(notices);
            allGlobals.putAll(globalOptions);
            if (!all.isEmpty() && !jobs.isEmpty()) {
                jobs.get(0).stonewall = true;
            }
            for (JobOptions j : jobs) {
                j.index = all.size();
                all.add(j);
            }
        }
        notices.clear();
        notices.addAll(allNotices);
        globalOptions.clear();
        globalOptions.putAll(allGlobals);
        return all;
    }

    /** The [global] options of the last parse, as written, for fio's JSON "global options". */
    public Map<String, String> globalOptions() {
        return java.util.Collections.unmodifiableMap(globalOptions);
    }

    /** One line per option that was accepted but ignored, "file:line: ...", from the last parse. */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    private static String read(Path file, String label) {
        try {
            // Bounded: /dev/zero or a huge file named by mistake must not be read into memory whole.
            byte[] bytes;
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) JobLimits.MAX_JOB_FILE_BYTES + 1);
            }
            if (bytes.length > JobLimits.MAX_JOB_FILE_BYTES) {
                throw new JobFileException(label + ": larger than " + (JobLimits.MAX_JOB_FILE_BYTES >> 20)
                        + " MiB: not a fio job file");
            }
            // Malformed UTF-8 becomes U+FFFD rather than an exception: values are mostly ASCII anyway.
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobFileException(label + ": no such file");
        } catch (IOException e) {
            throw new JobFileException(label + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A [global] option, kept to be applied again to each job that follows. */
    private record GlobalEntry(String name, String value, String where) {
    }

    /** The state of one parse. */
    private final class Session {
        final List<JobOptions> jobs = new ArrayList<>();
        final Deque<Path> includes = new ArrayDeque<>();
        final List<GlobalEntry> globals = new ArrayList<>();
        /** [global] options are checked once, where written, on this scratch job. */
        final JobOptions globalScratch = defaults.copy();
        final ApplyContext globalCtx = new ApplyContext();
        boolean inGlobal;
        JobOptions current;
        ApplyContext currentCtx;

        void readFile(Path file, String text, boolean included) {
            String label = file.toString();
            int lineNo = 0;
            for (String raw : text.split("\r?\n", -1)) {
                lineNo++;
                String where = label + ":" + lineNo;
                if (raw.length() > JobLimits.MAX_LINE_CHARS) {
                    throw new JobFileException(where + ": a line of " + raw.length() + " characters; job file lines are"
                            + " at most " + JobLimits.MAX_LINE_CHARS + " (is this a job file?)");
                }
                String line = stripComment(raw).strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("[")) {
                    if (included) {
                        throw new JobFileException(where + ": an included file may not start sections: " + line);
                    }
                    section(line, where);
                } else if (line.equals("include") || line.startsWith("include ") || line.startsWith("include\t")) {
                    include(line.substring("include".length()).strip(), file, where);
                } else {
                    option(line, where);
                }
            }
        }

        private void section(String line, String where) {
            if (!line.endsWith("]")) {
                throw new JobFileException(where + ": section header without its closing ']': " + line);
            }
            String name = line.substring(1, line.length() - 1).strip();
            if (name.isEmpty()) {
                throw new JobFileException(where + ": a section needs a name: []");
            }
            if (name.equals("global")) {
                inGlobal = true;
                current = null;
                return;
            }
            inGlobal = false;
            if (jobs.size() >= JobLimits.MAX_JOBS) { // stop at once, as fio does, rather than build them all
                throw new JobFileException(where + ": " + JobLimits.tooManyJobs(jobs.size() + 1L));
            }
            current = defaults.copy();
            current.name = name;
            current.source = where;
            current.index = jobs.size();
            currentCtx = new ApplyContext();
            for (GlobalEntry g : globals) {
                try {
                    table.apply(current, currentCtx, g.name(), g.value());
                } catch (OptionError e) {
                    // Checked when [global] was read; a failure here would be a bug, but say where anyway.
                    throw new JobFileException(e.inFile(g.where()), e);
                }
            }
            // fio: name= in [global] does not rename the jobs that follow; only the job's own name= does.
            current.name = name;
            jobs.add(current);
        }

        private void option(String line, String where) {
            int eq = line.indexOf('=');
            String name = (eq < 0 ? line : line.substring(0, eq)).strip();
            String written = eq < 0 ? null : line.substring(eq + 1).strip();
            String value;
            try {
                value = written == null ? null : FioKeywords.replace(EnvExpander.expand(written, env), machine);
            } catch (ValueException e) {
                throw new JobFileException(where + ": bad value for '" + name + "': '" + written + "' (expected " + e.detail + ")");
            }
            if (name.isEmpty()) {
                throw new JobFileException(where + ": an option name is missing before '=': " + line);
            }
            if (!inGlobal && current == null) {
                throw new JobFileException(where + ": option '" + name + "' is outside of any [job] section");
            }
            String notice;
            try {
                notice = inGlobal ? table.apply(globalScratch, globalCtx, name, value)
                        : table.apply(current, currentCtx, name, value);
            } catch (OptionError e) {
                java.util.List<String> unset = written == null ? java.util.List.of() : EnvExpander.unset(written, env);
                throw new JobFileException(e.inFile(where) + (unset.isEmpty() ? ""
                        : " (written '" + written + "'; not set in the environment: " + String.join(", ", unset) + ")"));
            }
            if (inGlobal) {
                globals.add(new GlobalEntry(name, value, where));
            }
            if (notice != null) {
                notices.add(where + ": " + notice);
            }
        }

        private void include(String name, Path from, String where) {
            if (!inGlobal && current == null) {
                // fio too: what an include holds are options, and they need a section.
                throw new JobFileException(where + ": include is outside of any [job] section");
            }
            if (name.isEmpty()) {
                throw new JobFileException(where + ": include needs a file name");
            }
            Path named;
            try {
                named = Path.of(name);
            } catch (java.nio.file.InvalidPathException e) {
                // A NUL byte: no file can have that name. (fio's C string would end there; a name cut short is
                // more likely a corrupt file than what its author meant.)
                throw new JobFileException(where + ": include: not a file name: " + e.getReason());
            }
            Path parent = from.getParent();
            Path file = named.isAbsolute() || parent == null ? named : parent.resolve(named);
            Path key = file.toAbsolutePath().normalize();
            if (includes.contains(key)) {
                throw new JobFileException(where + ": include loop: " + file + " is already being read");
            }
            if (includes.size() > MAX_INCLUDE_DEPTH) {
                throw new JobFileException(where + ": includes nested more than " + MAX_INCLUDE_DEPTH + " deep");
            }
            String text;
            try {
                text = read(file, file.toString());
            } catch (JobFileException e) {
                throw new JobFileException(where + ": cannot include " + file + ": "
                        + (e.getCause() == null ? "no such file" : e.getCause().getMessage()), e);
            }
            includes.push(key);
            readFile(file, text, true);
            includes.pop();
        }
    }

    /** fio ends a line at the first ';' or '#', wherever it is. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ';' || c == '#') {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
