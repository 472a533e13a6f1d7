package org.aioemu.bench.iolog;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a fio version 3 iolog laid out as fio 3.33 writes it (fio's {@code write_iolog}):
 *
 * <pre>
 * fio version 3 iolog
 * 17 /tmp/f add
 * 166 /tmp/f open
 * 170 /tmp/f read 61440 4096
 * 158 /tmp/f sync 0 0
 * 876 /tmp/f close
 * </pre>
 *
 * Timestamps are microseconds since the writer was created (fio counts from the job's log start).
 * {@link #add}, {@link #open} and {@link #close(String)} stamp the current time; {@link #io} takes the
 * caller's time on the same clock: {@code System.nanoTime() - startNanos()}, or -1 for "now". fio writes
 * sync and datasync with the offset of the file's last I/O and length 0; the caller passes what it has.
 *
 * <p>Threading: confined to one owner thread (fio also writes one log per job from the job's thread). The
 * text goes through a buffer; write errors surface as {@link UncheckedIOException} at the call that
 * meets them, at the latest on {@link #close()}.
 */
public final class IologWriter implements Closeable {
    private final BufferedWriter out;
    private final long startNanos;
    private final StringBuilder line = new StringBuilder(128);

    /** Creates (or truncates) {@code out} and writes the version 3 header. */
    public IologWriter(Path out) throws IOException {
        this.out = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        this.startNanos = System.nanoTime();
        this.out.write(IologReader.V3_HEADER);
        this.out.write('\n');
    }

    /** The {@link System#nanoTime()} that timestamp 0 stands for. */
    public long startNanos() {
        return startNanos;
    }

    public void add(String file) {
        fileAction(-1, file, IologAction.ADD);
    }

    public void open(String file) {
        fileAction(-1, file, IologAction.OPEN);
    }

    public void close(String file) {
        fileAction(-1, file, IologAction.CLOSE);
    }

    /** As {@link #add(String)} with an explicit time (nanoseconds since {@link #startNanos()}, -1 = now). */
    public void add(long timeNanos, String file) {
        fileAction(timeNanos, file, IologAction.ADD);
    }

    public void open(long timeNanos, String file) {
        fileAction(timeNanos, file, IologAction.OPEN);
    }

    public void close(long timeNanos, String file) {
        fileAction(timeNanos, file, IologAction.CLOSE);
    }

    /**
     * One I/O: {@code action} is READ, WRITE, SYNC, DATASYNC or TRIM; {@code timeNanos} since
     * {@link #startNanos()}, or -1 for now.
     */
    public void io(long timeNanos, String file, IologAction action, long offset, long length) {
        if (action.isFileAction() || action == IologAction.WAIT) {
            throw new IllegalArgumentException(action + " is not an I/O action (version 3 has no wait)");
        }
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
        start(timeNanos, file, action).append(' ').append(offset).append(' ').append(length);
        emit();
    }

    private void fileAction(long timeNanos, String file, IologAction action) {
        start(timeNanos, file, action);
        emit();
    }

    private StringBuilder start(long timeNanos, String file, IologAction action) {
        if (!replayable(file)) {
            // fio reads the name with a whitespace-delimited scanf: such a name could not be replayed.
            throw new IllegalArgumentException("iolog file names cannot be empty or hold whitespace: '" + file + "'");
        }
        long nanos = timeNanos >= 0 ? timeNanos : Math.max(0, System.nanoTime() - startNanos);
        line.setLength(0);
        return line.append(nanos / 1000).append(' ').append(file).append(' ').append(action.fioName());
    }

    private static boolean replayable(String file) {
        if (file.isEmpty()) {
            return false;
        }
        for (int i = 0; i < file.length(); i++) {
            if (Character.isWhitespace(file.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void emit() {
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes buffered lines to the file. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
