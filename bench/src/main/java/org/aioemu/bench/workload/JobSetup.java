package org.aioemu.bench.workload;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.aio.FileHandle;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.nbd.NbdClient;
import org.aioemu.blockdev.nbd.NbdException;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * Makes a job ready to start: its loop, its files (resolved, laid out, opened; or its NBD export, connected), data sources, buffers, op
 * source, limiter, recorders and logs. A job that cannot start comes back with its error set and nothing
 * left open. Runner thread.
 */
final class JobSetup {
    /** A prepared job: {@code execution} is null when it failed to set up. */
    record Prepared(JobClone job, JobStats stats, JobParts parts, JobExecution execution) {
    }

    private JobSetup() {
    }

    /** {@code stopped}: the run is being stopped (a signal), so a file layout under way gives up. */
    static Prepared prepare(JobClone clone, RunSettings settings, Progress progress, Flows flows,
                            java.util.function.BooleanSupplier stopped) {
        JobOptions o = clone.options();
        JobStats stats = new JobStats(o, clone.groupId());
        JobParts p = new JobParts();
        p.options = o;
        p.clone = clone;
        p.stats = stats;
        p.progress = progress;
        try {
            p.flows = flows;
            JobExecution exec = build(clone, settings, p, stopped);
            return new Prepared(clone, stats, p, exec);
        } catch (JobSetupException e) {
            return failed(clone, stats, p, e.errno(), e.getMessage());
        } catch (ErrnoException e) {
            return failed(clone, stats, p, e.errno(), o.name + ": " + e.getMessage());
        } catch (IOException e) {
            return failed(clone, stats, p, Errno.EIO, o.name + ": " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return failed(clone, stats, p, Errno.EINVAL, o.name + ": " + e.getMessage());
        }
    }

    private static Prepared failed(JobClone clone, JobStats stats, JobParts p, int errno, String message) {
        stats.error = Math.abs(errno);
        stats.errorMessage = message;
        p.progress.state('_');
        p.progress.fraction(1);
        p.close();
        return new Prepared(clone, stats, p, null);
    }

    /** A verify header needs room: every block, or every verify_interval piece of one, holds at least a header. */
    private static void checkVerifyPieces(JobOptions o, int minBlock) throws JobSetupException {
        if (o.verify == JobOptions.Verify.NONE || o.verify == JobOptions.Verify.PATTERN) {
            return;
        }
        int header = org.aioemu.bench.data.Verifier.HEADER_SIZE;
        if (o.verifyInterval > 0 && o.verifyInterval < header) {
            throw new JobSetupException(o, "verify_interval=" + o.verifyInterval + " is smaller than the " + header
                    + "-byte verify header");
        }
        if (minBlock < header) {
            throw new JobSetupException(o, "verify=" + o.verify.name().toLowerCase(java.util.Locale.ROOT) + " needs blocks of at least "
                    + header + " bytes for its header; the smallest is " + minBlock);
        }
        if (o.verifyOffset > 0 && o.verifyOffset < header) {
            throw new JobSetupException(o, "verify_offset=" + o.verifyOffset + " would overlap the " + header
                    + "-byte verify header it is swapped with; use 0 or at least " + header);
        }
        int piece = o.verifyInterval > 0 ? Math.min(o.verifyInterval, minBlock) : minBlock;
        if (o.verifyOffset + header > piece) {
            throw new JobSetupException(o, "verify_offset=" + o.verifyOffset + " leaves no room for the " + header
                    + "-byte verify header in " + (o.verifyInterval > 0 ? "a verify_interval" : "the smallest block") + " of " + piece
                    + " bytes");
        }
    }

    /** A source with nothing in it: create_only's job. */
    private static final OpSource NO_OPS = new OpSource() {
        @Override
        public boolean next(IoSlot s) {
            return false;
        }

        @Override
        public double progress() {
            return 1;
        }
    };

    static boolean isNullEngine(JobOptions o) {
        return "null".equalsIgnoreCase(o.ioengine) || "null".equalsIgnoreCase(o.aioEngine);
    }

    private static JobExecution build(JobClone clone, RunSettings settings, JobParts p, java.util.function.BooleanSupplier stopped)
            throws JobSetupException, IOException {
        JobOptions o = clone.options();
        boolean nullEngine = isNullEngine(o);
        long seed = Seeds.jobSeed(o, clone.jobNumber());
        long dataSeed = Seeds.mix(o.randseed, Seeds.DATA);
        AioContext.Builder ctxBuilder = AioContext.builder().name("aioemu-" + o.name + "." + clone.jobNumber())
                .preciseTimers(o.readIolog != null && !o.replayNoStall); // a timed replay holds each request to its time
        if (nullEngine && AioContext.isAvailable(org.aioemu.engine.Transport.EPOLL)) {
            // No file I/O to submit: an io_uring loop's ring and its per-entry buffers (about 1 MiB a job) would
            // only wait for timers, and numjobs=1000 null jobs would map a thousand of them.
            ctxBuilder.transport(org.aioemu.engine.Transport.EPOLL);
        }
        settings.contextTuning().accept(ctxBuilder);
        p.ctx = ctxBuilder.build();
        String nbdUri = nullEngine ? null : NbdJobs.uri(o);
        if (o.throttle != null && (nullEngine || nbdUri != null)) {
            throw new JobSetupException(o, "throttle= limits the job's image files; " + (nullEngine ? "ioengine=null"
                    : "the NBD export " + nbdUri) + " has none (throttle the export's server: aioemu serve --throttle=...)");
        }
        NbdClient nbd = null;
        if (nbdUri != null) {
            if (o.readIolog != null) {
                throw new JobSetupException(o, "read_iolog= replays a trace onto files; the NBD export " + nbdUri
                        + " does not take one");
            }
            nbd = connect(o, nbdUri, p.ctx); // the export's size sizes the job; closing the context closes it
        }

        if (!o.zoneStrided && (o.zoneSize > 0 || o.zoneRange > 0 || o.zoneSkip > 0)) {
            throw new JobSetupException(o, "--zonemode=none and --zonesize are not compatible (zonesize, zonerange and"
                    + " zoneskip need zonemode=strided)");
        }
        boolean[] used = new boolean[3];
        List<FileSpec> files;
        int maxLen;
        BlockSizes sizes = null;
        List<TraceOp> trace = null;
        if (o.readIolog != null) {
            Trace loaded = ReplayTrace.load(o, clone.cloneIndex(), settings.traceSource());
            trace = loaded.ops();
            files = ReplayFiles.resolve(o, loaded, used);
            maxLen = ReplayFiles.maxLength(trace);
        } else {
            used[JobOptions.READ] = o.rw.reads();
            used[JobOptions.WRITE] = o.rw.writes();
            used[JobOptions.TRIM] = o.rw.trims();
            sizes = new BlockSizes(o, used);
            int align = Integer.MAX_VALUE;
            for (int d = 0; d < 3; d++) {
                if (used[d]) {
                    align = Math.min(align, sizes.align(d));
                }
            }
            files = nullEngine ? JobFiles.virtual(o, sizes.min())
                    : nbd != null ? JobFiles.nbd(o, nbdUri, nbd.size(), clone.cloneIndex(), sizes.min(), Math.max(1, align))
                    : JobFiles.resolve(o, clone.cloneIndex(), seed, sizes.min(), Math.max(1, align));
            maxLen = sizes.max();
            checkVerifyPieces(o, sizes.min());
        }
        boolean writes = used[JobOptions.WRITE];
        boolean modifies = writes || used[JobOptions.TRIM];
        int n = files.size();
        p.files = files.toArray(new FileSpec[0]);
        p.writers = new WriteDataSource[n];
        p.checkers = new ReadChecker[n];
        for (int i = 0; i < n; i++) {
            p.writers[i] = settings.data().writer(o, i, dataSeed);
            p.checkers[i] = settings.data().checker(o, i, dataSeed);
        }
        org.aioemu.bench.data.VerifyState loadedState = null;
        if (o.verifyOnly) {
            checkVerifyOnly(o, files, writes);
            if (o.verifyStateLoad) {
                loadedState = VerifyStates.load(o, clone);
            }
        }
        if (!nullEngine && nbd == null) { // an export is the server's: nothing to lay out, cache or invalidate here
            FileLayout.prepare(o, files, writes, p.ctx, p.writers, settings, stopped);
            if (o.preRead) {
                FileLayout.preRead(o, files); // fio: pre_read also clears invalidate
            } else if (o.invalidate) {
                FileLayout.invalidate(o, files, settings.notices());
            }
        }
        if (o.execPrerun != null) {
            ShellCommand.run(o, "exec_prerun", o.execPrerun, settings.notices());
        }
        if (!o.faults.isEmpty() && (nullEngine || nbd != null)) {
            throw new JobSetupException(o, Errno.EINVAL, "inject= works on the job's files and devices, not on "
                    + (nullEngine ? "ioengine=null" : "an NBD export (inject on the server: aioemu serve --inject=...)"));
        }
        p.targets = new IoTarget[n];
        for (int i = 0; i < n; i++) {
            p.targets[i] = nullEngine ? new NullTarget(p.ctx) : nbd != null ? new NbdTarget(nbd, o.sync)
                    : open(o, files.get(i), modifies, p.ctx);
        }

        boolean verifying = o.verify != JobOptions.Verify.NONE && o.doVerify;
        boolean backlog = o.verify != JobOptions.Verify.NONE && o.verifyBacklog > 0; // verify_backlog: even without do_verify
        // New content per write: verify headers, refill_buffers, and what fio turns refilling on for (dedupe, and
        // compression below 100 %, so that neighbouring blocks do not compress or dedupe against each other).
        p.fillEveryWrite = o.verify != JobOptions.Verify.NONE || o.refillBuffers || o.dedupePercentage > 0
                || (o.bufferCompressPercentage > 0 && o.bufferCompressPercentage < 100);
        p.scramble = !p.fillEveryWrite && o.scrambleBuffers && !o.zeroBuffers && o.bufferPattern == null;
        p.flushAtEnd = (o.endFsync || o.fsyncOnClose) && modifies;
        p.written = (verifying || backlog || o.verifyOnly) && trace == null && used[JobOptions.WRITE] ? new WrittenLog() : null;
        p.verifyAtEnd = verifying;
        if (o.verifyStateSave && o.verify != JobOptions.Verify.NONE && used[JobOptions.WRITE] && !o.verifyOnly && trace == null) {
            p.verifyState = new VerifyStateRecorder(o.iodepth);
        }
        if (p.written != null && o.norandommap && o.rw.random && sizes.min() != sizes.max()) {
            settings.notices().println("aioemu: " + o.source + ": norandommap given for variable block sizes, verify limited"
                    + " (a write overlapped by a later one is not read back)");
        }
        p.verifyMainReads = verifying && !used[JobOptions.WRITE] && used[JobOptions.READ];
        p.rate = new RateLimiter(o, seed);
        p.runState = trace != null ? 'r' : JobParts.runState(o);
        if (trace != null) {
            p.replay = new ReplayOps(trace, ReplayFiles.indexes(files), o.replayNoStall, o.replayTimeScale, o.replaySkip);
            if (!o.replayNoStall) {
                p.stats.replayLateness = JobStats.latencyHistogram();
            }
            p.mainOps = p.replay;
        } else {
            p.mainOps = new GeneratedOps(o, files, sizes, seed, used, p.rate);
            if (backlog && p.written != null) {
                p.backlog = new BacklogOps(p.mainOps, p.written, o.verifyBacklog, o.verifyBacklogBatch);
                p.mainOps = p.backlog;
            }
            if (o.trimPercentage > 0 && o.trimBacklog > 0 && p.written != null) {
                p.mainOps = new TrimBacklogOps(p.mainOps, p.written, o, seed); // trims the job verifies as zeroes
            }
        }
        if (o.createOnly) {
            p.mainOps = NO_OPS; // fio's create_only: the files are laid out, and the job does no I/O
        }
        if (o.verifyOnly) {
            // fio's verify_only: the workload's writes are worked out, not made; the verify phase reads them back.
            // With verify_state_load, only the writes the state says completed (fio stops at the first that did not).
            IoSlot scratch = new IoSlot(0, MemorySegment.NULL, null);
            long writeNumber = 0;
            while (p.mainOps.next(scratch)) {
                if (scratch.ddir == JobOptions.WRITE) {
                    if (loadedState == null || loadedState.completed(writeNumber, scratch.file, scratch.offset)) {
                        p.written.add(scratch.file, scratch.offset, scratch.length);
                    }
                    writeNumber++;
                }
            }
            p.mainOps = NO_OPS;
            p.verifyAtEnd = true;
        }
        openLogs(o, clone, settings, p);
        if (o.writeIolog != null || o.writeBlktrace != null) {
            String suffix = clone.cloneIndex() > 0 ? "." + clone.cloneIndex() : "";
            p.trace = new TraceRecorder(files.stream().map(FileSpec::name).toArray(String[]::new));
            if (o.writeIolog != null) {
                p.trace.with("write_iolog", settings.traceSinks().open(Path.of(o.writeIolog + suffix)));
            }
            if (o.writeBlktrace != null) {
                p.trace.with("write_blktrace", IologTraces.blktraceWriter(Path.of(o.writeBlktrace + suffix), files,
                        settings.notices()));
            }
        }
        p.recorder = new StatsRecorder(p.stats, p.progress, used, o.logAvgMsec, p.logs);
        p.recorder.histogramLog(p.histLog);

        JobExecution exec = new JobExecution(p);
        p.arena = Arena.ofShared();
        long bufSize = Math.max(AlignedBuffers.ALIGNMENT, (maxLen + AlignedBuffers.ALIGNMENT - 1) / AlignedBuffers.ALIGNMENT * AlignedBuffers.ALIGNMENT);
        // One aligned block sliced into the slots' buffers: an aligned allocation each pads itself by the alignment
        // (4 KiB buffers took 8 KiB of native memory apiece, 128 KiB a job at iodepth=16).
        int depth = Math.max(1, o.iodepth);
        MemorySegment all = AlignedBuffers.allocate(p.arena, bufSize * depth);
        for (int i = 0; i < depth; i++) {
            MemorySegment buf = all.asSlice(i * bufSize, bufSize);
            if (!p.fillEveryWrite && writes) {
                p.writers[0].fill(buf, i * bufSize, (int) bufSize);
            }
            exec.issueLoop().addSlot(new IoSlot(i, buf, exec.issueLoop()));
        }
        exec.issueLoop().addSlot(new IoSlot(depth, MemorySegment.NULL, exec.issueLoop()));
        return exec;
    }

    /**
     * fio's verify_only reads back what an earlier run of the same job wrote: it needs a job that writes, with
     * verify=, not time_based (the writes would not be known), on files that are there.
     */
    private static void checkVerifyOnly(JobOptions o, List<FileSpec> files, boolean writes) throws JobSetupException {
        if (!writes || o.verify == JobOptions.Verify.NONE) {
            throw new JobSetupException(o, "verify_only checks what a writing job with verify= wrote; this job "
                    + (writes ? "sets no verify=" : "does not write"));
        }
        if (o.timeBased) {
            throw new JobSetupException(o, "verify_only cannot know what a time_based job wrote (fio refuses it too)");
        }
        for (FileSpec f : files) {
            if (!f.exists()) {
                throw new JobSetupException(o, "verify_only: " + f.path() + " does not exist: there is nothing to verify");
            }
        }
    }

    /**
     * unlink_each_loop, on the job's loop between two loops with nothing in flight: closes and removes the job's
     * regular files and opens them again as fio's next loop does, a writing job's as new files with no data (fio
     * opens with O_CREAT); a job that only reads fails with ENOENT, as fio's does. Device nodes are left in place.
     * A new file is made sparse up to the end of the job's region at once, since a backend's size is fixed when
     * it opens (fio's grows with the writes: a random job that misses the last block leaves a shorter file).
     */
    static void unlinkAndReopen(JobParts p) throws JobSetupException {
        JobOptions o = p.options;
        boolean creates = o.rw.writes() || o.rw.trims();
        for (int i = 0; i < p.files.length; i++) {
            java.nio.file.Path path = p.files[i].path();
            if (path == null || !java.nio.file.Files.isRegularFile(path)) {
                continue; // the null engine's virtual files, and devices
            }
            p.targets[i].close();
            try {
                java.nio.file.Files.delete(path);
                if (!creates) {
                    throw new JobSetupException(o, Errno.ENOENT, "open(" + path + ") failed: ENOENT (No such file or"
                            + " directory): unlink_each_loop removed it after the last loop, and a job that only reads does not"
                            + " create files");
                }
                try (java.io.RandomAccessFile created = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                    created.setLength(p.files[i].end()); // ftruncate: a hole up to the region's end
                }
            } catch (java.io.IOException e) {
                throw new JobSetupException(o, Errno.EIO, "unlink_each_loop: " + path + ": " + e);
            }
            p.targets[i] = open(o, p.files[i], true, p.ctx);
        }
    }

    /** Connects to the job's NBD export on its loop; a refused connection or missing export fails the job, saying so. */
    private static NbdClient connect(JobOptions o, String uri, AioContext ctx) throws JobSetupException {
        try {
            return NbdClient.connect(ctx, uri);
        } catch (NbdException e) {
            throw new JobSetupException(o, Errno.EIO, e.getMessage());
        }
    }

    private static IoTarget open(JobOptions o, FileSpec f, boolean writes, AioContext ctx) throws JobSetupException {
        BlockBackendOptions opts = BlockBackendOptions.defaults().withReadOnly(!writes).withDirect(o.direct).withDsync(o.sync)
                .withSync(o.sync && !o.dsyncOnly)
                .withEngine(o.aioEngine == null ? "threads" : o.aioEngine)
                .withPadding(false) // as fio: a misaligned O_DIRECT request gets the kernel's EINVAL
                .withFormat(o.imageFormat)
                .withFaults(o.faults);
        try {
            if (o.throttle != null) {
                // per file: a group of the file's own, or the named one its job's other files share
                opts = opts.withThrottle(org.aioemu.blockdev.ThrottleOptions.parse(o.throttle).group());
            }
            BlockBackend b = BlockBackend.open(ctx, f.path(), opts);
            FileHandle.Access access = switch (o.fadviseHint) {
                case "0" -> null;
                case "sequential" -> FileHandle.Access.SEQUENTIAL;
                case "random" -> FileHandle.Access.RANDOM;
                default -> o.readIolog == null && o.rw.random ? FileHandle.Access.RANDOM : FileHandle.Access.SEQUENTIAL;
            };
            if (access != null) {
                try {
                    b.adviseAccess(access); // fio's fadvise_hint: the readahead follows the job's pattern
                } catch (ErrnoException e) {
                    b.close();
                    throw e;
                }
            }
            return new BackendTarget(b);
        } catch (ErrnoException e) {
            throw new JobSetupException(o, e.errno(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new JobSetupException(o, Errno.EINVAL, e.getMessage());
        }
    }

    private static void openLogs(JobOptions o, JobClone clone, RunSettings settings, JobParts p) throws IOException {
        List<LogKind> kinds = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (o.writeBwLog != null) {
            kinds.add(LogKind.BW);
            prefixes.add(o.writeBwLog);
        }
        if (o.writeIopsLog != null) {
            kinds.add(LogKind.IOPS);
            prefixes.add(o.writeIopsLog);
        }
        if (o.writeLatLog != null) {
            for (LogKind k : Arrays.asList(LogKind.LAT, LogKind.CLAT, LogKind.SLAT)) {
                kinds.add(k);
                prefixes.add(o.writeLatLog);
            }
        }
        for (int i = 0; i < kinds.size(); i++) {
            LogKind k = kinds.get(i);
            Path file = Path.of(prefixes.get(i) + "_" + k.fileSuffix() + "." + clone.jobNumber() + ".log");
            try {
                p.logs[k.ordinal()] = settings.logSinks().open(file, k);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause(); // a job error naming the file and why, not a stack trace
            }
        }
        if (o.writeHistLog != null) {
            p.histLog = new ClatHistogramLog(Path.of(o.writeHistLog + "_clat_hist." + clone.jobNumber() + ".log"),
                    o.logHistMsec, o.logHistCoarseness);
        }
    }
}
