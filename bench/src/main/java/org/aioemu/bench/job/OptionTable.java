package org.aioemu.bench.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job language: every option aioemu takes, as a declarative table of {@link OptionSpec}s (name, fio's
 * aliases, kind, help, how it lands in {@link JobOptions}). Both the job file parser and
 * {@code aioemu bench}'s command line look options up here; {@link #options()} also feeds help output.
 *
 * <p>The rows live in {@link FileOptions}, {@link WorkloadOptions}, {@link DataOptions} and
 * {@link IgnoredOptions}; fio options in none of them are refused as unsupported (see
 * {@link FioOptionNames}), anything else as unknown, with a spelling suggestion.
 */
public final class OptionTable {
    private static final OptionTable STANDARD = build();

    private final List<OptionSpec> options;
    private final Map<String, OptionSpec> byName;

    private OptionTable(List<OptionSpec> options) {
        this.options = Collections.unmodifiableList(options);
        Map<String, OptionSpec> m = new HashMap<>();
        for (OptionSpec o : options) {
            for (String n : names(o)) {
                if (m.put(n, o) != null) {
                    throw new IllegalStateException("option name '" + n + "' is in the table twice");
                }
            }
        }
        this.byName = m;
    }

    /** The table aioemu uses. */
    public static OptionTable standard() {
        return STANDARD;
    }

    /** Every option, supported ones first, in the order of the help text. */
    public List<OptionSpec> options() {
        return options;
    }

    /** The option for a name or alias, matched exactly as fio does (case-sensitive). */
    public Optional<OptionSpec> find(String nameOrAlias) {
        return Optional.ofNullable(byName.get(nameOrAlias));
    }

    /**
     * The closest name or alias to a misspelt one by Levenshtein distance, or null when nothing is close
     * (at most a third of the word's length, and at least 1, edits away). Ties go to the earlier row.
     */
    public String suggest(String misspelt) {
        int limit = Math.max(1, misspelt.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec o : options) {
            for (String n : names(o)) {
                int d = levenshtein(misspelt, n);
                if (d <= limit && d < bestDistance) {
                    best = n;
                    bestDistance = d;
                }
            }
        }
        return best;
    }

    /**
     * Applies {@code name=value} ({@code value} null when bare) to the job and records it in
     * {@link JobOptions#given}. Returns a notice (without location) for an ignored option, else null.
     *
     * @throws OptionError for an unknown or unsupported option or a value the option does not take
     */
    String apply(JobOptions job, ApplyContext ctx, String name, String value) {
        OptionSpec spec = byName.get(name);
        if (spec == null) {
            if (FioOptionNames.contains(name)) {
                throw new OptionError(OptionError.Kind.UNSUPPORTED_OPTION, name, value, RefusedOptions.why(name));
            }
            throw new OptionError(OptionError.Kind.UNKNOWN, name, value, suggest(name));
        }
        if (value == null && !spec.valueOptional()) {
            throw new OptionError(OptionError.Kind.MISSING_VALUE, name, null, null);
        }
        try {
            if (value != null && value.isBlank() && spec.kind() != OptionSpec.Kind.IGNORED) {
                throw ValueException.expected("a value after '='");
            }
            spec.applier.apply(job, value, ctx);
        } catch (ValueException e) {
            OptionError.Kind kind = e.kind == ValueException.Kind.BAD
                    ? OptionError.Kind.BAD_VALUE : OptionError.Kind.UNSUPPORTED_VALUE;
            throw new OptionError(kind, name, value, e.detail);
        }
        // fio's JSON "job options" use the canonical name; ignored options keep the spelling used.
        job.given.put(spec.kind() == OptionSpec.Kind.IGNORED ? name : spec.name(), value == null ? "" : value);
        if (spec.kind() != OptionSpec.Kind.IGNORED) {
            return null;
        }
        String why = spec.help(); // "Only tunes fio internals; ignored" -> "option 'x' only tunes ..."
        return "option '" + name + "' " + Character.toLowerCase(why.charAt(0)) + why.substring(1);
    }

    private static List<String> names(OptionSpec o) {
        List<String> n = new ArrayList<>(1 + o.aliases().size());
        n.add(o.name());
        n.addAll(o.aliases());
        return n;
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static OptionTable build() {
        Builder b = new Builder();
        FileOptions.register(b);
        WorkloadOptions.register(b);
        DataOptions.register(b);
        ReplayOptions.register(b);
        ErrorOptions.register(b);
        IgnoredOptions.register(b);
        return new OptionTable(b.rows);
    }

    /** Collects rows; {@code names} is "name|alias|alias". */
    static final class Builder {
        private final List<OptionSpec> rows = new ArrayList<>();

        Builder add(String names, OptionSpec.Kind kind, String help, OptionSpec.Applier applier) {
            String[] n = names.split("\\|");
            rows.add(new OptionSpec(n[0], Arrays.asList(n).subList(1, n.length), kind, help, applier));
            return this;
        }
    }
}
