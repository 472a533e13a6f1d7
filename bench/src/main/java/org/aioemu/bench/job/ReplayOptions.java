package org.aioemu.bench.job;

import static org.aioemu.bench.job.OptionSpec.Kind.BOOL;
import static org.aioemu.bench.job.OptionSpec.Kind.INT;
import static org.aioemu.bench.job.OptionSpec.Kind.STRING;

import java.util.List;

/** Rows of the option table for recording and replaying traces: fio iologs and blktrace binaries. */
final class ReplayOptions {
    /** fio's FIO_IO_U_LIST_MAX_LEN: the most values a float list option takes. */
    private static final int MAX_LIST = 20;

    private ReplayOptions() {
    }

    static void register(OptionTable.Builder b) {
        b.add("read_iolog", STRING, "Replay this fio iolog or blktrace binary (a ':' list: one per numjobs clone)",
                (o, v, c) -> o.readIolog = v.trim());
        b.add("read_iolog_chunked", OptionSpec.Kind.IGNORED, "Reads the trace in parts; aioemu reads it whole before the"
                + " job starts, which replays the same requests; ignored", (o, v, c) -> {
                });
        b.add("write_iolog", STRING, "Record the job's I/O into this log", (o, v, c) -> o.writeIolog = v.trim());
        b.add("write_blktrace", STRING, "aioemu's own (not fio's): record the job's I/O as a blktrace binary"
                + " (queue and complete events; blkparse -i - reads it)", (o, v, c) -> o.writeBlktrace = v.trim());
        b.add("replay_time_scale", INT, "Replay at this percent of the trace's rate (default 100)",
                (o, v, c) -> o.replayTimeScale = c.integer(v, 1, Integer.MAX_VALUE));
        b.add("replay_skip", STRING, "Leave the trace's read, write, trim or sync requests out (a comma list)", (o, v, c) -> {
            java.util.Arrays.fill(o.replaySkip, false);
            for (String kind : v.split(",")) {
                int i = List.of("read", "write", "trim", "sync").indexOf(kind.trim());
                if (i < 0) {
                    throw ValueException.expected("a comma list of read, write, trim, sync (got '" + kind.trim() + "')");
                }
                o.replaySkip[i] = true;
            }
        });
        b.add("replay_no_stall", BOOL, "Replay an iolog as fast as possible", (o, v, c) -> o.replayNoStall = c.bool(v));
        b.add("replay_redirect", STRING, "Replay every request of the trace onto this one file or device",
                (o, v, c) -> o.replayRedirect = v.trim());
        b.add("replay_scale", INT, "Divide the trace's offsets by this (0 or 1: as recorded)",
                (o, v, c) -> o.replayScale = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("replay_align", INT, "Align the trace's offsets down to this power of 2 (a blktrace's lengths up)", (o, v, c) -> {
            int a = c.integer(v, 0, 1 << 30);
            if (a != 0 && Integer.bitCount(a) != 1) {
                throw ValueException.expected("a power of 2 (got " + a + ")");
            }
            o.replayAlign = a;
        });
        b.add("merge_blktrace_file", STRING, "Merge the read_iolog blktraces into this file by time, then replay it",
                (o, v, c) -> o.mergeBlktraceFile = v.trim());
        b.add("merge_blktrace_scalars", STRING, "Per merged trace (a ':' list): its time scaled to this percent",
                (o, v, c) -> o.mergeBlktraceScalars = floatList(v, 1));
        b.add("merge_blktrace_iters", STRING, "Per merged trace (a ':' list): how many times it is played",
                (o, v, c) -> o.mergeBlktraceIters = floatList(v, 1));
    }

    /** fio's float list: up to 20 numbers separated by ':', each taken as a whole number here, as fio's merge does. */
    static int[] floatList(String v, int min) {
        String[] parts = v.trim().split(":");
        if (parts.length > MAX_LIST) {
            throw ValueException.expected("at most " + MAX_LIST + " values separated by ':'");
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            double d;
            try {
                d = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw ValueException.expected("numbers separated by ':' (got '" + parts[i].trim() + "')");
            }
            if (!(d >= min) || d > Integer.MAX_VALUE) {
                throw ValueException.expected("numbers of at least " + min + " separated by ':' (got '" + parts[i].trim() + "')");
            }
            out[i] = (int) d;
        }
        return out;
    }
}
