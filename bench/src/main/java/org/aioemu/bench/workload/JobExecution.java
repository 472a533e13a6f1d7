package org.aioemu.bench.workload;

import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * One job's life on its own loop: after startdelay, the workload (ramp_time first, run but not recorded;
 * until the source runs dry, the runtime ends or an error), then the verify read-back of what it wrote, then
 * the closing flushes (end_fsync, fsync_on_close); each phase is run by the {@link IssueLoop}. The first
 * error stops the job (fio's default without continue_on_error) and is kept in its {@link JobStats} with a
 * message naming the operation, offset, file and errno.
 *
 * <p>Threading: {@link #start} and {@link #isDone} may be called from any thread; everything else runs on the
 * loop, which owns the job's state and its JobStats until {@link #isDone} is seen true (a volatile write and
 * read order them).
 */
final class JobExecution implements IssueLoop.Owner {
    /** Error number of a verify failure (EILSEQ, as fio reports it). */
    static final int EILSEQ = 84;

    private enum Phase { WAITING, MAIN, VERIFY, CLOSING, DONE }

    private final JobParts p;
    private final JobOptions o;
    private final AioContext ctx;
    private final JobStats stats;
    private final StatsRecorder rec;
    private final IssueLoop loop;
    private final Periodic periodic;
    private final VerifyTally verify = new VerifyTally();

    // --- loop only ---
    private Phase phase = Phase.WAITING;
    private volatile boolean done;
    /** Set before {@link #start}; run on the loop once the job has ended. */
    private Runnable whenDone;
    private boolean stopRequested;
    /** {@link #terminate}: a signal stopped the run, so the verify phase is skipped as fio skips it. */
    private boolean terminated;
    /** unlink_each_loop with a verify phase: the files are replaced and the next loop runs once it has drained. */
    private boolean nextLoopAfterVerify;
    private boolean deadlinePassed;

    JobExecution(JobParts parts) {
        this.p = parts;
        this.o = parts.options;
        this.ctx = parts.ctx;
        this.stats = parts.stats;
        this.rec = parts.recorder;
        this.loop = new IssueLoop(parts, this);
        this.periodic = new Periodic(ctx, rec, parts.progress, () -> phase == Phase.MAIN && !loop.stopping(),
                () -> loop.source().progress());
        rec.onLogFailure(msg -> fail(Errno.EIO, msg));
        parts.trace.onFailure(msg -> fail(Errno.EIO, msg));
    }

    /** Setup: the slots' completions come to the issue loop. */
    IssueLoop issueLoop() {
        return loop;
    }

    /** Before {@link #start}: {@code hook} runs on the job's loop once it has ended (it must not block). */
    void whenDone(Runnable hook) {
        this.whenDone = hook;
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

    /**
     * Any thread: ends the job as its deadline would (fio's exitall from another job); a job still in its
     * startdelay ends when it would have begun, without I/O.
     */
    void requestStop() {
        ctx.execute(() -> {
            stopRequested = true;
            if (phase == Phase.MAIN && !loop.stopping()) {
                loop.stop();
            }
        });
    }

    /**
     * Any thread: fio's terminate (a signal): as {@link #requestStop}, and the job skips its verify phase, stops one
     * under way, and a job not yet begun (startdelay, wait_for) ends now rather than when it would have begun.
     * What is in flight completes and is counted; the closing flushes still run.
     */
    void terminate() {
        ctx.execute(() -> {
            stopRequested = true;
            terminated = true;
            switch (phase) {
                case WAITING -> finish(System.nanoTime());
                case MAIN, VERIFY -> {
                    if (!loop.stopping()) {
                        loop.stop();
                    }
                }
                default -> {
                }
            }
        });
    }

    /**
     * Any thread, after {@link #terminate}, when the drain has taken too long (a request stuck in the kernel or on an
     * NBD server): the job ends now with the statistics it has, as fio's forceful exit of a stuck job. A request
     * still in flight is dropped uncounted when it completes, and {@link JobParts#close} leaves its buffer, files
     * and loop alone: the process exits after the results.
     */
    void abandon() {
        ctx.execute(() -> {
            if (phase == Phase.DONE) {
                return;
            }
            stopRequested = true;
            terminated = true;
            long now = System.nanoTime();
            p.requestsLeftInFlight = loop.abandon();
            if (phase == Phase.MAIN) {
                rec.endSampling(now);
            }
            finish(now);
        });
    }

    /** Whether the job ended with requests still in flight ({@link #abandon}); read once it is done. */
    int requestsLeftInFlight() {
        return p.requestsLeftInFlight;
    }

    private void begin() {
        if (stopRequested) {
            finish(System.nanoTime());
            return;
        }
        try {
            long now = System.nanoTime();
            stats.startEpochMillis = System.currentTimeMillis();
            loop.started(now);
            long planned = 0;
            if (o.runtimeNanos > 0) {
                planned = now + o.rampTimeNanos + o.runtimeNanos;
                ctx.schedule(this::onDeadline, planned - now, TimeUnit.NANOSECONDS);
            }
            p.progress.started(now, planned);
            p.progress.state(p.runState);
            p.trace.filesOpened();
            if (o.flow > 0 && p.flows != null) {
                p.flow = p.flows.join(o.flowId, o.flow);
            }
            if (p.replay != null) {
                p.replay.start(now);
            }
            if (o.rampTimeNanos > 0) {
                ctx.schedule(this::endRamp, o.rampTimeNanos, TimeUnit.NANOSECONDS);
            } else {
                startMeasuring(now);
            }
            phase = Phase.MAIN;
            loop.startPhase(p.mainOps, true);
        } catch (RuntimeException e) {
            crashed(e);
        }
    }

    private void startMeasuring(long now) {
        rec.start(now);
        periodic.start(now);
        loop.startMeasuring(now);
    }

    private void endRamp() {
        if (phase == Phase.MAIN && !loop.stopping()) {
            startMeasuring(System.nanoTime()); // the ramp's requests still count against size, as in fio
        }
    }

    private void onDeadline() {
        deadlinePassed = true; // between loops (unlink_each_loop) too: no further loop starts
        if (phase == Phase.MAIN) {
            loop.stop();
        }
    }

    /** latency_target found its depth: the final window's results are reported alone, as fio resets its stats. */
    @Override
    public void restartMeasuring(long now) {
        stats.resetCounts();
        startMeasuring(now);
    }

    /** fill_device: the file system is full; the job ends as at its deadline, without an error (as fio ends it). */
    @Override
    public void filled() {
        if (phase != Phase.DONE && phase != Phase.WAITING && !loop.stopping()) {
            loop.stop();
        }
    }

    /** Records the job's first error and stops it. */
    @Override
    public void fail(int errno, String message) {
        if (stats.error == 0) {
            stats.error = Math.abs(errno);
            stats.errorMessage = message;
        }
        if (phase != Phase.DONE && phase != Phase.WAITING && !loop.stopping()) {
            loop.stop();
        }
    }

    /**
     * fio's td_non_fatal_error: an error is of the verify class if it is EILSEQ, else of its direction's (a trim or
     * sync is a write); the job goes on if continue_on_error names the class and ignore_error's list for it (EIO and
     * EILSEQ unless given) holds the errno. Such an error is counted, not kept as the job's error.
     */
    @Override
    public boolean tolerated(int ddir, int errno, String message) {
        int kind = errno == EILSEQ ? 2 : ddir == JobOptions.READ ? 0 : 1;
        if ((o.continueOnError & (1 << kind)) == 0) {
            return false;
        }
        int[] allowed = o.ignoreError[kind];
        boolean listed = allowed == null ? errno == Errno.EIO || errno == EILSEQ : contains(allowed, errno);
        if (!listed) {
            return false;
        }
        stats.totalErr++;
        if (stats.firstError == 0) {
            stats.firstError = errno;
            stats.firstErrorMessage = message;
        }
        return true;
    }

    private static boolean contains(int[] list, int v) {
        for (int x : list) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void badRead(IoSlot s, String what) {
        if (tolerated(JobOptions.READ, EILSEQ, VerifyTally.describe(s, p.files[s.file].name(), what))) {
            return; // continue_on_error=verify: counted, and the job goes on as if the block were good
        }
        String msg = verify.bad(s, p.files[s.file].name(), what);
        if (o.verifyFatal) {
            fail(EILSEQ, msg);
        }
    }

    @Override
    public void crashed(RuntimeException e) {
        fail(Errno.EIO, o.name + ": internal error: " + e);
        if (phase == Phase.WAITING || loop.idle()) {
            finish(System.nanoTime()); // no completion will come to end it
        }
    }

    @Override
    public void drained() {
        long now = System.nanoTime();
        switch (phase) {
            case MAIN -> {
                if (stats.error == 0 && !loop.stopping() && !deadlinePassed && !stopRequested && p.mainOps.betweenLoops()) {
                    // unlink_each_loop: as fio, verify this loop's writes before its files go
                    if (p.written != null && p.verifyAtEnd) {
                        nextLoopAfterVerify = true;
                        enter(Phase.VERIFY, new VerifyOps(p.written, p.backlog != null ? p.backlog.verified() : 0,
                                o.trimVerifyZero), 'V');
                    } else {
                        nextLoop();
                    }
                    return;
                }
                rec.endSampling(now);
                if (stats.error == 0 && p.written != null && p.verifyAtEnd && !terminated) {
                    enter(Phase.VERIFY, new VerifyOps(p.written, p.backlog != null ? p.backlog.verified() : 0,
                            o.trimVerifyZero), 'V');
                } else {
                    close();
                }
            }
            case VERIFY -> {
                boolean betweenLoops = nextLoopAfterVerify;
                nextLoopAfterVerify = false;
                if (betweenLoops && stats.error == 0 && !loop.stopping() && !deadlinePassed && !stopRequested) {
                    nextLoop();
                } else {
                    if (betweenLoops) {
                        rec.endSampling(now); // the main phase's sampling, left running for the next loop
                    }
                    close();
                }
            }
            case CLOSING -> finish(now);
            default -> {
            }
        }
    }

    /** unlink_each_loop: new files, then the next loop of the workload, measured as one with those before it. */
    private void nextLoop() {
        try {
            JobSetup.unlinkAndReopen(p);
        } catch (JobSetupException e) {
            fail(e.errno(), e.getMessage());
            rec.endSampling(System.nanoTime());
            close();
            return;
        }
        if (p.written != null) {
            p.written.clear(); // what the last loop wrote is gone with its files
        }
        p.mainOps.nextLoop();
        phase = Phase.MAIN;
        p.progress.state(p.runState);
        loop.startPhase(p.mainOps, true);
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
        p.progress.state(state);
        loop.startPhase(ops, false);
    }

    private void finish(long now) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        stats.latencyDepth = loop.latencyDepth();
        if (p.flow != null) {
            p.flow.leave(); // the jobs still running are no longer held to this one's share
        }
        loop.finish();
        rec.finish(now);
        p.progress.fraction(1);
        p.progress.state('_');
        p.trace.filesClosed();
        done = true;
        Runnable hook = whenDone;
        if (hook != null) {
            hook.run();
        }
    }
}
