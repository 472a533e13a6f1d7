package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.aioemu.bench.iolog.BlktraceMerge;
import org.aioemu.bench.iolog.IologException;
import org.aioemu.bench.job.JobOptions;

/**
 * The trace a read_iolog job replays, as fio 3.33 chooses and shapes it: one name of a ':' list per numjobs
 * clone (clone i takes name i modulo their number), or all of them merged into merge_blktrace_file first; offsets
 * divided by replay_scale and aligned down to replay_align (a blktrace's lengths rounded up to it); and a blktrace's
 * own queue depth for a job that sets no iodepth. Runner thread, at job setup.
 */
final class ReplayTrace {
    private ReplayTrace() {
    }

    /** The clone's trace, shaped; sets {@code o.iodepth} from a blktrace when the job did not set it. */
    static Trace load(JobOptions o, int cloneIndex, TraceSource source) throws JobSetupException, IOException {
        List<String> names = JobFiles.splitNames(o.readIolog);
        if (names.isEmpty()) {
            throw new JobSetupException(o, "read_iolog names no file");
        }
        Path path;
        if (o.mergeBlktraceFile != null) {
            path = merge(o, names);
        } else {
            path = Path.of(names.get(cloneIndex % names.size()));
        }
        Trace t = source.read(path);
        if (t.depth() > 0 && !o.given.containsKey("iodepth")) {
            o.iodepth = t.depth();
        }
        return new Trace(shape(o, t), t.depth(), t.missingFiles(), t.alignLengths());
    }

    private static Path merge(JobOptions o, List<String> names) throws JobSetupException, IOException {
        int[] scalars = perTrace(o, o.mergeBlktraceScalars, 100, names.size(), "merge_blktrace_scalars");
        int[] iters = perTrace(o, o.mergeBlktraceIters, 1, names.size(), "merge_blktrace_iters");
        Path out = Path.of(o.mergeBlktraceFile);
        List<Path> inputs = new ArrayList<>();
        for (String n : names) {
            inputs.add(Path.of(n));
        }
        try {
            BlktraceMerge.merge(inputs, scalars, iters, out);
        } catch (IologException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    private static int[] perTrace(JobOptions o, int[] given, int fallback, int traces, String option)
            throws JobSetupException {
        if (given == null) {
            int[] all = new int[traces];
            Arrays.fill(all, fallback);
            return all;
        }
        if (given.length != traces) {
            throw new JobSetupException(o, option + " has " + given.length + " values for " + traces
                    + " traces in read_iolog (one per trace)");
        }
        return given.clone();
    }

    /** replay_scale and replay_align applied to every request's offset (and, for a blktrace, length). */
    static List<TraceOp> shape(JobOptions o, Trace t) {
        if (o.replayScale <= 1 && o.replayAlign == 0) {
            return t.ops();
        }
        long mask = o.replayAlign == 0 ? -1L : -(long) o.replayAlign;
        List<TraceOp> out = new ArrayList<>(t.ops().size());
        for (TraceOp op : t.ops()) {
            boolean io = op.action() == TraceAction.READ || op.action() == TraceAction.WRITE
                    || op.action() == TraceAction.TRIM;
            if (!io) {
                out.add(op);
                continue;
            }
            long offset = (o.replayScale > 1 ? op.offset() / o.replayScale : op.offset()) & mask;
            long length = t.alignLengths() && o.replayAlign != 0
                    ? (op.length() + o.replayAlign - 1) & mask : op.length();
            out.add(new TraceOp(op.timeNanos(), op.file(), op.action(), offset, length));
        }
        return out;
    }
}
