package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.iolog.FioLogWriter;
import org.aioemu.bench.iolog.IologAction;
import org.aioemu.bench.iolog.IologEntry;
import org.aioemu.bench.iolog.IologException;
import org.aioemu.bench.iolog.IologReader;
import org.aioemu.bench.iolog.IologWriter;

/**
 * The runner's default trace and log components: fio iolog v2/v3 through the iolog package's reader,
 * v3 through its writer, and fio's log files through {@link FioLogWriter}. Each sink is confined to the
 * thread the runner gives it, as the classes it wraps are.
 */
final class IologTraces {
    private IologTraces() {
    }

    /** A trace's operations; v2 waits are already folded into the times by the reader. */
    static List<TraceOp> read(Path path) throws IOException {
        List<IologEntry> entries;
        try {
            entries = IologReader.read(path, warning -> System.err.println("aioemu: " + warning));
        } catch (IologException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<TraceOp> ops = new ArrayList<>(entries.size());
        for (IologEntry e : entries) {
            if (e.action() == IologAction.WAIT) {
                continue; // the reader has already turned v2 waits into the times of the entries after them
            }
            boolean io = e.action() == IologAction.READ || e.action() == IologAction.WRITE || e.action() == IologAction.TRIM;
            ops.add(new TraceOp(Math.max(0, e.timeNanos()), e.file(), TraceAction.valueOf(e.action().name()),
                    io ? e.offset() : 0, io ? e.length() : 0));
        }
        return ops;
    }

    /** write_iolog: fio's version 3 format. */
    static TraceSink writer(Path path) throws IOException {
        IologWriter w = new IologWriter(path);
        return new TraceSink() {
            @Override
            public void add(String file) {
                w.add(file);
            }

            @Override
            public void open(String file) {
                w.open(file);
            }

            @Override
            public void close(String file) {
                w.close(file);
            }

            @Override
            public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
                w.io(timeNanos, file, IologAction.valueOf(action.name()), offset, length);
            }

            @Override
            public void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("iolog " + path + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** One fio log file; the runner does the windowing, so each entry is written as one line. */
    static LogSink openLog(Path file, LogKind kind) {
        FioLogWriter w = FioLogWriter.open(file, 0);
        return new LogSink() {
            @Override
            public void entry(long timeMillis, long value, int ddir, long blockSize, long offset) {
                w.sample(timeMillis, value, ddir, (int) blockSize, offset);
            }

            @Override
            public void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("log " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
