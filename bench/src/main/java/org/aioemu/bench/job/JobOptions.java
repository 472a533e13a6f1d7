package org.aioemu.bench.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fio job, resolved: every option the job language knows, typed, with fio's defaults. The parser
 * ({@code [global]} merged under each job section, or {@code aioemu bench}'s command line) fills it;
 * the workload runner and the report writers read it.
 *
 * <p>Per-direction values are arrays indexed by {@link #READ}, {@link #WRITE}, {@link #TRIM}, as fio
 * takes {@code bs=4k,8k,16k} (read, write, trim; a missing one repeats the last given).
 *
 * <p>Threading: built on one thread, then only read; the runner treats it as immutable.
 */
public final class JobOptions {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int TRIM = 2;
    /** Classes of error, as fio's continue_on_error bits: a failed read, write (trims and syncs too), verify. */
    public static final int ERRORS_READ = 1;
    public static final int ERRORS_WRITE = 2;
    public static final int ERRORS_VERIFY = 4;
    public static final int ERRORS_ALL = 7;

    /** fio's rw= modes. */
    public enum RwMode {
        READ("read", false), WRITE("write", false), TRIM("trim", false),
        RANDREAD("randread", true), RANDWRITE("randwrite", true), RANDTRIM("randtrim", true),
        RW("rw", false), RANDRW("randrw", true), TRIMWRITE("trimwrite", false);

        public final String fioName;
        public final boolean random;

        RwMode(String fioName, boolean random) {
            this.fioName = fioName;
            this.random = random;
        }

        public boolean reads() {
            return this == READ || this == RANDREAD || this == RW || this == RANDRW;
        }

        public boolean writes() {
            return this == WRITE || this == RANDWRITE || this == RW || this == RANDRW || this == TRIMWRITE;
        }

        public boolean trims() {
            return this == TRIM || this == RANDTRIM || this == TRIMWRITE;
        }
    }

    /** fio's random_distribution= kinds; the parameter (θ, h, σ) is in {@link #randomDistributionParam}. */
    public enum Distribution { RANDOM, ZIPF, PARETO, NORMAL, GAUSS, ZONED }

    /** fio's verify= kinds that aioemu checks. */
    public enum Verify { NONE, CRC32C, MD5, PATTERN, META }

    /** One {@code bssplit} entry: a block size and its share in percent. */
    public record BsSplit(int blockSize, int percent) {
    }

    // --- identity and where it came from ------------------------------------------------------
    /** Section name ({@code [name]}) or {@code name=}. */
    public String name;
    /** {@code file:line} of the section header, or "command line". */
    public String source = "command line";
    /** Options as written (after [global] merge), name -> raw value, for fio's JSON "job options". */
    public final Map<String, String> given = new LinkedHashMap<>();
    /** Position among all jobs, 0-based (fio's job number). */
    public int index;
    /** How many jobs (clones included) the run has; set with {@link #index}. */
    public int jobsInRun = 1;

    // --- files ---------------------------------------------------------------------------------
    /** {@code filename=}: one or more names separated by ':' ({@code \:} escapes), or null. */
    public String filename;
    public String directory;
    /** Total bytes of I/O region per job ({@code size=}); 0 = unset (fio then uses the file's size). */
    public long size;
    /** fio's fill_device: write until ENOSPC/EDQUOT, which ends the job without error; no size means the free space. */
    public boolean fillDevice;
    /** {@code size=N%}: percent of the file's size; 0 = unset. */
    public int sizePercent;
    /** {@code filesize=} low and high (a range picks per file); 0 = unset. */
    public long filesizeLow;
    public long filesizeHigh;
    public long offset;
    /** {@code offset=N%}; 0 = unset. */
    public int offsetPercent;
    /** {@code io_size=} / {@code io_limit=}: bytes to transfer; 0 = {@code size}. */
    public long ioSize;
    public int nrfiles = 1;
    public boolean createOnOpen;
    /** {@code fallocate=}: none, native, posix, keep, truncate (fio's default posix). */
    public String fallocate = "posix";
    public boolean unlink;
    /** fio's unlink_each_loop: between loops the files are removed, and the next loop opens them afresh. */
    public boolean unlinkEachLoop;

    // --- the workload ----------------------------------------------------------------------------
    public RwMode rw = RwMode.READ;
    /** The {@code :N} of {@code rw=randread:8}: issue N ops per new offset (random) / skip N bytes (sequential). */
    public long rwSequencer;
    public int rwmixread = 50;
    public final int[] bs = {4096, 4096, 4096};
    /** {@code bsrange=}: per direction [low, high]; when set (low != high) sizes vary. */
    public final int[] bsrangeLow = {0, 0, 0};
    public final int[] bsrangeHigh = {0, 0, 0};
    /** {@code bssplit=}: per direction, null when unset. */
    public final BsSplit[][] bssplit = new BsSplit[3][];
    public boolean blocksizeUnaligned;
    /** {@code ba=} / {@code blockalign=}: per direction; 0 = the minimum block size. */
    public final int[] ba = {0, 0, 0};
    public int iodepth = 1;
    /** fio's flow, flow_id, flow_sleep (µs): flow control between jobs; weight 0 for none. */
    public int flow;
    public int flowId;
    public int flowSleepMicros;
    public int iodepthBatchSubmit = 1;
    /** fio's iodepth_low: a full queue drains to this depth before it is filled again; 0 for iodepth (keep it full). */
    public int iodepthLow;
    /** fio's overwrite: a write job's new file is written whole before the job, so its writes overwrite data. */
    public boolean overwrite;
    /** fio's create_only: lay the files out and do no I/O. */
    public boolean createOnly;
    /** fio's filename_format for files named by the job ($jobname, $jobnum, $filenum); null for fio's default. */
    public String filenameFormat;
    /** fio's file_service_type: roundrobin (default), sequential or random, each switching after fileServiceN I/Os. */
    public String fileService = "roundrobin";
    public int fileServiceN = 1;
    /** fio's pre_read: read the files into the page cache before the job (and do not invalidate them). */
    public boolean preRead;
    /** fio's exec_prerun / exec_postrun: shell commands run before the job's I/O and after it; null for none. */
    public String execPrerun;
    public String execPostrun;
    /** fio's rw_sequencer=identical: rw=rand...:N repeats an offset N times rather than going on from it. */
    public boolean rwSequencerIdentical;
    /** fio's latency_target and latency_window in ns (0: no search), latency_percentile, latency_run. */
    public long latencyTargetNanos;
    public long latencyWindowNanos;
    public double latencyPercentile = 100;
    public boolean latencyRun;
    /** fio's max_latency in nanoseconds: a request slower than this ends the job with ETIMEDOUT; 0 for none. */
    public long maxLatencyNanos;
    /** fio's offset_align: offset=N% is rounded down to this rather than to the block size; 0 for that. */
    public long offsetAlign;
    /** fio's allow_mounted_write: a job may write to a device that is mounted. */
    public boolean allowMountedWrite;
    /** fio's fadvise_hint: 1 (default) advises by the job's pattern; 0 none; or sequential / random. */
    public String fadviseHint = "1";
    public int iodepthBatchCompleteMin = 1;
    public int iodepthBatchCompleteMax;
    public int numjobs = 1;
    public boolean groupReporting;
    /** disk_util: report the counters of the block devices under the job's files (fio's default: on). */
    public boolean diskUtil = true;
    /** 0 = no limit. */
    public long runtimeNanos;
    public boolean timeBased;
    public long rampTimeNanos;
    public long startdelayNanos;
    public int loops = 1;
    public boolean direct;
    /** {@code sync=1}: O_SYNC-like durable writes (we open with O_DSYNC). */
    public boolean sync;
    /** With {@link #sync}: fio's sync=dsync (O_DSYNC) rather than sync=1 (O_SYNC). */
    public boolean dsyncOnly;
    /** Issue fsync after every N writes; 0 = never. */
    public int fsync;
    public int fdatasync;
    /** fio's sync_file_range=flags:N: every N writes (0: never), with sync_file_range(2)'s flags. */
    public int syncFileRange;
    public int syncFileRangeFlags;
    public boolean endFsync;
    public boolean fsyncOnClose;
    public boolean norandommap;
    public boolean randrepeat = true;
    /** fio's default seed is 0x89; {@code randseed=} sets it. */
    public long randseed = 0x89;
    public boolean randseedGiven;
    /** fio's allrandrepeat: every stream from a fixed seed; off changes nothing (randrepeat still applies). */
    public boolean allrandrepeat;
    /** fio's invalidate (default on): drop the files' cached pages before the job starts. */
    public boolean invalidate = true;
    /** fio's create_fsync (default on): fsync a file the job laid out before the job starts. */
    public boolean createFsync = true;
    public Distribution randomDistribution = Distribution.RANDOM;
    public double randomDistributionParam;
    /** With {@link Distribution#ZONED}: the split per direction (read, write, trim). */
    public ZoneSplit[] zones;
    /** fio's zonemode=strided (none otherwise; zbd is refused). */
    public boolean zoneStrided;
    /** zonesize, zonerange, zoneskip in bytes (0: unset). */
    public long zoneSize;
    public long zoneRange;
    public long zoneSkip;
    /** fio's offset_increment: clone k of the job starts k times this much further (bytes; or percent below). */
    public long offsetIncrement;
    public int offsetIncrementPercent;
    /** tausworthe (default), lfsr, tausworthe64. */
    public String randomGenerator = "tausworthe";
    /** Per direction, percent of random offsets in a random workload (100 = fully random). */
    public final int[] percentageRandom = {100, 100, 100};
    /** Bytes per second per direction; 0 = unlimited. */
    public final long[] rate = {0, 0, 0};
    public final long[] rateIops = {0, 0, 0};
    public final long[] rateMin = {0, 0, 0};
    public final long[] rateIopsMin = {0, 0, 0};
    /** fio's ratecycle: how often, in milliseconds, the rate minimums are judged. */
    public long rateCycleMillis = 1000;
    /** fio's rate_process=poisson: the gaps between rated requests are exponential (mean as linear's). */
    public boolean ratePoisson;
    public long thinktimeNanos;
    public int thinktimeBlocks = 1;
    /** fio's thinktime_blocks_type=issue (count issued requests; default: completed ones). */
    public boolean thinktimeOnIssue;
    /** fio's thinktime_iotime in ns: pause after this long doing I/O; 0 for none. */
    public long thinktimeIoTimeNanos;
    /** fio's rate_ignore_thinktime: no catching up on the rate after a pause. */
    public boolean rateIgnoreThinktime;
    public boolean stonewall;
    public boolean newGroup;
    /** fio's wait_for: the name of an earlier job whose clones must all finish before this one starts; null. */
    public String waitFor;
    /** fio's number_ios: the job ends after this many I/Os if nothing ends it sooner; 0 for no limit. */
    public long numberIos;
    /** fio's exitall: when this job ends, the jobs in {@link #exitWhat}'s scope are stopped. */
    public boolean exitall;
    /** fio's exitall_on_error: as exitall, when this job ends with an error. */
    public boolean exitallOnError;
    /** fio's exit_what: group (the job's reporting group), stonewall (every running job) or all (and no later one). */
    public String exitWhat = "group";

    // --- buffers and verification -------------------------------------------------------------------
    public boolean zeroBuffers;
    public boolean refillBuffers;
    public boolean scrambleBuffers = true;
    public int bufferCompressPercentage;
    /** {@code buffer_pattern=} bytes, or null. */
    public byte[] bufferPattern;
    public Verify verify = Verify.NONE;
    /** {@code verify_pattern=} bytes, or null. */
    public byte[] verifyPattern;
    /** fio's verify_interval: a verify header every this many bytes of a block; 0 for one per block. */
    public int verifyInterval;
    /** fio's verify_offset: where in each block (or verify_interval piece) the header is stored; 0 at its start. */
    public int verifyOffset;
    public boolean verifyFatal;
    public boolean doVerify = true;
    /**
     * fio's percentile_list (null: fio's default list) and the decimals it is printed with (the most any entry
     * has), and which latencies report percentiles (clat_percentiles, lat_percentiles, slat_percentiles).
     */
    public double[] percentileList;
    /** fio's significant_figures (digits of the normal output's IOPS and bandwidth) and kb_base (1024 or 1000). */
    public int significantFigures = 4;
    public int kbBase = 1024;
    public int percentilePrecision = 2;
    public boolean clatPercentiles = true;
    public boolean latPercentiles;
    public boolean slatPercentiles;
    /** fio's steadystate criteria. */
    public enum SteadyStateMode {
        IOPS, IOPS_SLOPE, BW, BW_SLOPE;

        public boolean iops() {
            return this == IOPS || this == IOPS_SLOPE;
        }

        public boolean slope() {
            return this == IOPS_SLOPE || this == BW_SLOPE;
        }

        /** fio's name: "iops", "iops_slope", "bw", "bw_slope". */
        public String fioName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * fio's steadystate (ss): the criterion and its limit (a percentage of the mean when {@link #ssPercent}), and
     * steadystate_duration / steadystate_ramp_time (ss_dur, ss_ramp) in ns; detection is on when ss_dur is set.
     */
    public SteadyStateMode ssMode = SteadyStateMode.IOPS_SLOPE;
    public double ssLimit = 0.01;
    public boolean ssPercent = true;
    public long ssDurationNanos;
    public long ssRampNanos;
    /** fio's opendir: every file below this directory joins the job's files; null for none. */
    public String opendir;
    /** fio's file_append: each existing regular file's I/O starts at its end. */
    public boolean fileAppend;
    /** fio's unified_rw_reporting: 0 none, 1 mixed (one "mixed" direction instead of read/write/trim), 2 both. */
    public int unifiedRwReporting;
    /** The index of fio's "mixed" direction in the reports (after READ, WRITE, TRIM). */
    public static final int MIXED = 3;
    /** fio's buffer_compress_chunk: bytes per random-then-fixed unit of a compressible buffer. */
    public int bufferCompressChunk = 512;
    /** fio's dedupe_percentage (0: none), dedupe_mode=working_set, dedupe_working_set_percentage, dedupe_global. */
    public int dedupePercentage;
    public boolean dedupeWorkingSet;
    public int dedupeWorkingSetPercentage = 5;
    public boolean dedupeGlobal;
    /**
     * fio's trim_percentage (of written blocks, trimmed later), trim_backlog (trim after this many writes; without
     * it no trims are issued, as in fio), trim_backlog_batch (0: trim_backlog) and trim_verify_zero.
     */
    public int trimPercentage;
    public long trimBacklog;
    public long trimBacklogBatch;
    public boolean trimVerifyZero = true;
    /** fio's verify_only: do not write, read back what an earlier run of the job wrote. */
    public boolean verifyOnly;
    /** fio's verify_state_save (default on) and verify_state_load. */
    public boolean verifyStateSave = true;
    public boolean verifyStateLoad;
    /** fio's --aux-path: where verify state files go; null for the current directory. Not a job option. */
    public String auxPath;
    /** fio's verify_backlog: read back every this many completed writes while writing; 0 for none. */
    public long verifyBacklog;
    /** fio's verify_backlog_batch: how many writes each backlog read-back covers; 0 for verify_backlog. */
    public long verifyBacklogBatch;

    // --- iologs and logs ------------------------------------------------------------------------------
    public String readIolog;
    public String writeIolog;
    public boolean replayNoStall;
    /** fio's replay_time_scale: the trace's timing in percent (50: half the rate, 200: twice it). */
    public int replayTimeScale = 100;
    /** fio's replay_skip: the trace's reads, writes, trims and syncs (in that order) left out. */
    public final boolean[] replaySkip = new boolean[4];
    /** fio's replay_redirect: every request of the trace goes to this file, or null. */
    public String replayRedirect;
    /** fio's replay_scale: the trace's offsets are divided by this; 0 or 1 leaves them. */
    public int replayScale = 1;
    /** fio's replay_align: offsets aligned down to this power of 2 (a blktrace's lengths up); 0 for none. */
    public int replayAlign;
    /** fio's merge_blktrace_file, or null; with its per-trace time percentages and iteration counts (or null). */
    public String mergeBlktraceFile;
    public int[] mergeBlktraceScalars;
    public int[] mergeBlktraceIters;
    /** aioemu's write_blktrace: the job's requests recorded as a blktrace binary here, or null. */
    public String writeBlktrace;
    /** Log file prefixes, or null. */
    public String writeBwLog;
    public String writeLatLog;
    /** fio's write_hist_log prefix (bare: the job name), or null. */
    public String writeHistLog;
    /** fio's log_hist_msec (0: the histogram log stays empty) and log_hist_coarseness (0..6). */
    public int logHistMsec;
    public int logHistCoarseness;
    public String writeIopsLog;
    public long logAvgMsec;

    // --- engine -----------------------------------------------------------------------------------------
    /** fio's ioengine= as written (default psync). */
    public String ioengine = "psync";
    /** aioemu's engine it maps to: threads, io_uring, sync, mmap, or "null" for the null driver. */
    public String aioEngine = "threads";
    /** aioemu's format=: raw, lz4, or null to probe an existing file's format (a new file is then raw). */
    public String imageFormat;
    /** aioemu's throttle=: QEMU's I/O limits and group for the job's files, as given (checked when set), or null. */
    public String throttle;
    /** fio's uri= (ioengine=nbd's option): the NBD export the job works on, or null. */
    public String nbdUri;
    public String cpusAllowed;
    /** fio's continue_on_error: the ERRORS_* classes whose errors (those ignore_error allows) let the job go on. */
    public int continueOnError;
    /** fio's ignore_error: per class (read, write, verify) the errnos continue_on_error passes; null: EIO and EILSEQ. */
    public int[][] ignoreError = new int[3][];
    /** aioemu's inject=: fault rules between the job and its files, in the order given (immutable, so shared by copies). */
    public org.aioemu.blockdev.FaultInjection faults = org.aioemu.blockdev.FaultInjection.none();

    /** A field-by-field copy (numjobs clones, [global] templates). */
    public JobOptions copy() {
        JobOptions c = new JobOptions();
        c.name = name;
        c.source = source;
        c.given.putAll(given);
        c.index = index;
        c.filename = filename;
        c.directory = directory;
        c.size = size;
        c.sizePercent = sizePercent;
        c.filesizeLow = filesizeLow;
        c.filesizeHigh = filesizeHigh;
        c.offset = offset;
        c.offsetPercent = offsetPercent;
        c.ioSize = ioSize;
        c.nrfiles = nrfiles;
        c.createOnOpen = createOnOpen;
        c.fallocate = fallocate;
        c.unlink = unlink;
        c.unlinkEachLoop = unlinkEachLoop;
        c.rw = rw;
        c.rwSequencer = rwSequencer;
        c.rwmixread = rwmixread;
        System.arraycopy(bs, 0, c.bs, 0, 3);
        System.arraycopy(bsrangeLow, 0, c.bsrangeLow, 0, 3);
        System.arraycopy(bsrangeHigh, 0, c.bsrangeHigh, 0, 3);
        System.arraycopy(bssplit, 0, c.bssplit, 0, 3);
        c.blocksizeUnaligned = blocksizeUnaligned;
        System.arraycopy(ba, 0, c.ba, 0, 3);
        c.iodepth = iodepth;
        c.iodepthBatchSubmit = iodepthBatchSubmit;
        c.iodepthLow = iodepthLow;
        c.overwrite = overwrite;
        c.createOnly = createOnly;
        c.filenameFormat = filenameFormat;
        c.fileService = fileService;
        c.fileServiceN = fileServiceN;
        c.preRead = preRead;
        c.execPrerun = execPrerun;
        c.execPostrun = execPostrun;
        c.rwSequencerIdentical = rwSequencerIdentical;
        c.maxLatencyNanos = maxLatencyNanos;
        c.offsetAlign = offsetAlign;
        c.allowMountedWrite = allowMountedWrite;
        c.fadviseHint = fadviseHint;
        c.iodepthBatchCompleteMin = iodepthBatchCompleteMin;
        c.iodepthBatchCompleteMax = iodepthBatchCompleteMax;
        c.numjobs = numjobs;
        c.groupReporting = groupReporting;
        c.diskUtil = diskUtil;
        c.runtimeNanos = runtimeNanos;
        c.timeBased = timeBased;
        c.rampTimeNanos = rampTimeNanos;
        c.startdelayNanos = startdelayNanos;
        c.loops = loops;
        c.direct = direct;
        c.sync = sync;
        c.dsyncOnly = dsyncOnly;
        c.fsync = fsync;
        c.fdatasync = fdatasync;
        c.syncFileRange = syncFileRange;
        c.syncFileRangeFlags = syncFileRangeFlags;
        c.endFsync = endFsync;
        c.fsyncOnClose = fsyncOnClose;
        c.norandommap = norandommap;
        c.randrepeat = randrepeat;
        c.randseed = randseed;
        c.randseedGiven = randseedGiven;
        c.allrandrepeat = allrandrepeat;
        c.invalidate = invalidate;
        c.createFsync = createFsync;
        c.randomDistribution = randomDistribution;
        c.randomDistributionParam = randomDistributionParam;
        c.zones = zones;
        c.zoneStrided = zoneStrided;
        c.zoneSize = zoneSize;
        c.zoneRange = zoneRange;
        c.zoneSkip = zoneSkip;
        c.offsetIncrement = offsetIncrement;
        c.offsetIncrementPercent = offsetIncrementPercent;
        c.randomGenerator = randomGenerator;
        System.arraycopy(percentageRandom, 0, c.percentageRandom, 0, 3);
        System.arraycopy(rate, 0, c.rate, 0, 3);
        System.arraycopy(rateIops, 0, c.rateIops, 0, 3);
        System.arraycopy(rateMin, 0, c.rateMin, 0, 3);
        System.arraycopy(rateIopsMin, 0, c.rateIopsMin, 0, 3);
        c.rateCycleMillis = rateCycleMillis;
        c.ratePoisson = ratePoisson;
        c.thinktimeNanos = thinktimeNanos;
        c.thinktimeBlocks = thinktimeBlocks;
        c.thinktimeOnIssue = thinktimeOnIssue;
        c.thinktimeIoTimeNanos = thinktimeIoTimeNanos;
        c.rateIgnoreThinktime = rateIgnoreThinktime;
        c.stonewall = stonewall;
        c.newGroup = newGroup;
        c.waitFor = waitFor;
        c.numberIos = numberIos;
        c.exitall = exitall;
        c.exitallOnError = exitallOnError;
        c.exitWhat = exitWhat;
        c.zeroBuffers = zeroBuffers;
        c.refillBuffers = refillBuffers;
        c.scrambleBuffers = scrambleBuffers;
        c.bufferCompressPercentage = bufferCompressPercentage;
        c.bufferPattern = bufferPattern;
        c.verify = verify;
        c.verifyPattern = verifyPattern;
        c.verifyInterval = verifyInterval;
        c.verifyOffset = verifyOffset;
        c.verifyFatal = verifyFatal;
        c.doVerify = doVerify;
        c.readIolog = readIolog;
        c.writeIolog = writeIolog;
        c.replayNoStall = replayNoStall;
        c.replayTimeScale = replayTimeScale;
        System.arraycopy(replaySkip, 0, c.replaySkip, 0, 4);
        c.replayRedirect = replayRedirect;
        c.replayScale = replayScale;
        c.replayAlign = replayAlign;
        c.mergeBlktraceFile = mergeBlktraceFile;
        c.mergeBlktraceScalars = mergeBlktraceScalars;
        c.mergeBlktraceIters = mergeBlktraceIters;
        c.writeBlktrace = writeBlktrace;
        c.fillDevice = fillDevice;
        c.flow = flow;
        c.flowId = flowId;
        c.flowSleepMicros = flowSleepMicros;
        c.verifyBacklog = verifyBacklog;
        c.verifyBacklogBatch = verifyBacklogBatch;
        c.latencyTargetNanos = latencyTargetNanos;
        c.latencyWindowNanos = latencyWindowNanos;
        c.latencyPercentile = latencyPercentile;
        c.latencyRun = latencyRun;
        c.dedupePercentage = dedupePercentage;
        c.dedupeWorkingSet = dedupeWorkingSet;
        c.dedupeWorkingSetPercentage = dedupeWorkingSetPercentage;
        c.dedupeGlobal = dedupeGlobal;
        c.jobsInRun = jobsInRun;
        c.ssMode = ssMode;
        c.bufferCompressChunk = bufferCompressChunk;
        c.verifyOnly = verifyOnly;
        c.verifyStateSave = verifyStateSave;
        c.verifyStateLoad = verifyStateLoad;
        c.auxPath = auxPath;
        c.trimPercentage = trimPercentage;
        c.trimBacklog = trimBacklog;
        c.trimBacklogBatch = trimBacklogBatch;
        c.trimVerifyZero = trimVerifyZero;
        c.unifiedRwReporting = unifiedRwReporting;
        c.opendir = opendir;
        c.fileAppend = fileAppend;
        c.ssLimit = ssLimit;
        c.ssPercent = ssPercent;
        c.ssDurationNanos = ssDurationNanos;
        c.ssRampNanos = ssRampNanos;
        c.percentileList = percentileList;
        c.significantFigures = significantFigures;
        c.kbBase = kbBase;
        c.percentilePrecision = percentilePrecision;
        c.clatPercentiles = clatPercentiles;
        c.latPercentiles = latPercentiles;
        c.slatPercentiles = slatPercentiles;
        c.writeBwLog = writeBwLog;
        c.writeLatLog = writeLatLog;
        c.writeHistLog = writeHistLog;
        c.logHistMsec = logHistMsec;
        c.logHistCoarseness = logHistCoarseness;
        c.writeIopsLog = writeIopsLog;
        c.logAvgMsec = logAvgMsec;
        c.ioengine = ioengine;
        c.aioEngine = aioEngine;
        c.nbdUri = nbdUri;
        c.imageFormat = imageFormat;
        c.faults = faults;
        c.continueOnError = continueOnError;
        c.ignoreError = ignoreError.clone(); // the lists themselves are replaced, never changed
        c.throttle = throttle;
        c.cpusAllowed = cpusAllowed;
        return c;
    }
}
