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
    /** Longest stretch of refills inside the loop's bottom-half drain before yielding to its tasks and timers. */
    private static final long YIELD_NANOS = 1_000_000L;

    private enum Phase { WAITING, MAIN, VERIFY, CLOSING, DONE }

    private final JobParts p;
    private final JobOptions o;
    private final AioContext ctx;
    private final JobStats stats;
    private final StatsRecorder rec;
    private final BottomHalf refill;
    private final Runnable wakeTask = this::onWake;
    private final Runnable resumeTask = this::resume;
    private final int depth;
    private final int refillThreshold;
    private final Periodic periodic;

    // --- loop only ---
    private Phase phase = Phase.WAITING;
    private OpSource source;
    private final IoSlot[] free;
    private int freeCount;
    private int inFlight;
    private IoSlot pending;
    private boolean stopping;
    private boolean sourceDone;
    private final Pacing pacing;
    /** The flush of the fsync barrier: outside the iodepth slots, so a pending request can wait beside it. */
    private IoSlot syncSlot;
    private int reaped;
    private long startNanos;
    private long sliceStart;
    private boolean yieldPending;
    private ScheduledFuture<?> wakeTimer;
    private long wakeAt;
    private long scrambleCounter;
    private final VerifyTally verify = new VerifyTally();
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
        this.pacing = new Pacing(o);
        this.free = new IoSlot[depth];
        this.refill = ctx.newBottomHalf(this::onRefill);
        this.periodic = new Periodic(ctx, o, rec, parts.progress, () -> phase == Phase.MAIN && !stopping,
                () -> source.progress(), this::fail);
        rec.onLogFailure(msg -> fail(Errno.EIO, msg));
        parts.trace.onFailure(msg -> fail(Errno.EIO, msg));
    }

    /**
     * Adds the job's slots (made by the setup, which needs this instance as their completion owner): iodepth
     * for requests, then one more for the fsync barrier's flushes.
     */
    void addSlot(IoSlot s) {
        if (freeCount < depth) {
            free[freeCount++] = s;
        } else {
            syncSlot = s;
        }
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
        sliceStart = now;
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
        periodic.start(now);
    }

    private void endRamp() {
        if (phase == Phase.MAIN && !stopping) {
            if (pending != null) { // picked against the ramp's budget: drop it, the measured part starts afresh
                free[freeCount++] = pending;
                pending = null;
            }
            source.restartBudget();
            startMeasuring(System.nanoTime());
        }
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
            if (pacing.syncInFlight()) {
                break;
            }
            long now = System.nanoTime();
            long thinkUntil = pacing.thinkingUntil(now);
            if (thinkUntil != 0) {
                armWake(thinkUntil);
                break;
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
                    break; // a sync still owed after the last write is dropped, as fio does
                }
            }
            if (pacing.syncDue()) {
                pending = s; // goes after the sync, which waits for the queue to drain
                if (inFlight == 0) {
                    syncSlot.set(IoSlot.SYNC, pacing.takeSync(), 0, 0);
                    issue(syncSlot, now);
                    issued++;
                }
                break;
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
                pacing.issued(s, now);
            }
        }
        rec.submitBatch(issued);
        if (inFlight == 0 && pending == null && !pacing.syncInFlight() && (sourceDone || stopping)) {
            phaseEnded();
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
            pacing.syncDone();
        }
        if (result < 0) {
            if (s.accounted || stats.error == 0) {
                fail(-result, s.describe(p.files[s.file].name()) + " failed: " + Errno.name(result) + " (" + Errno.describe(result) + ")"
                        + (detail != null ? "; " + detail : ""));
            }
        } else {
            if (s.accounted) {
                rec.completed(s, s.ddir == JobOptions.TRIM ? s.length : result, now); // a discard returns 0
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
                    pacing.issued(s, now);
                }
                refill.schedule();
                return;
            }
        }
        if (s != syncSlot) {
            free[freeCount++] = s;
        }
        refill.schedule();
    }

    private void onRefill() {
        rec.completeBatch(reaped);
        reaped = 0;
        if (phase == Phase.DONE || phase == Phase.WAITING || yieldPending) {
            return;
        }
        if (System.nanoTime() - sliceStart > YIELD_NANOS) {
            // The loop drains bottom halves as long as any is scheduled, and fast completions keep
            // scheduling them; its task queue is likewise run until empty. Step out through a timer now
            // and then (due timers are taken in together), so the deadline and the samplers get their turn.
            yieldPending = true;
            ctx.schedule(resumeTask, 0, TimeUnit.NANOSECONDS);
            return;
        }
        refillNow();
    }

    private void resume() {
        yieldPending = false;
        sliceStart = System.nanoTime();
        if (phase != Phase.DONE) {
            refillNow();
        }
    }

    private void refillNow() {
        if (stopping) {
            if (inFlight == 0) {
                phaseEnded();
            }
            return;
        }
        if (inFlight == 0 || depth - inFlight >= refillThreshold || pacing.syncDue()) {
            pump();
        }
    }

    private void verifyFailed(IoSlot s, String what) {
        String msg = verify.bad(s, p.files[s.file].name(), what);
        if (o.verifyFatal) {
            fail(EILSEQ, msg);
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
            case VERIFY -> close();
            case CLOSING -> finish(now);
            default -> {
            }
        }
    }

    private void close() {
        if (verify.any() && stats.error == 0) {
            stats.error = EILSEQ;
            stats.errorMessage = verify.message();
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
        pacing.reset();
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
