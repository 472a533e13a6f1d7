package org.aioemu.bench.job;

/**
 * A problem with one {@code name=value}, before it is known where it was written; the job file parser and
 * the command line parser each render it in their own form ({@code jobs.fio:3: ...} or {@code --bs=4q: ...}).
 */
final class OptionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Neither aioemu's nor fio's; {@link #detail} is a suggestion or null. */
        UNKNOWN,
        /** A fio option that aioemu does not run. */
        UNSUPPORTED_OPTION,
        /** Written bare, but it needs a value. */
        MISSING_VALUE,
        /** {@link #detail} says what was expected. */
        BAD_VALUE,
        /** fio takes the value, aioemu does not; {@link #detail} says why or what it takes. */
        UNSUPPORTED_VALUE
    }

    final Kind kind;
    final String option;
    /** The value as written, null when bare. */
    final String value;
    final String detail;

    OptionError(Kind kind, String option, String value, String detail) {
        super(kind + " " + option, null, false, false);
        this.kind = kind;
        this.option = option;
        this.value = value;
        this.detail = detail;
    }

    /** The message for a job file line: {@code where} is "file:line". */
    String inFile(String where) {
        String v = value == null ? "" : value;
        return where + ": " + switch (kind) {
            case UNKNOWN -> "unknown option '" + option + "'" + (detail == null ? "" : "; did you mean '" + detail + "'?");
            case UNSUPPORTED_OPTION -> "fio option '" + option + "' is not supported by aioemu" + (detail == null ? "" : ": " + detail);
            case MISSING_VALUE -> "option '" + option + "' needs a value (" + option + "=...)";
            case BAD_VALUE -> "bad value for '" + option + "': '" + v + "' (expected " + detail + ")";
            case UNSUPPORTED_VALUE -> option + "=" + v + " is not supported by aioemu (" + detail + ")";
        };
    }

    /** The message for a command line argument, which is quoted as written. */
    String onCommandLine(String arg) {
        return arg + ": " + switch (kind) {
            case UNKNOWN -> "unknown option" + (detail == null ? "" : "; did you mean --" + detail + "?");
            case UNSUPPORTED_OPTION -> "fio option not supported by aioemu" + (detail == null ? "" : ": " + detail);
            case MISSING_VALUE -> "needs a value (--" + option + "=...)";
            case BAD_VALUE -> "bad value (expected " + detail + ")";
            case UNSUPPORTED_VALUE -> "not supported by aioemu (" + detail + ")";
        };
    }
}
