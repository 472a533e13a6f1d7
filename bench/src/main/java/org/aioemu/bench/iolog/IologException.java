package org.aioemu.bench.iolog;

import java.nio.file.Path;

/** A fio iolog that cannot be used; the message reads "FILE:LINE: what is wrong". */
public final class IologException extends Exception {
    private final transient Path file;
    private final int line;

    IologException(Path file, int line, String message) {
        super(file + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    IologException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
        this.line = 0;
    }

    /** The iolog the error is in. */
    public Path file() {
        return file;
    }

    /** 1-based line of the error, or 0 when the file could not be read at all. */
    public int line() {
        return line;
    }
}
