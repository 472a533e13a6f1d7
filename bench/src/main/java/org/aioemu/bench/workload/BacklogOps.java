package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * fio's verify_backlog: a writing job reads back what it wrote while it writes, instead of (only) after. The written
 * log holds every completed write; those past {@link #verified()} are the backlog. Whenever the backlog holds
 * verify_backlog writes (and the last request was not itself a read-back), the next verify_backlog_batch requests
 * (default: verify_backlog) are read-backs of the oldest unverified writes, then the workload goes on. (fio tests
 * for an exact multiple, which it always meets since it logs a write as it queues it; writes here are logged as they
 * complete, several at a time at depth, so the test is "at least".) The
 * read-backs are checked as the verify phase's are and count as the job's reads, as in fio; the verify phase at the
 * end reads back only what is left. Loop only.
 */
final class BacklogOps implements OpSource {
    private final OpSource workload;
    private final WrittenLog log;
    private final long backlog;
    private final long batch;
    private int verified;
    private long batchLeft;
    private boolean lastWasReadBack;

    BacklogOps(OpSource workload, WrittenLog log, long backlog, long batch) {
        this.workload = workload;
        this.log = log;
        this.backlog = backlog;
        this.batch = batch > 0 ? batch : backlog;
    }

    @Override
    public boolean next(IoSlot s) {
        int pendingWrites = log.size() - verified;
        if (pendingWrites > 0 && batchLeft == 0 && !lastWasReadBack && pendingWrites >= backlog) {
            batchLeft = batch;
        }
        if (pendingWrites > 0 && batchLeft > 0) {
            batchLeft--;
            long key = log.key(verified);
            s.set(JobOptions.READ, WrittenLog.file(key), WrittenLog.offset(key), log.length(verified));
            s.verifying = true;
            verified++;
            lastWasReadBack = true;
            return true;
        }
        batchLeft = 0; // nothing left to read back: the batch is over
        lastWasReadBack = false;
        return workload.next(s);
    }

    @Override
    public boolean betweenLoops() {
        return workload.betweenLoops();
    }

    /** The written log was emptied with the files: the read-backs start again from its first entry. */
    @Override
    public void nextLoop() {
        verified = 0;
        batchLeft = 0;
        lastWasReadBack = false;
        workload.nextLoop();
    }

    /** How many of the log's writes have been read back (the first ones, in completion order). */
    int verified() {
        return verified;
    }

    @Override
    public double progress() {
        return workload.progress();
    }
}
