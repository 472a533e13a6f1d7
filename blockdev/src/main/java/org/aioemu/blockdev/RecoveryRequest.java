package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * One request on its way through a {@link RecoveryFilter}: what it asked for, how much of it is done, and how many
 * times in a row it was resubmitted without progress. Pooled by the filter; the iovec copy grows to the largest
 * count seen and stays, so the steady state allocates nothing.
 *
 * <p>Threading: loop only, like its filter.
 */
final class RecoveryRequest extends HeldRequest implements BlockCompletion {
    private final RecoveryFilter owner;
    /** Bytes already transferred by earlier, short, completions. */
    long done;
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

    boolean writes() {
        return kind == WRITE || kind == WRITEV;
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

    @Override
    void clear() {
        super.clear();
        completion = null;
        done = 0;
        retries = 0;
        cancelled = false;
    }

    @Override
    public void complete(int result, String errorDetail) {
        owner.childDone(this, result, errorDetail);
    }
}
