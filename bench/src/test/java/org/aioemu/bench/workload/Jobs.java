package org.aioemu.bench.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;

/** Test helpers: jobs with fio's defaults in a directory, runs, and a trace sink that keeps what was issued. */
final class Jobs {
    private Jobs() {
    }

    static JobOptions job(String name, Path dir) {
        JobOptions o = new JobOptions();
        o.name = name;
        o.directory = dir.toString();
        return o;
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
        public void add(String file) {
        }

        @Override
        public void open(String file) {
        }

        @Override
        public void close(String file) {
        }

        @Override
        public void io(long timeNanos, String file, TraceAction action, long offset, long length) {
            ops.add(new TraceOp(timeNanos, file, action, offset, length));
        }

        @Override
        public void close() {
        }
    }
}
