package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * The pauses a job's workload makes on its own: thinktime (after every thinktime_blocks requests issued,
 * issue nothing for thinktime; requests in flight carry on) and the fsync barrier (after every fsync=N or
 * fdatasync=N writes, the next request waits: the queue drains, one flush of the file last written goes out
 * and completes, then issuing resumes; with no next request no flush is sent, as in fio). aioemu's flush is
 * always fdatasync, so fsync= and fdatasync= differ only in name. Loop only.
 */
final class Pacing {
    private final long thinkNanos;
    private final int thinkBlocks;
    private final int syncEvery;
    private boolean thinking;
    private long thinkUntil;
    private int thinkCount;
    private boolean syncDue;
    private boolean syncInFlight;
    private int syncFile;
    private int writesSinceSync;

    Pacing(JobOptions o) {
        this.thinkNanos = o.thinktimeNanos;
        this.thinkBlocks = Math.max(1, o.thinktimeBlocks);
        this.syncEvery = o.fsync > 0 ? o.fsync : o.fdatasync;
    }

    /** A workload request went out at {@code now}. */
    void issued(IoSlot s, long now) {
        if (thinkNanos > 0 && ++thinkCount >= thinkBlocks) {
            thinkCount = 0;
            thinking = true;
            thinkUntil = now + thinkNanos;
        }
        if (syncEvery > 0 && s.ddir == JobOptions.WRITE && ++writesSinceSync >= syncEvery) {
            writesSinceSync = 0;
            syncDue = true;
            syncFile = s.file;
        }
    }

    /** The end of the thinktime pause in force at {@code now}, or 0 when there is none. */
    long thinkingUntil(long now) {
        if (thinking && thinkUntil - now > 0) {
            return thinkUntil == 0 ? 1 : thinkUntil;
        }
        thinking = false;
        return 0;
    }

    /** A flush is owed (it goes out once the queue is empty). */
    boolean syncDue() {
        return syncDue;
    }

    /** The owed flush goes out now: returns the file to flush. */
    int takeSync() {
        syncDue = false;
        syncInFlight = true;
        return syncFile;
    }

    boolean syncInFlight() {
        return syncInFlight;
    }

    void syncDone() {
        syncInFlight = false;
    }

    /** A new phase: no pause carries over. */
    void reset() {
        thinking = false;
        syncDue = false;
    }
}
