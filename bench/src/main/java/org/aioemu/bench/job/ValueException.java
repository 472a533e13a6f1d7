package org.aioemu.bench.job;

/**
 * Thrown by the value parsers, which know neither the option name nor where it was written; the job
 * file parser and the command line parser add both when they turn it into a {@link JobFileException}.
 */
final class ValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** BAD: the text is not what the option takes. UNSUPPORTED: fio takes it, aioemu does not run it. */
    enum Kind { BAD, UNSUPPORTED }

    final Kind kind;
    /** "expected ..." text for BAD, the reason for UNSUPPORTED. */
    final String detail;

    private ValueException(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
        this.detail = detail;
    }

    /** {@code detail} completes "(expected ...)" in the message. */
    static ValueException expected(String detail) {
        return new ValueException(Kind.BAD, detail);
    }

    /** {@code reason} completes "is not supported by aioemu (...)" in the message. */
    static ValueException unsupported(String reason) {
        return new ValueException(Kind.UNSUPPORTED, reason);
    }
}
