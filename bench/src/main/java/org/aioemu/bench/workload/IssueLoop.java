package org.aioemu.bench.workload;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.Errno;

/**
 * Keeps a job's queue full: takes operations from the phase's {@link OpSource} into iodepth slots, issues
 * them to the files' targets and takes their completions, until the source runs dry or the phase is stopped,
 * then tells its owner the queue has drained.
 *
 * <p>Issuing honours, in this order: the fsync barrier (after every fsync=/fdatasync= N writes the next
 * request waits until the queue has drained and one flush, from a slot of its own, has completed — none is
 * sent after the last write, as in fio), the thinktime pause, a trace op's timestamp, and the rate limiter;
 * each wait is a loop timer. Completions refill the queue from one bottom half, so a batch of completions
 * gives one refill, which waits until iodepth_batch_submit slots (or iodepth_batch_complete_min reaped
 * requests) are free; with iodepth_batch_complete_max the queue is refilled as soon as that many completions
 * have been taken in, before the rest of the batch (fio reaps at most that many per call). trimwrite: a trim's slot writes the same block as soon as the trim completes.
 *
 * <p>Threading: loop only; it owns the slots, the queue state and, through the recorder, the statistics.
 * The hot path (refill, pick, issue, complete, record) allocates nothing with fixed or split block sizes. An
 * exception escaping a callback is handed to the owner rather than lost in the loop.
 */
final class IssueLoop {
    /** Longest stretch of refills inside the loop's bottom-half drain before yielding to its tasks and timers. */
    private static final long YIELD_NANOS = 1_000_000L;

    /** The job around the loop. */
    interface Owner {
        /** The phase's source is exhausted or the phase was stopped, and nothing is in flight. */
        void drained();

        void fail(int errno, String message);

        /**
         * A request of direction {@code ddir} failed with {@code errno}: true if continue_on_error lets the job go on
         * (the error is counted), false if it is to fail the job.
         */
        boolean tolerated(int ddir, int errno, String message);

        /** A checked read came back wrong. */
        void badRead(IoSlot s, String what);

        /** A bug: something threw on the loop. */
        void crashed(RuntimeException e);

        /** fill_device: a write found the device or file system full, which ends the job without an error. */
        void filled();

        /** latency_target found its depth: what was counted so far is forgotten; the final window is reported. */
        void restartMeasuring(long now);
    }

    private final JobParts p;
    private final AioContext ctx;
    private final StatsRecorder rec;
    private final Owner owner;
    /** The data side of a completion: read checks, the written-block log, the verify state. */
    private final CompletedData data;
    private final BottomHalf refill;
    private final Runnable wakeTask = this::onWake;
    private final Runnable resumeTask = this::resume;
    private final int depth;
    private final int refillThreshold;
    /** iodepth_batch_complete_max: completions taken in before refilling inline (0: the whole batch). */
    private final int reapMax;
    private final Pacing pacing;
    /** A timed replay's lateness per request (issue time minus scheduled time); null for other jobs. */
    private final org.HdrHistogram.Histogram lateness;
    /** latency_target's depth search, or null. */
    private final LatencyTarget latency;
    /** latency_target changed the depth: issue nothing until the queue has drained. */
    private boolean quiescing;
    /** rate_ignore_thinktime, and the pause length. */
    private final boolean rateIgnoreThinktime;
    private final long thinkNanos;
    /** flow_sleep, in ns. */
    private final long flowSleepNanos;
    /** fill_device: ENOSPC or EDQUOT on a write ends the job instead of failing it. */
    private final boolean fillDevice;
    /** max_latency: a main-phase request slower than this fails the job with ETIMEDOUT; 0 for none. */
    private final long maxLatencyNanos;
    /** rate_min / rate_iops_min, judged at completions of the main phase; null without a minimum. */
    private final RateMinCheck rateMin;
    private final IoSlot[] free;
    /** The fsync barrier's flush: outside the iodepth slots, so a pending request can wait beside it. */
    private IoSlot syncSlot;

    // --- loop only ---
    private OpSource source;
    private boolean mainPhase;
    private boolean active;
    /** {@link #abandon}: the job has ended with requests in flight, whose completions are dropped. */
    private boolean abandoned;
    private int freeCount;
    private int inFlight;
    private IoSlot pending;
    private boolean stopping;
    private boolean sourceDone;
    private int reaped;
    private long startNanos;
    private long sliceStart;
    private boolean yieldPending;
    private ScheduledFuture<?> wakeTimer;
    private long wakeAt;
    private long scrambleCounter;

    IssueLoop(JobParts parts, Owner owner) {
        this.p = parts;
        this.ctx = parts.ctx;
        this.rec = parts.recorder;
        this.owner = owner;
        this.data = new CompletedData(parts, owner);
        JobOptions o = parts.options;
        this.depth = Math.max(1, o.iodepth);
        int batch = Math.max(1, Math.min(o.iodepthBatchSubmit, depth));
        int reap = Math.max(1, Math.min(o.iodepthBatchCompleteMin, depth));
        // iodepth_low: once full, refill only when the queue has drained to that depth (fio's low water mark).
        int low = o.iodepthLow > 0 && o.iodepthLow < depth ? depth - o.iodepthLow : 0;
        this.refillThreshold = Math.max(Math.max(batch, reap), low);
        this.reapMax = o.iodepthBatchCompleteMax > 0 ? Math.max(o.iodepthBatchCompleteMax, reap) : 0;
        this.pacing = new Pacing(o);
        this.rateMin = RateMinCheck.of(o, parts.stats);
        this.maxLatencyNanos = o.maxLatencyNanos;
        this.lateness = parts.stats.replayLateness;
        this.fillDevice = parts.options.fillDevice;
        this.flowSleepNanos = parts.options.flowSleepMicros * 1_000L;
        this.rateIgnoreThinktime = parts.options.rateIgnoreThinktime;
        this.thinkNanos = parts.options.thinktimeNanos;
        this.latency = o.latencyTargetNanos > 0 ? new LatencyTarget(o.latencyTargetNanos, o.latencyWindowNanos,
                o.latencyPercentile, o.latencyRun, depth) : null;
        this.free = new IoSlot[depth];
        this.refill = ctx.newBottomHalf(this::onRefill);
    }

    /** Setup: iodepth request slots, then one for the barrier's flushes. */
    void addSlot(IoSlot s) {
        if (freeCount < depth) {
            free[freeCount++] = s;
        } else {
            syncSlot = s;
        }
    }

    /** The job started at {@code now}: trace times count from here. */
    void started(long now) {
        startNanos = now;
        sliceStart = now;
    }

    /** Measurement (after ramp_time) starts at {@code now}: the rate minimums' settle period begins. */
    void startMeasuring(long now) {
        if (rateMin != null) {
            rateMin.start(now);
        }
    }

    /** Starts a phase: issues from {@code ops} until it runs dry or {@link #stop} is called. */
    void startPhase(OpSource ops, boolean main) {
        source = ops;
        mainPhase = main;
        quiescing = false;
        if (latency != null && main) {
            latency.start(System.nanoTime());
        }
        active = true;
        stopping = false;
        sourceDone = false;
        pacing.reset(System.nanoTime());
        pump();
    }

    OpSource source() {
        return source;
    }

    boolean stopping() {
        return stopping;
    }

    /** Nothing in flight: no completion is still to come. */
    boolean idle() {
        return inFlight == 0;
    }

    /** Stops issuing in this phase; the owner hears {@link Owner#drained} once the queue is empty. */
    void stop() {
        stopping = true;
        if (pending != null) { // picked but never issued
            free[freeCount++] = pending;
            pending = null;
        }
        if (inFlight == 0) {
            refill.schedule(); // drained, told from the loop's top level rather than from inside a completion
        }
    }

    /**
     * A signal's drain has taken too long: the job is to end with what is in flight still out. From now on a
     * completion is dropped uncounted (the statistics are the reader's once the job is done). Returns how many
     * requests were left in flight.
     */
    int abandon() {
        abandoned = true;
        stopping = true;
        return inFlight;
    }

    /** The job is over: no more issuing or waking. */
    void finish() {
        active = false;
        if (wakeTimer != null) {
            wakeTimer.cancel(false);
            wakeTimer = null;
        }
    }

    // --- issuing ------------------------------------------------------------------------------------

    private void pump() {
        int issued = 0;
        int limit = latency != null && mainPhase ? Math.min(depth, latency.depth()) : depth;
        if (quiescing && inFlight == 0) {
            quiescing = false;
        }
        while (!stopping && !quiescing && inFlight < limit) {
            if (pacing.syncInFlight()) {
                break;
            }
            long now = System.nanoTime();
            long thinkUntil = mainPhase ? pacing.thinkingUntil(now, inFlight) : 0;
            if (thinkUntil == -1) {
                break; // a pause is owed: the queue drains first, and the last completion pumps again
            }
            if (thinkUntil != 0) {
                armWake(thinkUntil);
                break;
            }
            if (pacing.takeThinkEnded()) {
                if (rateIgnoreThinktime) {
                    p.rate.forgive(now); // rate_ignore_thinktime: no catching up on the pause
                } else {
                    p.rate.paused(thinkNanos); // fio makes up what the rate missed while it thought
                }
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
                    pacing.takeSync(syncSlot);
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
            if (mainPhase && p.flow != null && p.flow.holdBack()) {
                pending = s;
                holdForFlow(now);
                break;
            }
            pending = null;
            issue(s, now);
            issued++;
            if (mainPhase) {
                pacing.issued(s, now);
            }
        }
        rec.submitBatch(issued, inFlight);
        if (inFlight == 0 && pending == null && !pacing.syncInFlight() && (sourceDone || stopping)) {
            active = false;
            owner.drained();
        }
    }

    private void issue(IoSlot s, long now) {
        p.rate.charge(s.ddir, s.length, now);
        if (s.ddir == JobOptions.WRITE) {
            prepareWrite(s);
        }
        p.trace.io(s, now - startNanos);
        IoTarget t = p.targets[s.file];
        inFlight++;
        s.issueNanos = System.nanoTime();
        if (s.notBefore != 0 && lateness != null && mainPhase) {
            lateness.recordValue(Math.min(Math.max(1, s.issueNanos - s.notBefore), org.aioemu.bench.report.JobStats.MAX_LATENCY_NANOS));
        }
        rec.issued(s);
        if (s.ddir == JobOptions.WRITE && mainPhase && p.verifyState != null) {
            p.verifyState.issued();
        }
        try {
            switch (s.ddir) {
                case JobOptions.READ -> t.read(s.offset, s.view(), s);
                case JobOptions.WRITE -> t.write(s.offset, s.view(), s);
                case JobOptions.TRIM -> t.discard(s.offset, s.length, s);
                default -> {
                    if (s.syncRangeFlags != 0) {
                        t.syncRange(s.offset, s.syncRangeLength, s.syncRangeFlags, s);
                    } else {
                        t.flush(s);
                    }
                }
            }
        } catch (RuntimeException e) {
            inFlight--; // never handed over: no completion will come
            throw e;
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

    /** Wakes the pump at {@code at} (System.nanoTime), keeping the earliest of pending wake-ups. */
    private void latencyVerdict(LatencyTarget.Verdict v, long latencyNanos, long now) {
        switch (v) {
            case QUIESCE -> quiescing = true;
            case QUIESCE_AND_RESTART_STATS -> {
                quiescing = true;
                owner.restartMeasuring(now);
            }
            case END_JOB -> stop();
            case FATAL -> owner.fail(Errno.ETIMEDOUT, "latency of " + latencyNanos / 1000 + " usec exceeds specified max ("
                    + p.options.latencyTargetNanos / 1000 + " usec)");
            case GO_ON -> {
            }
        }
    }

    /** latency_target: the depth the search is at (iodepth without a target). */
    int latencyDepth() {
        return latency != null ? latency.depth() : depth;
    }

    /**
     * flow=: the job is ahead of its share. As fio does, it first lets its queue drain (a completion pumps again),
     * then waits flow_sleep µs before it asks again; with no flow_sleep it asks again once the loop has seen to
     * whatever else is queued, so the other jobs of the flow, on their own loops, catch up meanwhile.
     */
    private void holdForFlow(long now) {
        if (inFlight > 0) {
            return;
        }
        if (flowSleepNanos > 0) {
            armWake(now + flowSleepNanos);
        } else {
            armWake(now);
        }
    }

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
        try {
            if (active) {
                pump();
            }
        } catch (RuntimeException e) {
            owner.crashed(e);
        }
    }

    // --- completing -----------------------------------------------------------------------------------

    /** One request finished (called by its slot). */
    void completed(IoSlot s, int result, String detail) {
        if (abandoned) {
            return; // the job ended without it (abandon): its statistics are no longer this loop's
        }
        try {
            complete(s, result, detail);
        } catch (RuntimeException e) {
            owner.crashed(e);
        }
    }

    private void complete(IoSlot s, int result, String detail) {
        long now = System.nanoTime();
        inFlight--;
        reaped++;
        p.trace.completed(s, result, now - startNanos);
        if (s.ddir == IoSlot.SYNC) {
            pacing.syncDone();
        } else if (mainPhase) {
            pacing.completed(now);
        }
        if (result < 0 && fillDevice && s.ddir == JobOptions.WRITE && (result == -Errno.ENOSPC || result == -Errno.EDQUOT)) {
            owner.filled(); // fio's fill_device: the device is full, which is where the job was meant to end
        } else if (result < 0) {
            String message = s.describe(p.files[s.file].name()) + " failed" + IoErrorText.of(result, detail);
            if (!owner.tolerated(s.ddir, -result, message)) {
                owner.fail(-result, message);
            }
        } else {
            if (s.accounted) {
                rec.completed(s, s.ddir == JobOptions.TRIM ? s.length : result, now); // a discard returns 0
                if (latency != null && mainPhase && (s.ddir == JobOptions.READ || s.ddir == JobOptions.WRITE)) {
                    latencyVerdict(latency.completed(now - s.issueNanos, now), now - s.issueNanos, now);
                }
                if (maxLatencyNanos > 0 && mainPhase && now - s.issueNanos > maxLatencyNanos) {
                    owner.fail(Errno.ETIMEDOUT, s.describe(p.files[s.file].name()) + ": latency " + (now - s.issueNanos) / 1000
                            + " usec exceeds max_latency " + maxLatencyNanos / 1000 + " usec");
                }
                if (rateMin != null && mainPhase && rateMin.due(now)) {
                    String missed = rateMin.check(now);
                    if (missed != null) {
                        owner.fail(Errno.EIO, missed);
                    }
                }
            }
            data.completed(s, result, mainPhase);
            if (s.chainWrite && s.ddir == JobOptions.TRIM && !stopping) {
                s.ddir = JobOptions.WRITE;
                s.chainWrite = false;
                issue(s, now);
                rec.submitBatch(1, inFlight);
                if (mainPhase) {
                    pacing.issued(s, now);
                }
                refill.schedule();
                return;
            }
        }
        if (s != syncSlot) {
            free[freeCount++] = s;
        }
        if (reapMax > 0 && reaped >= reapMax) {
            rec.completeBatch(reaped); // a reap of at most reapMax, then back to submitting
            reaped = 0;
            if (active && !yieldPending) {
                refillNow();
            }
        }
        refill.schedule();
    }

    private void onRefill() {
        rec.completeBatch(reaped);
        reaped = 0;
        if (!active || yieldPending) {
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
        if (active) {
            refillNow();
        }
    }

    private void refillNow() {
        try {
            if (stopping) {
                if (inFlight == 0) {
                    active = false;
                    owner.drained();
                }
            } else if (inFlight == 0 || depth - inFlight >= refillThreshold || pacing.syncDue()) {
                pump();
            }
        } catch (RuntimeException e) {
            owner.crashed(e);
        }
    }
}
