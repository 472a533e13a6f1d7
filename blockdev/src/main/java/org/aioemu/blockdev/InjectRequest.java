package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * One request an {@link InjectFilter} has a hand in: failed (waiting for its completion turn), held back by a delay,
 * or in the child with its result to be changed (short, corrupt). Records are pooled by the filter and reused, so
 * the steady state allocates nothing; a record's iovec copy grows to the largest count seen and stays.
 *
 * <p>Threading: loop only, like its filter.
 */
final class InjectRequest implements BlockCompletion {
    static final int READ = 0;
    static final int READV = 1;
    static final int WRITE = 2;
    static final int WRITEV = 3;
    static final int FLUSH = 4;
    static final int DISCARD = 5;
    static final int WRITE_ZEROES = 6;

    private final InjectFilter owner;
    int kind;
    long offset;
    /** Bytes of a discard or write-zeroes. */
    long length;
    MemorySegment buffer;
    /** A copy of the caller's iovec (its array is the caller's again once the call returns). */
    MemorySegment[] iov = new MemorySegment[4];
    int count;
    int flags;
    /** The caller's completion; null while the record is free. */
    BlockCompletion completion;
    /** The index of the rule that hit the request. */
    int rule;
    /** FAIL: what it completes with. */
    int result;
    String detail;
    /** DELAY: the {@link System#nanoTime()} at which it goes on to the child. */
    long due;
    /** The next record in the filter's held or free list. */
    InjectRequest next;

    InjectRequest(InjectFilter owner) {
        this.owner = owner;
    }

    void copyIov(MemorySegment[] from, int n) {
        if (iov.length < n) {
            iov = new MemorySegment[Math.max(n, iov.length * 2)];
        }
        System.arraycopy(from, 0, iov, 0, n);
        count = n;
    }

    /** Forgets the caller's buffers, so a free record keeps no memory reachable. */
    void clear() {
        completion = null;
        buffer = null;
        java.util.Arrays.fill(iov, 0, count, null);
        count = 0;
        detail = null;
        next = null;
    }

    /** The child's completion of a SHORT or CORRUPT request. */
    @Override
    public void complete(int res, String errorDetail) {
        owner.childDone(this, res, errorDetail);
    }
}
