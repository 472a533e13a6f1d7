package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The queue model's one FIFO of requests waiting for a worker (seed 000's request list), without a lock on
 * its fast path: a bounded multi-producer multi-consumer ring of cells, each with a turn number (a producer
 * claims a position with a cas on the tail and publishes the cell with a release store of its turn; a consumer
 * claims a published cell with a cas on the head), and behind it an overflow list under a lock for the rare
 * moments when more than {@link #CAPACITY} requests wait.
 *
 * <p>Each cell keeps the submission it was filled for; a consumer takes the request only through
 * {@link PoolRequest#tryActivate} on that submission. So a cancel needs no unlinking from the ring: the
 * cancelled request's cell simply fails its claim, also when the request has since been recycled and queued
 * again (its new cell names a new submission). The overflow list, which links the requests themselves, is
 * unlinked by whoever takes a request out of it, cancellers included, under its lock, before the request can
 * be recycled.
 *
 * <p>FIFO: the ring is served before the overflow list, and while the list is non-empty new requests join the
 * list, so requests leave in the order they came, except between submitters racing each other.
 *
 * <p>Threading: any thread adds, takes and cancels. Allocation: none (the ring is made once; the list links
 * the requests).
 */
final class SharedQueue extends RingIndices {
    /** Requests the ring holds before further ones go to the overflow list. */
    static final int CAPACITY = 1024;
    private static final int MASK = CAPACITY - 1;
    private static final VarHandle TURNS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(PoolRequest[].class);
    private static final VarHandle SUBS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle OVERFLOW_SIZE;

    static {
        try {
            OVERFLOW_SIZE = MethodHandles.lookup().findVarHandle(SharedQueue.class, "overflowSize", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolRequest[] cells = new PoolRequest[CAPACITY];
    private final long[] subs = new long[CAPACITY];
    private final long[] turns = new long[CAPACITY];

    // --- overflow list: guarded by overflowLock; overflowSize is also read without it -------------------
    private final Object overflowLock = new Object();
    private PoolRequest overflowHead;
    private PoolRequest overflowTail;
    /** Written under the lock (release), read anywhere (acquire): adders check it to keep FIFO order. */
    @SuppressWarnings("unused") // OVERFLOW_SIZE
    private volatile int overflowSize;

    SharedQueue() {
        for (int i = 0; i < CAPACITY; i++) {
            TURNS.setRelease(turns, i, (long) i);
        }
    }

    /** Any thread: queues submission {@code sub} of {@code req}, whose stamp says QUEUED already. */
    void add(PoolRequest req, long sub) {
        if ((int) OVERFLOW_SIZE.getAcquire(this) == 0 && offerRing(req, sub)) {
            return;
        }
        synchronized (overflowLock) {
            req.prev = overflowTail;
            req.next = null;
            if (overflowTail == null) {
                overflowHead = req;
            } else {
                overflowTail.next = req;
            }
            overflowTail = req;
            req.inOverflow = true;
            OVERFLOW_SIZE.setRelease(this, overflowSize + 1);
        }
    }

    private boolean offerRing(PoolRequest req, long sub) {
        for (;;) {
            long t = lvTailRaw();
            int i = (int) t & MASK;
            long turn = (long) TURNS.getAcquire(turns, i);
            if (turn == t) {
                if (casTail(t, t + 1)) {
                    SUBS.setOpaque(subs, i, sub);
                    CELLS.setOpaque(cells, i, req);
                    TURNS.setRelease(turns, i, t + 1); // publishes the cell (paired with take's acquire)
                    return true;
                }
            } else if (turn < t) {
                return false; // full: the cell of this position is a lap behind
            }
        }
    }

    /**
     * Any thread: takes the oldest request still queued and claims it with {@code claim} (activation for a
     * worker, cancellation when the pool stops); null when none is left. Cells whose claim fails are skipped.
     */
    PoolRequest take(SpscRing.Claim claim) {
        for (;;) {
            long h = lvHead();
            int i = (int) h & MASK;
            long turn = (long) TURNS.getAcquire(turns, i);
            if (turn == h + 1) {
                if (casHead(h, h + 1)) {
                    PoolRequest r = (PoolRequest) CELLS.getOpaque(cells, i);
                    long sub = (long) SUBS.getOpaque(subs, i);
                    CELLS.setOpaque(cells, i, null);
                    TURNS.setRelease(turns, i, h + CAPACITY); // the cell is free for the next lap
                    if (claim.claim(r, sub)) {
                        return r;
                    }
                }
            } else if (turn < h + 1) {
                break; // nothing published at the head
            }
            // else another consumer took position h: read the head again
        }
        return (int) OVERFLOW_SIZE.getAcquire(this) == 0 ? null : takeOverflow(claim);
    }

    private PoolRequest takeOverflow(SpscRing.Claim claim) {
        for (;;) {
            PoolRequest r;
            synchronized (overflowLock) {
                r = overflowHead;
                if (r == null) {
                    return null;
                }
                unlink(r);
            }
            // Unlinked under the lock, so it is the current submission's entry: claim that submission.
            if (claim.claim(r, r.submission())) {
                return r;
            }
        }
    }

    /** A canceller that won {@code req}'s cas: unlinks it from the overflow list if it is there. */
    void removeCancelled(PoolRequest req) {
        synchronized (overflowLock) {
            if (req.inOverflow) {
                unlink(req);
            }
        }
    }

    /** Under the lock. */
    private void unlink(PoolRequest r) {
        if (r.prev == null) {
            overflowHead = r.next;
        } else {
            r.prev.next = r.next;
        }
        if (r.next == null) {
            overflowTail = r.prev;
        } else {
            r.next.prev = r.prev;
        }
        r.prev = null;
        r.next = null;
        r.inOverflow = false;
        OVERFLOW_SIZE.setRelease(this, overflowSize - 1);
    }

    /**
     * Any thread: requests waiting, counting cells of cancelled requests not yet passed (an estimate: exact
     * only while nobody adds or takes).
     */
    int size() {
        long h = lvHead();
        return (int) Math.max(0, lvTailRaw() - h) + (int) OVERFLOW_SIZE.getAcquire(this);
    }

    /** Any thread: whether anything may be waiting; a full fence before it pairs with adders (see Workers). */
    boolean isEmpty() {
        return lvTailRaw() == lvHead() && (int) OVERFLOW_SIZE.getAcquire(this) == 0;
    }
}
