package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.iolog.Blktrace;
import org.aioemu.bench.iolog.BlktraceReader;
import org.aioemu.bench.iolog.BlktraceWriter;
import org.aioemu.bench.iolog.FioLogWriter;
import org.aioemu.bench.iolog.IologAction;
import org.aioemu.bench.iolog.IologEntry;
import org.aioemu.bench.iolog.IologException;
import org.aioemu.bench.iolog.IologReader;
import org.aioemu.bench.iolog.IologWriter;

/**
 * The runner's default trace and log components: fio iolog v2/v3 and blktrace binaries through the iolog
 * package's readers, v3 and blktrace through its writers, and fio's log files through {@link FioLogWriter}. Each sink is confined to the
 * thread the runner gives it, as the classes it wraps are.
 */
final class IologTraces {
    private IologTraces() {
    }

    /** A trace: a blktrace binary if it starts with blktrace's magic (as fio tells them apart), else a fio iolog. */
    static Trace read(Path path) throws IOException {
        if (Blktrace.probe(path) != null) {
            return readBlktrace(path, Path.of("/dev"));
        }
        return Trace.of(readIolog(path));
    }

    /**
     * A blktrace's requests, each on the device node under {@code devRoot} of the device it was recorded on; a
     * device with no node is named "blktrace device MAJOR,MINOR" and listed as missing.
     */
    static Trace readBlktrace(Path path, Path devRoot) throws IOException {
        BlktraceReader.Trace t;
        try {
            t = BlktraceReader.read(path, warning -> System.err.println("aioemu: " + warning));
        } catch (IologException e) {
            throw new IOException(e.getMessage(), e);
        }
        Map<Integer, String> names = new HashMap<>();
        List<String> missing = new ArrayList<>();
        List<TraceOp> ops = new ArrayList<>(t.ios().size());
        for (BlktraceReader.Io io : t.ios()) {
            String name = names.computeIfAbsent(io.device(), dev -> {
                Path node = DeviceNodes.find(devRoot, dev);
                if (node != null) {
                    return node.toString();
                }
                String placeholder = "blktrace device " + io.major() + "," + io.minor();
                missing.add(placeholder);
                return placeholder;
            });
            ops.add(new TraceOp(io.timeNanos(), name, TraceAction.valueOf(io.action().name()), io.offset(), io.length()));
        }
        return new Trace(ops, t.depth(), missing, true);
    }

    /** A fio iolog's operations; v2 waits are already folded into the times by the reader. */
    static List<TraceOp> readIolog(Path path) throws IOException {
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

    /**
     * write_blktrace: each request as a queue event when issued and a complete event when done, on the device its
     * file lives on (a block device's own number; a regular file's file system's), so that blkparse shows it
     * there and a replay without replay_redirect goes back to the same device. Offsets not on a 512-byte sector
     * are rounded down, with one notice at the end saying how many.
     */
    static TraceSink blktraceWriter(Path path, List<FileSpec> files, java.io.PrintStream notices) throws IOException {
        Map<String, Integer> devices = new HashMap<>();
        for (FileSpec f : files) {
            devices.put(f.name(), DeviceNodes.deviceOf(f.path()));
        }
        BlktraceWriter w = new BlktraceWriter(path, "aioemu");
        return new TraceSink() {
            @Override
            public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
                w.queue(timeNanos, devices.getOrDefault(file, 0), IologAction.valueOf(action.name()), offset, length);
            }

            @Override
            public void completed(long timeNanos, String file, TraceAction action, long offset, long length, int errno) {
                w.complete(timeNanos, devices.getOrDefault(file, 0), IologAction.valueOf(action.name()), offset, length,
                        errno);
            }

            @Override
            public void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("blktrace " + path + ": " + e.getMessage(), e);
                }
                if (w.inexactOffsets() > 0) {
                    notices.println("aioemu: write_blktrace " + path + ": " + w.inexactOffsets() + " events had offsets"
                            + " that are not a multiple of 512 bytes; blktrace counts in sectors, so they are recorded"
                            + " rounded down");
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
