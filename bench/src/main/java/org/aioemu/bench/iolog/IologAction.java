package org.aioemu.bench.iolog;

import java.util.Locale;

/**
 * The actions of a fio iolog line. {@link #ADD}, {@link #OPEN} and {@link #CLOSE} manage files; the rest
 * are I/O on an open file. {@link #WAIT} exists only in version 2 (fio 3.33 ignores it in version 3,
 * where every line carries a timestamp instead).
 */
public enum IologAction {
    ADD, OPEN, CLOSE, READ, WRITE, SYNC, DATASYNC, TRIM, WAIT;

    /** The word fio writes and reads for this action ("add", "datasync", ...). */
    public String fioName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the file-management actions, which carry no offset and length. */
    public boolean isFileAction() {
        return this == ADD || this == OPEN || this == CLOSE;
    }

    /** The action for fio's word, or null when fio has no such action. */
    static IologAction ofFioName(String word) {
        return switch (word) {
            case "add" -> ADD;
            case "open" -> OPEN;
            case "close" -> CLOSE;
            case "read" -> READ;
            case "write" -> WRITE;
            case "sync" -> SYNC;
            case "datasync" -> DATASYNC;
            case "trim" -> TRIM;
            case "wait" -> WAIT;
            default -> null;
        };
    }
}
