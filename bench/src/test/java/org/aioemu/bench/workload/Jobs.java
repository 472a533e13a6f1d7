package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.aioemu.aio.AioRequest;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.aio.RawIo;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** Test helpers: jobs with fio's defaults in a directory, runs, and a trace sink that keeps what was issued. */
final class Jobs {
    private Jobs() {
    }

    static JobOptions job(String name, Path dir) {
        JobOptions o = new JobOptions();
        o.name = name;
        o.directory = dir.toString();
        o.auxPath = dir.toString(); // verify state files beside the job's files, not in the module directory
        return o;
    }

    /**
     * Skips the test unless the file system under {@code dir} takes an aligned O_DIRECT write: tmpfs (before
     * Linux 6.6) and some overlay file systems refuse O_DIRECT with EINVAL, at open or at the first write.
     */
    static void assumeDirectIo(Path dir) {
        Path probe = dir.resolve("odirect-probe");
        try (Arena arena = Arena.ofConfined();
             FileHandle fh = FileHandle.open(probe, OpenOptions.readWrite().withCreateNew().withDirect());
             AioRequest req = new AioRequest()) {
            int r = RawIo.execute(req.prepareWrite(fh, 0, AlignedBuffers.allocate(arena, 4096)));
            Assumptions.assumeTrue(r == 4096, () -> "O_DIRECT writes fail on the file system of " + dir + ": "
                    + req.errorDetail());
        } catch (ErrnoException e) {
            Assumptions.abort("O_DIRECT is not supported by the file system of " + dir + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code @TempDir} directories under the module's target/ (a disk file system) rather than java.io.tmpdir. */
    static final class UnderTarget implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "junit");
        }
    }

    static JobStats run(JobOptions o) {
        return WorkloadRunner.run(List.of(o), RunSettings.defaults()).getFirst();
    }

    static List<JobStats> runAll(JobOptions... jobs) {
        return WorkloadRunner.run(List.of(jobs), RunSettings.defaults());
    }

    /** Runs a copy of {@code o} with write_iolog into a {@link Recording}, which is returned with the stats. */
    static Recorded record(JobOptions job) {
        Recording rec = new Recording();
        JobOptions o = job.copy();
        o.writeIolog = "recorded.iolog"; // never opened: the sink factory below hands out the recording
        RunSettings s = RunSettings.defaults().withTraceSinks(path -> rec);
        JobStats st = WorkloadRunner.run(List.of(o), s).getFirst();
        return new Recorded(st, rec.ops);
    }

    record Recorded(JobStats stats, List<TraceOp> ops) {
        List<TraceOp> of(TraceAction a) {
            return ops.stream().filter(op -> op.action() == a).toList();
        }
    }

    /** A TraceSink keeping every issued op (files are not recorded). */
    static final class Recording implements TraceSink {
        final List<TraceOp> ops = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
            ops.add(new TraceOp(timeNanos, file, action, offset, length));
        }

        @Override
        public void close() {
        }
    }
}
