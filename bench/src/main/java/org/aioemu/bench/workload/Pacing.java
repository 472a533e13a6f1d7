package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * The pauses a job's workload makes on its own: thinktime, as fio 3.33 takes it — after every thinktime_blocks
 * requests completed (thinktime_blocks_type=complete, the default) or issued ({@code issue}), or once
 * thinktime_iotime has passed since the last pause, the queue drains and then nothing is issued for thinktime —
 * and the fsync barrier (after every fsync=N or
 * fdatasync=N writes, the next request waits: the queue drains, one flush of the file last written goes out
 * and completes, then issuing resumes; with no next request no flush is sent, as in fio). aioemu's flush is
 * always fdatasync, so fsync= and fdatasync= differ only in name. sync_file_range=flags:N is a barrier of its own
 * count: after every N writes a sync_file_range of the file last written goes out, over the range its writes
 * covered since its last one (lowest offset to highest end, as fio tracks it). Loop only.
 */
final class Pacing {
    private final long thinkNanos;
    private final int thinkBlocks;
    /** thinktime_blocks_type=issue: count requests as they go out; else as they complete (fio's default). */
    private final boolean thinkOnIssue;
    /** thinktime_iotime: pause after this long doing I/O; 0 for none. */
    private final long thinkIoTimeNanos;
    /** Whether thinktime_blocks was given: with thinktime_iotime alone, the block count does not pause. */
    private final boolean thinkBlocksGiven;
    /** The pause is owed and waits for the queue to drain. */
    private boolean thinkOwed;
    /** A pause just ended (rate_ignore_thinktime forgives the rate what it missed). */
    private boolean thinkEnded;
    /** When the last pause was decided (or the phase began). */
    private long lastThink;
    private final int syncEvery;
    private boolean thinking;
    private long thinkUntil;
    private int thinkCount;
    private boolean syncDue;
    private boolean syncInFlight;
    private int syncFile;
    private int writesSinceSync;
    /** sync_file_range: every this many writes (0: never), with these flags. */
    private final int rangeEvery;
    private final int rangeFlags;
    private int writesSinceRange;
    private boolean rangeDue;
    private int rangeFile;
    /** Per file, the writes since its last sync_file_range: lowest offset and highest end; -1 when none. */
    private long[] rangeStart = new long[0];
    private long[] rangeEnd = new long[0];

    Pacing(JobOptions o) {
        this.thinkNanos = o.thinktimeNanos;
        this.thinkBlocks = Math.max(1, o.thinktimeBlocks);
        this.thinkOnIssue = o.thinktimeOnIssue;
        this.thinkIoTimeNanos = o.thinktimeIoTimeNanos;
        this.thinkBlocksGiven = o.given.containsKey("thinktime_blocks");
        this.syncEvery = o.fsync > 0 ? o.fsync : o.fdatasync;
        this.rangeEvery = o.syncFileRange;
        this.rangeFlags = o.syncFileRangeFlags;
    }

    /** A workload request went out at {@code now}. */
    void issued(IoSlot s, long now) {
        if (thinkNanos > 0 && thinkOnIssue) {
            thinkCount++;
            checkThink(now);
        }
        if (syncEvery > 0 && s.ddir == JobOptions.WRITE && ++writesSinceSync >= syncEvery) {
            writesSinceSync = 0;
            syncDue = true;
            syncFile = s.file;
        }
        if (rangeEvery > 0 && s.ddir == JobOptions.WRITE) {
            widenRange(s.file, s.offset, s.offset + s.length);
            if (++writesSinceRange >= rangeEvery) {
                writesSinceRange = 0;
                rangeDue = true;
                rangeFile = s.file;
            }
        }
    }

    private void widenRange(int file, long start, long end) {
        if (file >= rangeStart.length) {
            int n = Math.max(file + 1, rangeStart.length * 2);
            int old = rangeStart.length;
            rangeStart = java.util.Arrays.copyOf(rangeStart, n);
            rangeEnd = java.util.Arrays.copyOf(rangeEnd, n);
            java.util.Arrays.fill(rangeStart, old, n, -1);
            java.util.Arrays.fill(rangeEnd, old, n, -1);
        }
        if (rangeStart[file] < 0 || start < rangeStart[file]) {
            rangeStart[file] = start;
        }
        if (end > rangeEnd[file]) {
            rangeEnd[file] = end;
        }
    }

    /** A workload request completed at {@code now}. */
    void completed(long now) {
        if (thinkNanos > 0 && !thinkOnIssue) {
            thinkCount++;
            checkThink(now);
        }
    }

    /** fio's test for a pause: the I/O time is up, or enough blocks went since the last pause. */
    private void checkThink(long now) {
        boolean stall = false;
        if (thinkIoTimeNanos > 0) {
            if (now - lastThink >= thinkIoTimeNanos + thinkNanos) {
                stall = true;
            } else if (!thinkBlocksGiven) {
                return;
            }
        }
        if (thinkCount >= thinkBlocks) {
            stall = true;
        }
        if (stall) {
            thinkCount = 0;
            thinkOwed = true;
            lastThink = now; // fio counts the next I/O time from here, the pause included
        }
    }

    /**
     * The end of the thinktime pause in force at {@code now}; 0 when there is none; -1 when one is owed and waits
     * for the {@code inFlight} requests to complete (fio quiesces before it sleeps).
     */
    long thinkingUntil(long now, int inFlight) {
        if (thinkOwed) {
            if (inFlight > 0) {
                return -1;
            }
            thinkOwed = false;
            thinking = true;
            thinkUntil = now + thinkNanos;
        }
        if (thinking && thinkUntil - now > 0) {
            return thinkUntil == 0 ? 1 : thinkUntil;
        }
        if (thinking) {
            thinking = false;
            thinkEnded = true;
        }
        return 0;
    }

    /** Whether a pause ended since the last call. */
    boolean takeThinkEnded() {
        boolean e = thinkEnded;
        thinkEnded = false;
        return e;
    }

    /** A flush or a sync_file_range is owed (it goes out once the queue is empty). */
    boolean syncDue() {
        return syncDue || rangeDue;
    }

    /**
     * The owed flush (or, with none owed, the owed sync_file_range) goes out now: sets {@code slot} to it. A
     * sync_file_range covers the file's writes since its last one, and the next starts from none.
     */
    void takeSync(IoSlot slot) {
        syncInFlight = true;
        if (syncDue) {
            syncDue = false;
            slot.set(IoSlot.SYNC, syncFile, 0, 0);
            return;
        }
        rangeDue = false;
        int f = rangeFile;
        long start = rangeStart[f];
        slot.set(IoSlot.SYNC, f, start, 0);
        slot.syncRangeFlags = rangeFlags;
        slot.syncRangeLength = rangeEnd[f] - start;
        rangeStart[f] = -1;
        rangeEnd[f] = -1;
    }

    boolean syncInFlight() {
        return syncInFlight;
    }

    void syncDone() {
        syncInFlight = false;
    }

    /** A new phase at {@code now}: no pause carries over. */
    void reset(long now) {
        thinking = false;
        thinkOwed = false;
        thinkCount = 0;
        lastThink = now;
        syncDue = false;
        rangeDue = false;
    }
}
