package org.aioemu.bench.job;

import static org.aioemu.bench.job.OptionSpec.Kind.BOOL;
import static org.aioemu.bench.job.OptionSpec.Kind.CHOICE;
import static org.aioemu.bench.job.OptionSpec.Kind.INT;
import static org.aioemu.bench.job.OptionSpec.Kind.OPTIONAL_STRING;
import static org.aioemu.bench.job.OptionSpec.Kind.PATTERN;
import static org.aioemu.bench.job.OptionSpec.Kind.SIZE;
import static org.aioemu.bench.job.OptionSpec.Kind.STRING;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.aioemu.bench.job.JobOptions.Verify;

/** Rows of the option table for durability, buffer contents, verification and result logs. */
final class DataOptions {
    private static final Map<String, Boolean> SYNC = new LinkedHashMap<>();
    private static final Map<String, Verify> VERIFY = new LinkedHashMap<>();
    /** fio's other verify= methods: it checks them, aioemu does not. */
    private static final Set<String> FIO_VERIFY = Set.of("crc64", "crc32", "crc16", "crc7", "sha1", "sha256",
            "sha512", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "xxhash");

    static {
        SYNC.put("none", false);
        SYNC.put("0", false);
        SYNC.put("sync", true);
        SYNC.put("1", true);
        SYNC.put("dsync", true); // O_DSYNC; the others open with O_SYNC, as fio does
        VERIFY.put("crc32c", Verify.CRC32C);
        VERIFY.put("crc32c-intel", Verify.CRC32C); // fio's name for the same checksum done in hardware
        VERIFY.put("md5", Verify.MD5);
        VERIFY.put("pattern", Verify.PATTERN);
        VERIFY.put("meta", Verify.META); // a header (offset, length) and no checksum of the data
        VERIFY.put("0", Verify.NONE);
        VERIFY.put("null", Verify.NONE); // fio's "pretend to verify"
        VERIFY.put("none", Verify.NONE); // not fio's; taken because it reads as what it means
    }

    private DataOptions() {
    }

    static void register(OptionTable.Builder b) {
        b.add("direct", BOOL, "O_DIRECT: bypass the page cache", (o, v, c) -> o.direct = c.bool(v));
        b.add("buffered", BOOL, "The opposite of direct", (o, v, c) -> o.direct = !c.bool(v));
        b.add("sync", CHOICE, "Synchronous writes: none/0, sync/1 (O_SYNC), dsync (O_DSYNC)", (o, v, c) -> {
            Boolean s = SYNC.get(v.trim());
            o.sync = s != null ? s : c.bool(v); // also true/false..., as every aioemu boolean
            o.dsyncOnly = o.sync && v.trim().equals("dsync");
        });
        b.add("fsync", INT, "fsync after every N writes (0: never)", (o, v, c) -> o.fsync = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("fdatasync", INT, "fdatasync after every N writes (0: never)",
                (o, v, c) -> o.fdatasync = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("sync_file_range", STRING, "sync_file_range(2) every N writes over the range written since the last:"
                + " FLAGS:N, FLAGS a comma list of wait_before, write, wait_after", DataOptions::syncFileRange);
        b.add("end_fsync", BOOL, "fsync when the write phase ends", (o, v, c) -> o.endFsync = c.bool(v));
        b.add("fsync_on_close", BOOL, "fsync a file when closing it", (o, v, c) -> o.fsyncOnClose = c.bool(v));
        b.add("zero_buffers", BOOL, "Write zeros", (o, v, c) -> o.zeroBuffers = c.bool(v));
        b.add("refill_buffers", BOOL, "New buffer contents on every write", (o, v, c) -> o.refillBuffers = c.bool(v));
        b.add("scramble_buffers", BOOL, "Slightly vary buffers to defeat dedupe", (o, v, c) -> o.scrambleBuffers = c.bool(v));
        b.add("buffer_compress_percentage", INT, "How compressible written data is, in percent",
                (o, v, c) -> o.bufferCompressPercentage = c.integer(v, 0, 100));
        b.add("percentile_list", STRING, "The latency percentiles reported, ':'-separated (fio's default: 1:5:10:...:99.99)",
                (o, v, c) -> {
                    o.percentileList = ReportOptions.percentiles(v);
                    o.percentilePrecision = ReportOptions.precision(v);
                });
        b.add("unified_rw_reporting", CHOICE, "Report reads, writes and trims as one \"mixed\" direction (mixed/1), as"
                + " well as apart (both/2), or apart only (none/0, the default)", (o, v, c) -> o.unifiedRwReporting =
                ApplyContext.choice(v, Map.of("none", 0, "0", 0, "mixed", 1, "1", 1, "both", 2, "2", 2)));
        b.add("significant_figures", INT, "Digits the normal output gives IOPS and bandwidth (1 to 10, default 4)",
                (o, v, c) -> o.significantFigures = c.integer(v, 1, 10));
        b.add("clat_percentiles", BOOL, "Report completion latency percentiles (default on)",
                (o, v, c) -> o.clatPercentiles = c.bool(v));
        b.add("lat_percentiles", BOOL, "Report total latency percentiles", (o, v, c) -> o.latPercentiles = c.bool(v));
        b.add("slat_percentiles", BOOL, "Report submission latency percentiles", (o, v, c) -> o.slatPercentiles = c.bool(v));
        b.add("dedupe_percentage", INT, "This share of written buffers, in percent, copies an earlier one (turns refill_buffers on)",
                (o, v, c) -> o.dedupePercentage = c.integer(v, 0, 100));
        b.add("dedupe_mode", CHOICE, "How dedupe copies are chosen: repeat (the previous new buffer) or working_set",
                (o, v, c) -> o.dedupeWorkingSet = ApplyContext.choice(v, Map.of("repeat", false, "working_set", true)));
        b.add("dedupe_working_set_percentage", INT, "working_set: copies come from the first size x this percent new buffers"
                + " (default 5)", (o, v, c) -> o.dedupeWorkingSetPercentage = c.integer(v, 0, 100));
        b.add("dedupe_global", BOOL, "Jobs that set it draw working_set copies from one shared set",
                (o, v, c) -> o.dedupeGlobal = c.bool(v));
        b.add("buffer_compress_chunk", SIZE, "The unit of buffer_compress_percentage: each this many bytes are random,"
                + " then fixed (default 512)", (o, v, c) -> o.bufferCompressChunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, c.size(v))));
        b.add("buffer_pattern", PATTERN, "Fill buffers with 0x hex, decimal or \"text\"",
                (o, v, c) -> o.bufferPattern = FioPattern.parse(v));
        b.add("verify", CHOICE, "Check written data: crc32c, md5, meta, pattern; 0 or null for none", (o, v, c) -> {
            if (FIO_VERIFY.contains(v.trim())) {
                throw ValueException.unsupported("aioemu verifies with " + String.join(", ", VERIFY.keySet()));
            }
            o.verify = ApplyContext.choice(v, VERIFY);
        });
        b.add("verify_pattern", PATTERN, "Pattern written and checked with verify=pattern",
                (o, v, c) -> o.verifyPattern = FioPattern.parse(v));
        b.add("verify_interval", SIZE, "A verify header every this many bytes of a block (default: one per block)",
                (o, v, c) -> o.verifyInterval = (int) Math.min(Integer.MAX_VALUE, c.size(v)));
        b.add("verify_offset", SIZE, "Store each block's verify header at this offset in it, swapped with the data"
                + " there (swapped back before checking)", (o, v, c) -> o.verifyOffset = (int) Math.min(Integer.MAX_VALUE, c.size(v)));
        b.add("verify_fatal", BOOL, "Stop at the first verify failure", (o, v, c) -> o.verifyFatal = c.bool(v));
        b.add("trim_percentage", INT, "With verify and trim_backlog: this share of written blocks is trimmed later",
                (o, v, c) -> o.trimPercentage = c.integer(v, 0, 100));
        b.add("trim_backlog", INT, "Trim the chosen written blocks after every this many writes",
                (o, v, c) -> o.trimBacklog = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("trim_backlog_batch", INT, "How many blocks each trim_backlog round trims (default: trim_backlog)",
                (o, v, c) -> o.trimBacklogBatch = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("trim_verify_zero", BOOL, "The verify phase reads trimmed blocks back as zeroes (default on; off: skips them)",
                (o, v, c) -> o.trimVerifyZero = c.bool(v));
        b.add("verify_only", BOOL, "Write nothing: read back and check what an earlier run of the same job wrote",
                (o, v, c) -> o.verifyOnly = c.bool(v));
        b.add("verify_backlog", INT, "Read back every N completed writes while writing (the verify phase does the rest)",
                (o, v, c) -> o.verifyBacklog = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("verify_backlog_batch", INT, "How many writes each verify_backlog read-back covers (default: verify_backlog)",
                (o, v, c) -> o.verifyBacklogBatch = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("verify_dump", OptionSpec.Kind.IGNORED, "Dumps a failed block's expected and read data to files; aioemu"
                + " reports the failure (offset, what differs) without the dump files; ignored", (o, v, c) -> {
                });
        b.add("experimental_verify", OptionSpec.Kind.IGNORED, "Has fio verify by replaying its random offsets instead of"
                + " from a log; aioemu always verifies from its log of completed writes, which checks the same blocks;"
                + " ignored", (o, v, c) -> {
                });
        b.add("verify_state_save", BOOL, "A verifying write job saves how far it got, local-JOB-N-verify.state in the"
                + " current directory or --aux-path, in fio's format (default on)", (o, v, c) -> o.verifyStateSave = c.bool(v));
        b.add("verify_state_load", BOOL, "verify_only checks only the writes the saved state says were issued and, of the"
                + " last iodepth, completed", (o, v, c) -> o.verifyStateLoad = c.bool(v));
        b.add("do_verify", BOOL, "Run the verify phase after writing", (o, v, c) -> o.doVerify = c.bool(v));
        // Bare, a log option means fio's default prefix, the job name: finish() fills it in.
        b.add("write_bw_log", OPTIONAL_STRING, "Log bandwidth to PREFIX_bw.N.log",
                (o, v, c) -> o.writeBwLog = v == null ? "" : v.trim());
        b.add("write_lat_log", OPTIONAL_STRING, "Log latencies to PREFIX_{lat,slat,clat}.N.log",
                (o, v, c) -> o.writeLatLog = v == null ? "" : v.trim());
        b.add("write_iops_log", OPTIONAL_STRING, "Log IOPS to PREFIX_iops.N.log",
                (o, v, c) -> o.writeIopsLog = v == null ? "" : v.trim());
        b.add("write_hist_log", OPTIONAL_STRING, "Log completion latency histograms (fio's plat bins) to"
                + " PREFIX_clat_hist.N.log, one line per direction every log_hist_msec",
                (o, v, c) -> o.writeHistLog = v == null ? "" : v.trim());
        b.add("log_hist_msec", INT, "The histogram log's window in milliseconds (0: write_hist_log's file stays empty)",
                (o, v, c) -> o.logHistMsec = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("log_hist_coarseness", INT, "Sum 2^N adjacent bins per histogram log column (0: all 1856, 6: 29)",
                (o, v, c) -> o.logHistCoarseness = c.integer(v, 0, 6));
        b.add("log_avg_msec", INT, "Average log entries over this many milliseconds",
                (o, v, c) -> o.logAvgMsec = c.integer(v, 0, Integer.MAX_VALUE));
    }

    /**
     * What is left once all options are in: a bare log option takes the job name as its prefix, as fio
     * names the files after the job.
     */
    static void finish(JobOptions o) {
        if (o.name != null) {
            o.writeBwLog = "".equals(o.writeBwLog) ? o.name : o.writeBwLog;
            o.writeLatLog = "".equals(o.writeLatLog) ? o.name : o.writeLatLog;
            o.writeHistLog = "".equals(o.writeHistLog) ? o.name : o.writeHistLog;
            o.writeIopsLog = "".equals(o.writeIopsLog) ? o.name : o.writeIopsLog;
        }
    }

    /** fio's {@code sync_file_range=wait_before,write:8}: the flags, then after a colon how many writes apart. */
    private static void syncFileRange(JobOptions o, String v, ApplyContext c) throws ValueException {
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw ValueException.expected("FLAGS:N, e.g. write:8 or wait_before,write,wait_after:16");
        }
        int flags = 0;
        for (String word : v.substring(0, colon).split(",")) {
            flags |= switch (word.strip()) {
                case "wait_before" -> org.aioemu.aio.AioRequest.SYNC_RANGE_WAIT_BEFORE;
                case "write" -> org.aioemu.aio.AioRequest.SYNC_RANGE_WRITE;
                case "wait_after" -> org.aioemu.aio.AioRequest.SYNC_RANGE_WAIT_AFTER;
                default -> throw ValueException.expected("flags from wait_before, write and wait_after, not '" + word.strip() + "'");
            };
        }
        o.syncFileRange = c.integer(v.substring(colon + 1), 1, Integer.MAX_VALUE);
        o.syncFileRangeFlags = flags;
    }
}
