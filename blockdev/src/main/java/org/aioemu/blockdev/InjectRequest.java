package org.aioemu.blockdev;


/**
 * One request an {@link InjectFilter} has a hand in: failed (waiting for its completion turn), held back by a delay,
 * or in the child with its result to be changed (short, corrupt). Records are pooled by the filter and reused, so
 * the steady state allocates nothing; a record's iovec copy grows to the largest count seen and stays.
 *
 * <p>Threading: loop only, like its filter.
 */
final class InjectRequest extends HeldRequest implements BlockCompletion {
    private final InjectFilter owner;
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

    /** Forgets the caller's buffers, so a free record keeps no memory reachable. */
    @Override
    void clear() {
        super.clear();
        completion = null;
        detail = null;
        next = null;
    }

    /** The child's completion of a SHORT or CORRUPT request. */
    @Override
    public void complete(int res, String errorDetail) {
        owner.childDone(this, res, errorDetail);
    }
}
