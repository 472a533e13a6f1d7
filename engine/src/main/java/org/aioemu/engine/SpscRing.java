package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's request ring in the ring model (seed 003): a bounded single-producer single-consumer ring of
 * requests. The producer is the pool's loop thread; the consumer is the worker that owns the ring. Other
 * workers may also take entries ({@link #steal}) without moving the ring's indices: every cell keeps the
 * submission it was filled for, and taking is {@link PoolRequest#tryActivate}'s cas on that submission, so an
 * entry runs once whoever takes it, and the owner skips what was stolen or cancelled.
 *
 * <p>Ordering (JCTools vocabulary: {@code so} = release store, {@code lv} = acquire load): the producer
 * writes a cell, then moves the tail with a cas; the consumer {@code lvTail}s, then reads the cell. The consumer clears
 * the cell, then {@code soHead}; the producer {@code lvHead}s before it reuses a cell. A thief reads head and
 * tail with acquire and the cells opaquely; a cell it reads may already be reused, which the submission check
 * in the cas rejects. Head and tail sit on separate cache lines from each other.
 *
 * <p>Allocation: the arrays are made once; offering and taking allocate nothing.
 */
final class SpscRing extends RingIndices {
    private static final VarHandle ITEMS = MethodHandles.arrayElementVarHandle(PoolRequest[].class);
    private static final VarHandle SUBS = MethodHandles.arrayElementVarHandle(long[].class);

    private final PoolRequest[] items;
    private final long[] subs;
    private final int mask;

    /** @param capacity a power of two, at least 1 */
    SpscRing(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 1: " + capacity);
        }
        items = new PoolRequest[capacity];
        subs = new long[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Any thread: how many cells are filled and not yet passed by the owner (stolen ones included). */
    int size() {
        long h = lvHead();
        return (int) Math.max(0, lvTail() - h);
    }

    /** Any thread: whether the ring takes no more entries. */
    boolean isClosed() {
        return lpTail() < 0;
    }

    /**
     * Producer: appends submission {@code sub} of {@code req}; false when the ring is full or closed. The
     * tail moves by a cas rather than a plain store only so that {@link #close} can shut the ring against a
     * producer racing it: an entry is either in before the close, and the owner runs it, or refused.
     */
    boolean offer(PoolRequest req, long sub) {
        long t = lpTail();
        if (t < 0 || t - lvHead() > mask) {
            return false; // closed, or full
        }
        int i = (int) t & mask;
        SUBS.setOpaque(subs, i, sub);
        ITEMS.setOpaque(items, i, req);
        return casTail(t, t + 1); // publishes the cell (paired with the consumer's lvTail); fails once closed
    }

    /**
     * Owner, as it exits: refuses every later offer. Entries offered before remain for {@link #drain}. A
     * full fence (the cas), so a producer that reads the owner's state afterwards sees it exiting.
     */
    void close() {
        for (;;) {
            long t = lpTail();
            if (t < 0 || casTail(t, t | CLOSED)) {
                return;
            }
        }
    }

    /**
     * Owner: takes the oldest entry still queued, skipping cells whose submission was stolen or cancelled;
     * null when none is left. The returned request is ACTIVE and the caller's.
     */
    PoolRequest take() {
        long h = lpHead();
        long t = lvTail();
        while (h != t) {
            int i = (int) h & mask;
            PoolRequest r = (PoolRequest) ITEMS.getOpaque(items, i);
            long sub = (long) SUBS.getOpaque(subs, i);
            ITEMS.setOpaque(items, i, null);
            soHead(++h); // frees the cell (paired with the producer's lvHead)
            if (r.tryActivate(sub)) {
                return r;
            }
        }
        return null;
    }

    /** Owner (and its spin): whether an entry is waiting, stolen or cancelled ones included. */
    boolean hasEntries() {
        return lvTail() != lpHead();
    }

    /** Any thread: whether an entry may be waiting (for thieves looking at a stuck worker's ring). */
    boolean maybeEntries() {
        return lvTail() != lvHead();
    }

    /**
     * Any thread: how many entries could still be claimed (queued for the submission their cell names); the
     * indices alone also count entries stolen or cancelled behind a stuck owner.
     */
    int claimable() {
        long h = lvHead();
        long t = lvTail();
        int n = 0;
        for (; h < t; h++) {
            int i = (int) h & mask;
            PoolRequest r = (PoolRequest) ITEMS.getOpaque(items, i);
            if (r != null && r.isQueued((long) SUBS.getOpaque(subs, i))) {
                n++;
            }
        }
        return n;
    }

    /** Another worker: takes the oldest entry still queued without moving the indices; null if none. */
    PoolRequest steal() {
        long h = lvHead();
        long t = lvTail();
        for (; h < t; h++) {
            int i = (int) h & mask;
            PoolRequest r = (PoolRequest) ITEMS.getOpaque(items, i);
            long sub = (long) SUBS.getOpaque(subs, i);
            if (r != null && r.tryActivate(sub)) {
                return r;
            }
        }
        return null;
    }

    /** Takes one entry of a ring or queue for the submission it was filled for. */
    @FunctionalInterface
    interface Claim {
        boolean claim(PoolRequest req, long submission);
    }

    /**
     * Any thread: offers every entry between head and tail to {@code claim} (a cancel, when the pool stops;
     * an activation, when an exiting owner runs what is left) without moving the indices; returns how many
     * it took. Entries already taken fail their claim.
     */
    int drain(Claim claim) {
        long h = lvHead();
        long t = lvTail();
        int n = 0;
        for (; h < t; h++) {
            int i = (int) h & mask;
            PoolRequest r = (PoolRequest) ITEMS.getOpaque(items, i);
            long sub = (long) SUBS.getOpaque(subs, i);
            if (r != null && claim.claim(r, sub)) {
                n++;
            }
        }
        return n;
    }

    /** The tail's top bit: the ring is closed. */
    static final long CLOSED = Long.MIN_VALUE;

    /** The raw tail, closed bit included: the producer's own reads. */
    private long lpTail() {
        return lvTailRaw();
    }

    /**
     * The tail position, closed bit removed. A volatile read, not just acquire: a worker reads it right after
     * publishing itself as parked, a Dekker pair with the producer's cas then read of that flag.
     */
    private long lvTail() {
        return lvTailRaw() & ~CLOSED;
    }
}
