package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
 * <p>Threading: confined to one owner thread (fio also writes one log per job from the job's thread).
 * Lines are buffered and formatted without garbage, so {@link #io} can sit on a completion path; write
 * errors surface as {@link UncheckedIOException} at the call that meets them, at the latest on
 * {@link #close()}.
 */
public final class IologWriter implements Closeable {
    private static final byte[][] WORDS = new byte[IologAction.values().length][];

    static {
        for (IologAction a : IologAction.values()) {
            WORDS[a.ordinal()] = a.fioName().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final LineOut out;
    private final long startNanos;
    /** File name -> its UTF-8, encoded once (a job has a handful of files and many I/Os). */
    private final Map<String, byte[]> names = new HashMap<>();

    /** Creates (or truncates) {@code out} and writes the version 3 header. */
    public IologWriter(Path out) throws IOException {
        this.out = new LineOut(out);
        this.startNanos = System.nanoTime();
        this.out.bytes(IologReader.V3_HEADER.getBytes(StandardCharsets.US_ASCII)).ch('\n');
    }

    /** The {@link System#nanoTime()} that timestamp 0 stands for. */
    public long startNanos() {
        return startNanos;
    }

    public void add(String file) {
        add(-1, file);
    }

    public void open(String file) {
        open(-1, file);
    }

    public void close(String file) {
        close(-1, file);
    }

    /** As {@link #add(String)} with an explicit time (nanoseconds since {@link #startNanos()}, -1 = now). */
    public void add(long timeNanos, String file) {
        start(timeNanos, file, IologAction.ADD).ch('\n');
    }

    public void open(long timeNanos, String file) {
        start(timeNanos, file, IologAction.OPEN).ch('\n');
    }

    public void close(long timeNanos, String file) {
        start(timeNanos, file, IologAction.CLOSE).ch('\n');
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
        start(timeNanos, file, action).ch(' ').num(offset).ch(' ').num(length).ch('\n');
    }

    private LineOut start(long timeNanos, String file, IologAction action) {
        byte[] name = names.get(file);
        if (name == null) {
            if (!replayable(file)) {
                // fio reads names with a whitespace-delimited scanf: such a name could not be replayed.
                throw new IllegalArgumentException("iolog file names cannot be empty or hold whitespace: '"
                        + file + "'");
            }
            name = file.getBytes(StandardCharsets.UTF_8);
            names.put(file, name);
        }
        long nanos = timeNanos >= 0 ? timeNanos : Math.max(0, System.nanoTime() - startNanos);
        return out.num(nanos / 1000).ch(' ').bytes(name).ch(' ').bytes(WORDS[action.ordinal()]);
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

    /** Pushes buffered lines to the file. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
