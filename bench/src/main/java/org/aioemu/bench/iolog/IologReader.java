package org.aioemu.bench.iolog;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads fio's text iologs, versions 2 and 3 (fio 3.31 and later write only version 3; version 1 and
 * blktrace binaries are not read).
 *
 * <pre>
 * fio version 2 iolog              fio version 3 iolog
 * FILE add|open|close              USEC FILE add|open|close
 * FILE ACTION OFFSET LENGTH        USEC FILE ACTION OFFSET LENGTH
 * </pre>
 *
 * <p>The reader checks what fio 3.33 only trips over at run time (an I/O on a file never added is a
 * segfault there, on one added but not opened an assertion), so a bad trace fails before any I/O with
 * "FILE:LINE: message". It accepts what fio accepts otherwise: timestamps that go back, a repeated
 * {@code add} or {@code open}, and {@code wait} in version 3, which fio ignores with a warning and so do we
 * (see {@link #read(Path, Consumer)}). {@code sync} and {@code datasync} may leave out offset and length.
 * A trace cut mid-line (its writer killed by SIGKILL, which nothing can catch) is read up to its last whole line:
 * an unterminated last line that does not parse is ignored with a warning, as fio skips it.
 *
 * <p>Stateless: safe to call from any thread.
 */
public final class IologReader {
    static final String V2_HEADER = "fio version 2 iolog";
    static final String V3_HEADER = "fio version 3 iolog";
    /** The longest line accepted: an iolog line is a time, a file name, an action and two numbers. */
    static final int MAX_LINE_CHARS = 8192;

    private IologReader() {
    }

    /** Reads a version 2 or 3 iolog; see {@link IologEntry} for how times are given. */
    public static List<IologEntry> read(Path path) throws IologException {
        return read(path, warning -> { });
    }

    /** As {@link #read(Path)}, passing "FILE:LINE: ..." warnings (ignored lines) to {@code warnings}. */
    public static List<IologEntry> read(Path path, Consumer<String> warnings) throws IologException {
        // A decoder that replaces bad bytes rather than failing: file names are bytes on Linux.
        // Lines are bounded: the header of /dev/zero or of a binary file is refused after a few KiB.
        try (BoundedLineReader in = new BoundedLineReader(
                new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8), MAX_LINE_CHARS)) {
            return new Parser(path, warnings, endsCut(path)).parse(in);
        } catch (BoundedLineReader.TooLong e) {
            throw new IologException(path, (int) e.line(), e.line() == 1
                    ? "not a fio iolog: the first line is longer than " + MAX_LINE_CHARS + " characters (expected '"
                    + V2_HEADER + "' or '" + V3_HEADER + "')"
                    : "a line longer than " + MAX_LINE_CHARS + " characters: not a fio iolog line");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IologException(path, "cannot read: No such file or directory (ENOENT)", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IologException(path, "cannot read: Permission denied (EACCES)", e);
        } catch (IOException e) {
            throw new IologException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /** One pass over one file: the version, the files' states and v2's running deadline. */
    private static final class Parser {
        private final Path path;
        private final Consumer<String> warnings;
        private final List<IologEntry> entries = new ArrayList<>();
        /** File name -> open? (present = added). */
        private final Map<String, Boolean> files = new HashMap<>();
        private int version;
        private int lineNo;
        /** Version 2: the latest {@code wait} deadline, in nanoseconds since the start. */
        private long deadlineNanos;

        /** The file's last line has no newline: a trace whose writer was killed mid-line (SIGKILL, a crash). */
        private final boolean cut;

        Parser(Path path, Consumer<String> warnings, boolean cut) {
            this.path = path;
            this.warnings = warnings;
            this.cut = cut;
        }

        List<IologEntry> parse(BoundedLineReader in) throws IOException, IologException {
            String header = in.readLine();
            lineNo = 1;
            if (header == null) {
                throw error("empty file, expected '" + V2_HEADER + "' or '" + V3_HEADER + "'");
            }
            header = header.strip();
            if (header.equals(V2_HEADER)) {
                version = 2;
            } else if (header.equals(V3_HEADER)) {
                version = 3;
            } else {
                throw error("not a fio iolog: expected '" + V2_HEADER + "' or '" + V3_HEADER + "', got '"
                        + shorten(header) + "'");
            }
            // One line ahead, to know which line is the last.
            String next = in.readLine();
            while (next != null) {
                String line = next;
                next = in.readLine();
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                try {
                    parseLine(trimmed.split("\\s+"));
                } catch (IologException e) {
                    if (next != null || !cut) {
                        throw e;
                    }
                    // fio skips it too ("bad iolog3: ..."): what the trace holds up to it is replayed.
                    warnings.accept(path + ":" + lineNo + ": the last line is cut short (no newline; was the writer"
                            + " killed?): ignored: '" + shorten(trimmed) + "'");
                }
            }
            return entries;
        }

        private void parseLine(String[] f) throws IologException {
            int first = version == 3 ? 1 : 0;
            int fields = f.length - first;
            if (fields != 2 && fields != 4) {
                throw error("expected '" + (version == 3 ? "TIMESTAMP " : "") + "FILE ACTION [OFFSET LENGTH]', got "
                        + f.length + " fields");
            }
            long time = version == 3 ? usecToNanos(f[0]) : deadlineNanos;
            String file = f[first];
            IologAction action = IologAction.ofFioName(f[first + 1]);
            if (action == null) {
                throw error("unknown action '" + shorten(f[first + 1])
                        + "' (fio knows add, open, close, read, write, sync, datasync, trim, wait)");
            }
            long offset = fields == 4 ? number(f[first + 2], "offset") : 0;
            long length = fields == 4 ? number(f[first + 3], "length") : 0;
            if (action.isFileAction()) {
                if (fields == 4) {
                    throw error("'" + action.fioName() + "' takes no offset and length");
                }
                fileAction(time, file, action);
                return;
            }
            if (fields == 2 && action != IologAction.SYNC && action != IologAction.DATASYNC) {
                throw error("'" + action.fioName() + "' needs an offset and a length");
            }
            if (action == IologAction.WAIT) {
                waitAction(offset, length);
                return;
            }
            Boolean open = files.get(file);
            if (open == null) {
                throw error(action.fioName() + " on " + file + ", which was never added");
            }
            if (!open) {
                throw error(action.fioName() + " on " + file + ", which is not open");
            }
            entries.add(new IologEntry(time, file, action, offset, length));
        }

        private void fileAction(long time, String file, IologAction action) throws IologException {
            Boolean open = files.get(file);
            switch (action) {
                case ADD -> files.putIfAbsent(file, Boolean.FALSE);
                case OPEN -> {
                    if (open == null) {
                        throw error("open of " + file + ", which was never added");
                    }
                    files.put(file, Boolean.TRUE);
                }
                default -> {
                    if (open == null) {
                        throw error("close of " + file + ", which was never added");
                    }
                    if (!open) {
                        throw error("close of " + file + ", which is not open");
                    }
                    files.put(file, Boolean.FALSE);
                }
            }
            entries.add(new IologEntry(time, file, action, 0, 0));
        }

        private void waitAction(long value, long length) throws IologException {
            if (version == 3) {
                // fio 3.33: "iolog: ignoring wait command with version 3"; the timestamps carry the timing.
                warnings.accept(path + ":" + lineNo + ": wait is ignored in version 3 (timestamps give the timing)");
                return;
            }
            // fio 3.33 takes the value as milliseconds since it started: measured, see IologEntry.
            if (value > Long.MAX_VALUE / 1_000_000) {
                throw error("wait " + value + " is too large");
            }
            deadlineNanos = Math.max(deadlineNanos, value * 1_000_000);
            entries.add(new IologEntry(deadlineNanos, null, IologAction.WAIT, value, length));
        }

        private long usecToNanos(String s) throws IologException {
            long usec = number(s, "timestamp");
            if (usec > Long.MAX_VALUE / 1000) {
                throw error("timestamp " + s + " is too large");
            }
            return usec * 1000;
        }

        /** An unsigned decimal, as fio's %llu reads it (no sign, no hex). */
        private long number(String s, String what) throws IologException {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    throw error("bad " + what + " '" + shorten(s) + "': not an unsigned decimal number");
                }
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw error("bad " + what + " '" + shorten(s) + "': too large");
            }
        }

        private IologException error(String message) {
            return new IologException(path, lineNo, message);
        }
    }

    /**
     * Whether a regular file ends without a newline. A last line that is complete but unterminated (a hand-written
     * trace) still parses and is kept, as in fio; only one that does not parse is forgiven for being cut.
     */
    private static boolean endsCut(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return false; // a pipe cannot be looked at twice
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** At most 60 characters of {@code s}, control characters escaped so NULs and escapes reach no terminal. */
    private static String shorten(String s) {
        return org.aioemu.bench.job.Printable.escape(s.length() <= 60 ? s : s.substring(0, 57) + "...");
    }
}
