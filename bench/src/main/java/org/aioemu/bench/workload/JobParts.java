package org.aioemu.bench.workload;

import java.lang.foreign.Arena;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.AioContext;

/**
 * Everything {@link JobSetup} made for one job, handed to its {@link JobExecution}: the loop, the files'
 * targets, data and checkers, the op source, limiter, recorders and buffers. Fields are set on the runner
 * thread before the job starts and only read afterwards (the loop's start task publishes them); the mutable
 * parts (recorders, sources, written log) are then owned by the loop. Closed on the runner thread.
 */
final class JobParts {
    JobOptions options;
    JobClone clone;
    AioContext ctx;
    JobStats stats;
    StatsRecorder recorder;
    Progress progress;
    /** The status character while the workload runs: r/R w/W m/M d/D, lower case for random. */
    char runState;
    FileSpec[] files = new FileSpec[0];
    IoTarget[] targets = new IoTarget[0];
    WriteDataSource[] writers = new WriteDataSource[0];
    ReadChecker[] checkers = new ReadChecker[0];
    /** Fill each write from its writer (verify, refill_buffers); else buffers are filled once. */
    boolean fillEveryWrite;
    /** scramble_buffers: stamp each write so blocks differ. */
    boolean scramble;
    /** end_fsync / fsync_on_close. */
    boolean flushAtEnd;
    /** Verify reads of the workload itself (a read-only job with verify=). */
    boolean verifyMainReads;
    RateLimiter rate;
    OpSource mainOps;
    ReplayOps replay;
    /** Non-null when the job verifies what it wrote (at the end, or as it goes with verify_backlog). */
    WrittenLog written;
    /** Whether a verify phase reads back, at the end, what is still unverified (do_verify). */
    boolean verifyAtEnd;
    /** verify_backlog's source, which has read back some writes already; null without a backlog. */
    BacklogOps backlog;
    TraceRecorder trace = new TraceRecorder(new String[0]);
    LogSink[] logs = new LogSink[LogKind.values().length];
    /** verify_state_save's record of a verifying write job, or null. */
    VerifyStateRecorder verifyState;
    /** write_hist_log's log, or null. */
    ClatHistogramLog histLog;
    Arena arena;
    /** The flows of the job's batch; the job joins its own (flow=) when it starts, as fio's job thread does. */
    Flows flows;
    /**
     * The job's place in its flow, or null: set on the loop when the job starts (so a job waiting for another,
     * which issues nothing, does not hold the flow's share), left when it ends, or at the latest on close.
     */
    Flows.Member flow;
    /**
     * Requests still in flight when the job was abandoned after a signal's drain timed out (JobExecution.abandon):
     * written on the loop before the job's done flag, read by the runner after it; 0 for every job that drained.
     */
    int requestsLeftInFlight;

    /** Whether a read is checked: verify-phase reads, or workload reads of a verifying read job. */
    boolean checkReads(boolean verifying, boolean mainPhase) {
        return verifying ? true : mainPhase && verifyMainReads;
    }

    static char runState(JobOptions o) {
        JobOptions.RwMode m = o.rw;
        char c;
        if (m == JobOptions.RwMode.TRIMWRITE) {
            c = 'T';
        } else if (m.reads() && m.writes()) {
            c = 'M';
        } else if (m.writes()) {
            c = 'W';
        } else if (m.trims()) {
            c = 'D';
        } else {
            c = 'R';
        }
        return m.random ? Character.toLowerCase(c) : c;
    }

    /** Runner thread, after the job ended (or failed to start): releases everything. Returns a failure, or null. */
    String close() {
        if (flow != null) {
            flow.leave(); // a job set up but never run must not hold its flow's share
        }
        String failure = trace.close();
        String stateFailure = VerifyStates.save(this);
        failure = failure != null ? failure : stateFailure;
        // JobExecution.abandon: a request still out may complete into its buffer at any time, and closing its file or
        // loop would wait for it. The process exits after the results; the kernel reclaims them.
        boolean stuck = requestsLeftInFlight > 0;
        for (IoTarget t : targets) {
            if (t != null && !stuck) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    failure = failure != null ? failure : "closing a file: " + e.getMessage();
                }
            }
        }
        for (int i = 0; i < logs.length; i++) {
            if (logs[i] != null) {
                try {
                    logs[i].close();
                } catch (RuntimeException e) {
                    failure = failure != null ? failure : e.getMessage();
                }
                logs[i] = null;
            }
        }
        if (histLog != null) {
            try {
                histLog.close();
            } catch (RuntimeException e) {
                failure = failure != null ? failure : e.getMessage();
            }
            histLog = null;
        }
        if (stuck) {
            return failure; // the loop and the buffers stay, as the files did
        }
        if (ctx != null) {
            ctx.close();
        }
        if (arena != null) {
            arena.close();
        }
        return failure;
    }
}
