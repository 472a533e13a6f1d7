package org.aioemu.bench.workload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/**
 * The files of a read_iolog job: every file the trace names, in order of first mention, at the path the
 * trace gives (under directory= when relative) — or all redirected to replay_redirect=, or to the job's single
 * filename=. Each must hold the trace's furthest byte; which directions the trace uses is noted. A trace that
 * names a device this machine lacks (a blktrace recorded elsewhere) runs only redirected, and a replay that
 * writes or trims a mounted device is refused unless allow_mounted_write. Runner thread.
 */
final class ReplayFiles {
    private ReplayFiles() {
    }

    static List<FileSpec> resolve(JobOptions o, Trace trace, boolean[] used) throws JobSetupException {
        List<TraceOp> ops = trace.ops();
        Map<String, long[]> extents = new LinkedHashMap<>();
        for (TraceOp op : ops) {
            if (op.file() == null || op.file().isEmpty()) {
                throw new JobSetupException(o, "read_iolog " + o.readIolog + ": an entry names no file");
            }
            long[] e = extents.computeIfAbsent(op.file(), k -> new long[1]);
            switch (op.action()) {
                case READ -> used[JobOptions.READ] = true;
                case WRITE -> used[JobOptions.WRITE] = true;
                case TRIM -> used[JobOptions.TRIM] = true;
                default -> {
                }
            }
            e[0] = Math.max(e[0], op.offset() + op.length());
        }
        if (extents.isEmpty()) {
            throw new JobSetupException(o, "read_iolog " + o.readIolog + " has no entries");
        }
        String redirect = o.replayRedirect != null && !o.replayRedirect.isBlank() ? o.replayRedirect
                : o.filename != null && !o.filename.isBlank() && JobFiles.splitNames(o.filename).size() == 1
                ? JobFiles.splitNames(o.filename).getFirst() : null;
        if (redirect == null && !trace.missingFiles().isEmpty()) {
            throw new JobSetupException(o, "read_iolog " + o.readIolog + " was recorded on "
                    + String.join(", ", trace.missingFiles()) + ", which has no node under /dev on this machine: name"
                    + " the file or device to replay it on with replay_redirect=");
        }
        String refused = MountedDevices.refusal(redirect != null ? List.of(redirect) : List.copyOf(extents.keySet()),
                used[JobOptions.WRITE] || used[JobOptions.TRIM], o.allowMountedWrite);
        if (refused != null) {
            throw new JobSetupException(o, "read_iolog " + o.readIolog + ": " + refused);
        }
        return extents.entrySet().stream().map(en -> {
            Path path = JobFiles.place(o, redirect != null ? redirect : en.getKey());
            long size = Math.max(1, en.getValue()[0]);
            long existing;
            try {
                existing = JobFiles.existingSize(path);
            } catch (JobSetupException ex) {
                existing = -1;
            }
            return new FileSpec(path, en.getKey(), 0, size, size, existing);
        }).toList();
    }

    static int maxLength(List<TraceOp> ops) {
        long max = 0;
        for (TraceOp op : ops) {
            max = Math.max(max, op.length());
        }
        if (max > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a trace entry of " + max + " bytes is larger than aioemu's 2 GiB request limit");
        }
        return (int) Math.max(1, max);
    }

    static Map<String, Integer> indexes(List<FileSpec> files) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            m.put(files.get(i).name(), i);
        }
        return m;
    }
}
