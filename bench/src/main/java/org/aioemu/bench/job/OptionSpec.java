package org.aioemu.bench.job;

import java.util.List;

/**
 * One option of the job language: its fio name, fio's aliases, the kind of value it takes, a one-line
 * help text, and (package-private) how a value lands in {@link JobOptions}. Immutable.
 */
public final class OptionSpec {
    /** What an option takes; the kinds marked "bare ok" may be written without {@code =value}. */
    public enum Kind {
        /** 0/1 (also true/false, yes/no, on/off); bare ok, meaning 1. */
        BOOL,
        /** An integer, fio's suffixes allowed ({@code 1k}). */
        INT,
        /** Bytes: {@code 4k}, {@code 1g}, {@code 0x1000}. */
        SIZE,
        /** Bytes or a percentage of the file ({@code 20%}). */
        SIZE_OR_PERCENT,
        /** {@code low-high}. */
        RANGE,
        /** Up to three comma-separated values for read, write, trim. */
        PER_DIRECTION,
        /** A time with a unit suffix. */
        TIME,
        /** One of a fixed set of words. */
        CHOICE,
        /** Free text (a name, a path). */
        STRING,
        /** Free text; bare ok (a log prefix that defaults to the job name). */
        OPTIONAL_STRING,
        /** A byte pattern: 0x hex, decimal, "text". */
        PATTERN,
        /** Accepted and ignored with a notice: it only tunes fio's internals. */
        IGNORED
    }

    /** Sets the parsed value into the job; throws {@link ValueException} for a value it cannot take. */
    @FunctionalInterface
    interface Applier {
        void apply(JobOptions job, String value, ApplyContext ctx);
    }

    private final String name;
    private final List<String> aliases;
    private final Kind kind;
    private final String help;
    final Applier applier;

    OptionSpec(String name, List<String> aliases, Kind kind, String help, Applier applier) {
        this.name = name;
        this.aliases = List.copyOf(aliases);
        this.kind = kind;
        this.help = help;
        this.applier = applier;
    }

    /** fio's name for the option; the key of {@link JobOptions#given}. */
    public String name() {
        return name;
    }

    /** fio's other spellings ({@code blocksize} for {@code bs}). */
    public List<String> aliases() {
        return aliases;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    /** True when the option may be written bare, without {@code =value}. */
    public boolean valueOptional() {
        return kind == Kind.BOOL || kind == Kind.OPTIONAL_STRING || kind == Kind.IGNORED;
    }

    @Override
    public String toString() {
        return name + (aliases.isEmpty() ? "" : " " + aliases) + " (" + kind + "): " + help;
    }
}
