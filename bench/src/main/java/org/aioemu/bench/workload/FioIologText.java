package org.aioemu.bench.workload;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * fio's iolog text, versions 2 and 3, read and written by aioemu itself (the iolog package's reader and
 * writer may replace it through {@link TraceSource} and {@link TraceSinkFactory}).
 *
 * <p>Version 3 lines are {@code <time µs> <file> <action> [<offset> <length>]}. Version 2 lines have no
 * time; a {@code wait} line's number is taken, as fio 3.33 does, as absolute milliseconds since the start,
 * and sets the time of the lines after it.
 */
final class FioIologText {
    static final String V2 = "fio version 2 iolog";
    static final String V3 = "fio version 3 iolog";

    private FioIologText() {
    }

    static List<TraceOp> read(Path path) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            boolean v3;
            if (V3.equals(header == null ? null : header.strip())) {
                v3 = true;
            } else if (V2.equals(header == null ? null : header.strip())) {
                v3 = false;
            } else {
                throw new IOException(path + ":1: not a fio iolog (expected '" + V2 + "' or '" + V3 + "')");
            }
            List<TraceOp> ops = new ArrayList<>();
            long v2Time = 0;
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty()) {
                    continue;
                }
                String[] f = s.split("\\s+");
                try {
                    int i = 0;
                    long time = v3 ? Math.multiplyExact(Long.parseLong(f[i++]), 1000L) : v2Time;
                    String file = f[i++];
                    TraceAction action = action(f[i++]);
                    long off = 0;
                    long len = 0;
                    if (action == TraceAction.WAIT && !v3) {
                        v2Time = Math.multiplyExact(Long.parseLong(f[i]), 1_000_000L);
                        time = v2Time;
                    } else if (action == TraceAction.READ || action == TraceAction.WRITE || action == TraceAction.TRIM) {
                        off = Long.parseLong(f[i++]);
                        len = Long.parseLong(f[i]);
                    }
                    ops.add(new TraceOp(time, file, action, off, len));
                } catch (RuntimeException e) {
                    throw new IOException(path + ":" + lineNo + ": bad iolog line '" + s + "'"
                            + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""), e);
                }
            }
            return ops;
        }
    }

    private static TraceAction action(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "add" -> TraceAction.ADD;
            case "open" -> TraceAction.OPEN;
            case "close" -> TraceAction.CLOSE;
            case "read" -> TraceAction.READ;
            case "write" -> TraceAction.WRITE;
            case "sync" -> TraceAction.SYNC;
            case "datasync" -> TraceAction.DATASYNC;
            case "trim" -> TraceAction.TRIM;
            case "wait" -> TraceAction.WAIT;
            default -> throw new IllegalArgumentException("unknown action '" + word + "'");
        };
    }

    static TraceSink writer(Path path) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        w.write(V3);
        w.write('\n');
        return new Writer(w);
    }

    /** Version 3 writer. File events carry the time of the last operation written (0 at first). */
    private static final class Writer implements TraceSink {
        private final BufferedWriter out;
        private long lastMicros;

        Writer(BufferedWriter out) {
            this.out = out;
        }

        private void line(String s) {
            try {
                out.write(s);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("write_iolog: " + e.getMessage(), e);
            }
        }

        @Override
        public void add(String file) {
            line(lastMicros + " " + file + " add");
        }

        @Override
        public void open(String file) {
            line(lastMicros + " " + file + " open");
        }

        @Override
        public void close(String file) {
            line(lastMicros + " " + file + " close");
        }

        @Override
        public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
            lastMicros = Math.max(lastMicros, timeNanos / 1000);
            line(lastMicros + " " + file + " " + action.fioName() + " " + offset + " " + length);
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("write_iolog: " + e.getMessage(), e);
            }
        }
    }
}
