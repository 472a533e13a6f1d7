package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * One request on its way through a {@link RecoveryFilter}: what it asked for, how much of it is done, and how many
 * times in a row it was resubmitted without progress. Pooled by the filter; the iovec copy grows to the largest
 * count seen and stays, so the steady state allocates nothing.
 *
 * <p>Threading: loop only, like its filter.
 */
final class RecoveryRequest implements BlockCompletion {
    static final int READ = 0;
    static final int READV = 1;
    static final int WRITE = 2;
    static final int WRITEV = 3;
    static final int FLUSH = 4;
    static final int DISCARD = 5;
    static final int WRITE_ZEROES = 6;

    private final RecoveryFilter owner;
    int kind;
    long offset;
    /** Bytes the request transfers (reads, writes) or covers (discard, write-zeroes). */
    long total;
    /** Bytes already transferred by earlier, short, completions. */
    long done;
    MemorySegment buffer;
    /** A copy of the caller's iovec: the caller's array is its own again when the call returns. */
    MemorySegment[] iov = new MemorySegment[4];
    int count;
    int flags;
    /** Resubmissions since the last progress (EAGAIN, EINTR). */
    int retries;
    boolean cancelled;
    /** The caller's completion; null while the record is free. */
    BlockCompletion completion;
    /** The next free record. */
    RecoveryRequest next;

    RecoveryRequest(RecoveryFilter owner) {
        this.owner = owner;
    }

    boolean transfers() {
        return kind <= WRITEV;
    }

    boolean writes() {
        return kind == WRITE || kind == WRITEV;
    }

    void copyIov(MemorySegment[] from, int n) {
        if (iov.length < n) {
            iov = new MemorySegment[Math.max(n, iov.length * 2)];
        }
        System.arraycopy(from, 0, iov, 0, n);
        count = n;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += from[i].byteSize();
        }
        total = sum;
    }

    /**
     * The part of the iovec not transferred yet (a short transfer's rest): allocates, which only the rare
     * continuation does.
     */
    MemorySegment[] restIov() {
        long skip = done;
        int i = 0;
        while (skip >= iov[i].byteSize()) {
            skip -= iov[i++].byteSize();
        }
        MemorySegment[] rest = new MemorySegment[count - i];
        System.arraycopy(iov, i, rest, 0, rest.length);
        rest[0] = rest[0].asSlice(skip);
        return rest;
    }

    void clear() {
        completion = null;
        buffer = null;
        java.util.Arrays.fill(iov, 0, count, null);
        count = 0;
        done = 0;
        retries = 0;
        cancelled = false;
    }

    @Override
    public void complete(int result, String errorDetail) {
        owner.childDone(this, result, errorDetail);
    }
}
