package org.aioemu.engine;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;

/**
 * Finds a pooled request from a submission's ticket, so that a ticket, unlike a reference to a
 * recycled object, keeps naming one submission: a stale ticket cannot reach the submission that reuses
 * its request.
 *
 * <p>A ticket is {@code (sequence << SLOT_BITS) | slot}, never negative: the slot is the request's index
 * here, fixed when the request is made; the sequence is the pool's submission count at the time it was
 * queued, so it differs for every submission (it wraps after 2^39 submissions, and a ticket kept that long
 * would still have to land on the same slot to match). The request keeps its current ticket; cancel
 * compares the two.
 *
 * <p>The table holds its requests weakly: a pooled request that the object pool drops, or that sits in
 * the cache of a thread that ended, is collected, and its slot is reused by a later request. A request in
 * flight is strongly held by the queue, a worker or the done stack, so its entry stays.
 *
 * <p>Threading: any thread; every method holds this table's monitor. Only making a request (the object
 * pool's slow path) and ticket look-ups (cancel, state) come here, never a plain submit.
 */
final class RequestTable {
    static final int SLOT_BITS = 24;
    static final int MAX_SLOTS = 1 << SLOT_BITS;
    private static final long SLOT_MASK = MAX_SLOTS - 1;
    private static final long SEQUENCE_MASK = (1L << (63 - SLOT_BITS)) - 1;

    /** Slot {@code i}'s request, weakly; cleared references come back on {@link #cleared}. */
    private static final class Entry extends WeakReference<PoolRequests.IntRequest> {
        final int slot;

        Entry(PoolRequests.IntRequest r, ReferenceQueue<PoolRequests.IntRequest> q) {
            super(r, q);
            this.slot = r.slot;
        }
    }

    // --- guarded by this ---------------------------------------------------------------------------
    private final ReferenceQueue<PoolRequests.IntRequest> cleared = new ReferenceQueue<>();
    private Entry[] entries = new Entry[ObjectPool.BATCH * 2];
    private int highWater;

    /** The ticket of submission number {@code sequence} carried by the request in {@code slot}. */
    static long ticket(long sequence, int slot) {
        return ((sequence & SEQUENCE_MASK) << SLOT_BITS) | slot;
    }

    static int slotOf(long ticket) {
        return (int) (ticket & SLOT_MASK);
    }

    /** The submission number a ticket names, as {@link PoolRequest} stamps it. */
    static long submissionOf(long ticket) {
        return ticket >>> SLOT_BITS;
    }

    /** A pool's running submission count reduced to the width tickets and stamps carry. */
    static long submission(long sequence) {
        return sequence & SEQUENCE_MASK;
    }

    /** Any thread: a new pooled request with a slot of its own (a dead request's, if one was collected). */
    synchronized PoolRequests.IntRequest newRequest() {
        int slot;
        Entry dead = (Entry) cleared.poll();
        if (dead != null) {
            slot = dead.slot;
        } else {
            if (highWater == MAX_SLOTS) {
                throw new RejectedExecutionException("more than " + MAX_SLOTS + " thread-pool requests exist at once");
            }
            if (highWater == entries.length) {
                entries = Arrays.copyOf(entries, Math.min(MAX_SLOTS, entries.length * 2));
            }
            slot = highWater++;
        }
        PoolRequests.IntRequest r = new PoolRequests.IntRequest(slot);
        entries[slot] = new Entry(r, cleared);
        return r;
    }

    /** Any thread: the request that {@code ticket}'s slot holds now (maybe carrying a later submission), or null. */
    synchronized PoolRequests.IntRequest lookup(long ticket) {
        int slot = slotOf(ticket);
        if (ticket < 0 || slot >= highWater) {
            return null;
        }
        Entry e = entries[slot];
        return e == null ? null : e.get();
    }

    /** Tests: slots handed out so far. */
    synchronized int highWater() {
        return highWater;
    }
}
