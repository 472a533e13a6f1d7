package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.data.BufferFiller;
import org.aioemu.bench.data.Verifier;
import org.aioemu.bench.iolog.FioLogWriter;
import org.aioemu.bench.iolog.IologAction;
import org.aioemu.bench.iolog.IologEntry;
import org.aioemu.bench.iolog.IologException;
import org.aioemu.bench.iolog.IologReader;
import org.aioemu.bench.iolog.IologWriter;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.workload.DataFactory;
import org.aioemu.bench.workload.LogKind;
import org.aioemu.bench.workload.LogSink;
import org.aioemu.bench.workload.ReadChecker;
import org.aioemu.bench.workload.RunSettings;
import org.aioemu.bench.workload.TraceAction;
import org.aioemu.bench.workload.TraceOp;
import org.aioemu.bench.workload.TraceSink;
import org.aioemu.bench.workload.WriteDataSource;

/**
 * Plugs the data package (buffer contents, verification), the iolog package (fio traces) and fio's log
 * files into the workload runner's small interfaces. Each adapter is confined to the thread the runner
 * gives it, as the adapted classes are.
 */
final class Integration {
    private Integration() {
    }

    /** The runner's settings with aioemu's full data, trace and log components. */
    static RunSettings settings() {
        return RunSettings.defaults()
                .withData(new Data())
                .withTraceSource(Integration::readTrace)
                .withTraceSinks(TraceWriter::new)
                .withLogSinks(Integration::openLog);
    }

    /** BufferFiller for writes (Verifier when the job verifies); Verifier for reads that check. */
    private static final class Data implements DataFactory {
        @Override
        public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
            if (job.verify != JobOptions.Verify.NONE) {
                Verifier v = new Verifier(job, seed);
                return v::prepare;
            }
            BufferFiller filler = new BufferFiller(job, seed);
            // A slot's buffer may last have been read into when the job also reads: fill it afresh then;
            // a write-only job keeps its buffers and refills them as fio does (new data or a scramble).
            boolean mixed = job.rw.reads() || job.rw.trims();
            return mixed ? (buf, offset, length) -> filler.fill(buf, length) : new Refilling(filler);
        }

        @Override
        public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
            if (job.verify == JobOptions.Verify.NONE) {
                return null;
            }
            Verifier v = new Verifier(job, seed);
            return v::check;
        }
    }

    /** The first write of each buffer fills it; later ones refill (fio's refill_buffers/scramble_buffers). */
    private static final class Refilling implements WriteDataSource {
        private final BufferFiller filler;
        private final java.util.Set<MemorySegment> filled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Refilling(BufferFiller filler) {
            this.filler = filler;
        }

        @Override
        public void fill(MemorySegment buf, long offset, int length) {
            if (filled.add(buf)) {
                filler.fill(buf, length);
            } else {
                filler.refill(buf, length);
            }
        }
    }

    private static List<TraceOp> readTrace(Path path) throws IOException {
        List<IologEntry> entries;
        try {
            entries = IologReader.read(path, warning -> System.err.println("aioemu: " + warning));
        } catch (IologException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<TraceOp> ops = new ArrayList<>(entries.size());
        for (IologEntry e : entries) {
            ops.add(new TraceOp(Math.max(0, e.timeNanos()), e.file(), TraceAction.valueOf(e.action().name()),
                    Math.max(0, e.offset()), Math.max(0, e.length())));
        }
        return ops;
    }

    /** write_iolog through the iolog package's version 3 writer. */
    private static final class TraceWriter implements TraceSink {
        private final IologWriter writer;

        TraceWriter(Path path) throws IOException {
            this.writer = new IologWriter(path);
        }

        @Override
        public void add(String file) {
            writer.add(file);
        }

        @Override
        public void open(String file) {
            writer.open(file);
        }

        @Override
        public void close(String file) {
            writer.close(file);
        }

        @Override
        public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
            writer.io(timeNanos, file, IologAction.valueOf(action.name()), offset, length);
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The runner averages; each entry becomes one line of fio's log format. */
    private static LogSink openLog(Path file, LogKind kind) {
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
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }
}
