package org.aioemu.bench.workload;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.Errno;

/**
 * Runs one job on its own loop: keeps iodepth requests in flight from an {@link OpSource}, phase after
 * phase — the workload (after startdelay; ramp_time first, unrecorded), then the verify read-back, then the
 * closing flushes — and records everything in the job's {@link JobStats}.
 *
 * <p>Issuing honours, in this order: a pending fsync barrier (after every fsync=/fdatasync= N writes the
 * queue drains, one flush goes out and completes, then writing resumes, as fio quiesces before a sync), the
 * thinktime pause (after every thinktime_blocks requests), a trace op's timestamp, and the rate limiter;
 * each wait is a loop timer. Completions refill the queue from one bottom half, so a batch of completions
 * gives one refill, which waits until iodepth_batch_submit slots (or iodepth_batch_complete_min reaped
 * requests) are free. trimwrite: a trim's slot writes the same block as soon as the trim completes.
 *
 * <p>Threading: {@link #start} and {@link #isDone} may be called from any thread; everything else runs on the
 * loop, which owns all state below and the JobStats until {@link #isDone} is seen true. The hot path (refill,
 * pick, issue, complete, record) allocates nothing with fixed or split block sizes.
 */
final class JobExecution {
    /** Error number of a verify failure (EILSEQ, as fio reports it). */
    static final int EILSEQ = 84;

    private enum Phase { WAITING, MAIN, VERIFY, CLOSING, DONE }

    private final JobParts p;
    private final JobOptions o;
    private final AioContext ctx;
    private final JobStats stats;
    private final StatsRecorder rec;
    private final BottomHalf refill;
    private final Runnable wakeTask = this::onWake;
    private final int depth;
    private final int refillThreshold;
    private final int syncEvery;

    // --- loop only ---
    private Phase phase = Phase.WAITING;
    private OpSource source;
    private final IoSlot[] free;
    private int freeCount;
    private int inFlight;
    private IoSlot pending;
    private boolean stopping;
    private boolean sourceDone;
    private boolean syncDue;
    private boolean syncInFlight;
    private int syncFile;
    private int writesSinceSync;
    private long thinkUntil;
    private boolean thinking;
    private int thinkCount;
    private int reaped;
    private long startNanos;
    private ScheduledFuture<?> wakeTimer;
    private long wakeAt;
    private long scrambleCounter;
    private long verifyErrors;
    private String firstVerifyError;
    private final long[] rateMinBytes = new long[3];
    private volatile boolean done;

    JobExecution(JobParts parts) {
        this.p = parts;
        this.o = parts.options;
        this.ctx = parts.ctx;
        this.stats = parts.stats;
        this.rec = parts.recorder;
        this.depth = Math.max(1, o.iodepth);
        int batch = Math.max(1, Math.min(o.iodepthBatchSubmit, depth));
        int reap = Math.max(1, Math.min(o.iodepthBatchCompleteMin, depth));
        this.refillThreshold = Math.max(batch, reap);
        this.syncEvery = o.fsync > 0 ? o.fsync : o.fdatasync;
        this.free = new IoSlot[depth];
        this.refill = ctx.newBottomHalf(this::onRefill);
        rec.onLogFailure(msg -> fail(Errno.EIO, msg));
        parts.trace.onFailure(msg -> fail(Errno.EIO, msg));
    }

    /** Adds the job's slots (made by the setup, which needs this instance as their completion owner). */
    void addSlot(IoSlot s) {
        free[freeCount++] = s;
    }

    /** Any thread: starts the job on its loop after startdelay. */
    void start() {
        if (o.startdelayNanos > 0) {
            ctx.schedule(this::begin, o.startdelayNanos, TimeUnit.NANOSECONDS);
        } else {
            ctx.execute(this::begin);
        }
    }

    /** Any thread: whether the job has ended (its stats are then final). */
    boolean isDone() {
        return done;
    }

    private void begin() {
        long now = System.nanoTime();
        startNanos = now;
        stats.startEpochMillis = System.currentTimeMillis();
        long planned = 0;
        if (o.runtimeNanos > 0) {
            planned = now + o.rampTimeNanos + o.runtimeNanos;
            ctx.schedule(this::onDeadline, planned - now, TimeUnit.NANOSECONDS);
        }
        p.progress.started(now, planned);
        p.progress.state(p.runState);
        p.trace.filesOpened();
        if (p.replay != null) {
            p.replay.start(now);
        }
        if (o.rampTimeNanos > 0) {
            ctx.schedule(this::endRamp, o.rampTimeNanos, TimeUnit.NANOSECONDS);
        } else {
            startMeasuring(now);
        }
        phase = Phase.MAIN;
        source = p.mainOps;
        pump();
    }

    private void startMeasuring(long now) {
        rec.start(now);
        scheduleTick(now + rec.windowNanos());
        for (int d = 0; d < 3; d++) {
            rateMinBytes[d] = stats.direction(d).bytes;
        }
        if (o.rateMin[0] > 0 || o.rateMin[1] > 0 || o.rateMin[2] > 0) {
            ctx.schedule(this::checkRateMin, 1, TimeUnit.SECONDS);
        }
    }

    private void endRamp() {
        if (phase == Phase.MAIN && !stopping) {
            source.restartBudget();
            startMeasuring(System.nanoTime());
        }
    }

    private void scheduleTick(long at) {
        ctx.schedule(() -> onTick(at), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTick(long at) {
        if (phase != Phase.MAIN || stopping) {
            return;
        }
        long now = System.nanoTime();
        rec.tick(now);
        p.progress.fraction(source.progress());
        scheduleTick(at + rec.windowNanos());
    }

    /** rate_min, checked every second (fio's default ratecycle) of the main phase. */
    private void checkRateMin() {
        if (phase != Phase.MAIN || stopping) {
            return;
        }
        for (int d = 0; d < 3; d++) {
            long bytes = stats.direction(d).bytes;
            long got = bytes - rateMinBytes[d];
            rateMinBytes[d] = bytes;
            if (o.rateMin[d] > 0 && got < o.rateMin[d]) {
                fail(Errno.EIO, "min rate " + o.rateMin[d] + " not met, got " + got / 1024 + " KiB/sec");
                return;
            }
        }
        ctx.schedule(this::checkRateMin, 1, TimeUnit.SECONDS);
    }

    private void onDeadline() {
        if (phase == Phase.MAIN) {
            stop();
        }
    }

    /** Stops issuing in this phase; the phase ends when the queue has drained. */
    private void stop() {
        stopping = true;
        if (pending != null) {
            free[freeCount++] = pending;
            pending = null;
        }
        if (inFlight == 0) {
            refill.schedule(); // ends the phase from the loop's top level, not from inside a completion
        }
    }

    // --- issuing ------------------------------------------------------------------------------------

    private void pump() {
        int issued = 0;
        while (!stopping && inFlight < depth) {
            if (syncDue) {
                if (inFlight > 0) {
                    break;
                }
                syncDue = false;
                IoSlot s = free[--freeCount];
                s.set(IoSlot.SYNC, syncFile, 0, 0);
                syncInFlight = true;
                issue(s, System.nanoTime());
                issued++;
                break;
            }
            if (syncInFlight) {
                break;
            }
            long now = System.nanoTime();
            if (thinking) {
                if (thinkUntil - now > 0) {
                    armWake(thinkUntil);
                    break;
                }
                thinking = false;
            }
            IoSlot s = pending;
            if (s == null) {
                if (sourceDone) {
                    break;
                }
                s = free[--freeCount];
                if (!source.next(s)) {
                    free[freeCount++] = s;
                    sourceDone = true;
                    break;
                }
            }
            if (s.notBefore != 0 && s.notBefore - now > 0) {
                pending = s;
                armWake(s.notBefore);
                break;
            }
            long wait = p.rate.delay(s.ddir, now);
            if (wait > 0) {
                pending = s;
                armWake(now + wait);
                break;
            }
            pending = null;
            issue(s, now);
            issued++;
            if (phase == Phase.MAIN) {
                afterIssue(s, now);
            }
        }
        rec.submitBatch(issued);
        if (inFlight == 0 && pending == null && !syncDue && !syncInFlight && (sourceDone || stopping)) {
            phaseEnded();
        }
    }

    private void afterIssue(IoSlot s, long now) {
        if (o.thinktimeNanos > 0 && ++thinkCount >= Math.max(1, o.thinktimeBlocks)) {
            thinkCount = 0;
            thinking = true;
            thinkUntil = now + o.thinktimeNanos;
        }
        if (syncEvery > 0 && s.ddir == JobOptions.WRITE && ++writesSinceSync >= syncEvery) {
            writesSinceSync = 0;
            syncDue = true;
            syncFile = s.file;
        }
    }

    private void issue(IoSlot s, long now) {
        inFlight++;
        p.rate.charge(s.ddir, s.length, now);
        if (s.ddir == JobOptions.WRITE) {
            prepareWrite(s);
        }
        p.trace.io(s, now - startNanos);
        s.issueNanos = System.nanoTime();
        rec.issued(s);
        rec.depth(inFlight);
        IoTarget t = p.targets[s.file];
        switch (s.ddir) {
            case JobOptions.READ -> t.read(s.offset, s.view(), s);
            case JobOptions.WRITE -> t.write(s.offset, s.view(), s);
            case JobOptions.TRIM -> t.discard(s.offset, s.length, s);
            default -> t.flush(s);
        }
        s.submitNanos = System.nanoTime();
    }

    private void prepareWrite(IoSlot s) {
        if (p.fillEveryWrite) {
            p.writers[s.file].fill(s.buffer, s.offset, s.length);
        } else if (p.scramble && s.length >= 16) {
            long stamp = s.offset ^ (++scrambleCounter * 0x9E3779B97F4A7C15L);
            s.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, stamp);
            s.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, (s.length / 2) & ~7, ~stamp);
        }
    }

    /** Loop: wakes the pump at {@code at} (System.nanoTime), keeping the earliest of pending wake-ups. */
    private void armWake(long at) {
        if (wakeTimer != null) {
            if (wakeAt - at <= 0) {
                return;
            }
            wakeTimer.cancel(false);
        }
        wakeAt = at;
        wakeTimer = ctx.schedule(wakeTask, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onWake() {
        wakeTimer = null;
        if (phase != Phase.DONE && phase != Phase.WAITING) {
            pump();
        }
    }

    // --- completing -----------------------------------------------------------------------------------

    /** Loop: one request finished (called by its slot). */
    void completed(IoSlot s, int result, String detail) {
        long now = System.nanoTime();
        inFlight--;
        reaped++;
        if (s.ddir == IoSlot.SYNC) {
            syncInFlight = false;
        }
        if (result < 0) {
            if (s.accounted || stats.error == 0) {
                fail(-result, describe(s) + " failed: " + Errno.name(result) + " (" + Errno.describe(result) + ")"
                        + (detail != null ? "; " + detail : ""));
            }
        } else {
            if (s.accounted) {
                rec.completed(s, result, now);
            }
            if (s.ddir == JobOptions.READ && p.checkReads(s.verifying, phase == Phase.MAIN)) {
                String bad = p.checkers[s.file].check(s.buffer, s.offset, Math.min(result, s.length));
                if (bad != null) {
                    verifyFailed(s, bad);
                }
            }
            if (s.ddir == JobOptions.WRITE && p.written != null) {
                p.written.add(s.file, s.offset, s.length);
            }
            if (s.chainWrite && s.ddir == JobOptions.TRIM && !stopping) {
                s.ddir = JobOptions.WRITE;
                s.chainWrite = false;
                issue(s, now);
                if (phase == Phase.MAIN) {
                    afterIssue(s, now);
                }
                refill.schedule();
                return;
            }
        }
        free[freeCount++] = s;
        refill.schedule();
    }

    private void onRefill() {
        rec.completeBatch(reaped);
        reaped = 0;
        if (phase == Phase.DONE || phase == Phase.WAITING) {
            return;
        }
        if (stopping) {
            if (inFlight == 0) {
                phaseEnded();
            }
            return;
        }
        if (inFlight == 0 || depth - inFlight >= refillThreshold || syncDue) {
            pump();
        }
    }

    private void verifyFailed(IoSlot s, String what) {
        verifyErrors++;
        if (firstVerifyError == null) {
            firstVerifyError = "verify failed reading " + s.length + " bytes at offset " + s.offset + " of "
                    + p.files[s.file].name() + ": " + what;
        }
        if (o.verifyFatal) {
            fail(EILSEQ, firstVerifyError);
        }
    }

    /** Records the job's first error and stops it (fio's default without continue_on_error). */
    private void fail(int errno, String message) {
        if (stats.error == 0) {
            stats.error = Math.abs(errno);
            stats.errorMessage = message;
        }
        if (!stopping && phase != Phase.DONE) {
            stop();
        }
    }

    private String describe(IoSlot s) {
        String name = p.files[s.file].name();
        return switch (s.ddir) {
            case JobOptions.READ -> "read of " + s.length + " bytes at offset " + s.offset + " of " + name;
            case JobOptions.WRITE -> "write of " + s.length + " bytes at offset " + s.offset + " of " + name;
            case JobOptions.TRIM -> "trim of " + s.length + " bytes at offset " + s.offset + " of " + name;
            default -> "fsync of " + name;
        };
    }

    // --- phases ---------------------------------------------------------------------------------------

    private void phaseEnded() {
        long now = System.nanoTime();
        switch (phase) {
            case MAIN -> {
                rec.endSampling(now);
                if (stats.error == 0 && p.written != null) {
                    enter(Phase.VERIFY, new VerifyOps(p.written), 'V');
                } else {
                    close();
                }
            }
            case VERIFY -> {
                if (verifyErrors > 0 && stats.error == 0) {
                    stats.error = EILSEQ;
                    stats.errorMessage = firstVerifyError + (verifyErrors > 1 ? " (and " + (verifyErrors - 1) + " more bad blocks)" : "");
                }
                close();
            }
            case CLOSING -> finish(now);
            default -> {
            }
        }
    }

    private void close() {
        if (verifyErrors > 0 && stats.error == 0) {
            stats.error = EILSEQ;
            stats.errorMessage = firstVerifyError + (verifyErrors > 1 ? " (and " + (verifyErrors - 1) + " more bad blocks)" : "");
        }
        if (p.flushAtEnd && stats.error == 0) {
            enter(Phase.CLOSING, new FlushOps(p.targets.length), 'F');
        } else {
            finish(System.nanoTime());
        }
    }

    private void enter(Phase next, OpSource ops, char state) {
        phase = next;
        source = ops;
        stopping = false;
        sourceDone = false;
        thinking = false;
        syncDue = false;
        p.progress.state(state);
        pump();
    }

    private void finish(long now) {
        phase = Phase.DONE;
        if (wakeTimer != null) {
            wakeTimer.cancel(false);
            wakeTimer = null;
        }
        rec.finish(now);
        p.progress.fraction(1);
        p.progress.state('_');
        p.trace.filesClosed();
        done = true;
    }
}
