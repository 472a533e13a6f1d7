package org.aioemu.blockdev.nbd;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;

/**
 * The requests an NBD client has in flight, as a table of reusable slots found by cookie. A cookie is the slot's
 * index in its low 32 bits and the slot's generation (bumped at every use) in the high 32, so a reply for a request
 * that already completed, or a cookie the client never sent, is told apart from the slot's current request. Slots
 * are made when the table grows (doubling, when more requests are in flight than ever before) and reused after:
 * steady state allocates nothing.
 *
 * <p>Threading: the loop only (the client's channel's loop), like everything of the client's transmission phase.
 */
final class NbdSlots {
    /** One request in flight: what to complete, and what its reply carries. Loop only. */
    static final class Slot {
        final int index;
        int generation;
        long cookie;
        /** NBD_CMD_* of what is on the wire now (FLUSH while an emulated FUA write flushes). */
        int type;
        long offset;
        int length;
        /** Where a read's payload goes; null otherwise. */
        MemorySegment buffer;
        /** Null while the slot is free. */
        BlockCompletion completion;
        /** An emulated FUA write: flush once the write's reply comes, then complete with {@link #result}. */
        boolean flushAfter;
        int result;

        Slot(int index) {
            this.index = index;
        }
    }

    private Slot[] slots;
    /** Stack of free slot indexes: the last freed is reused first (its cache lines are warm). */
    private int[] free;
    private int freeCount;
    private int inFlight;

    NbdSlots(int initial) {
        slots = new Slot[0];
        free = new int[0];
        grow(Math.max(1, initial));
    }

    /** Requests in flight. */
    int inFlight() {
        return inFlight;
    }

    /** A free slot with a new cookie, for a request about to be sent; the table grows when all are taken. */
    Slot acquire(BlockCompletion completion) {
        if (freeCount == 0) {
            grow(slots.length * 2);
        }
        Slot s = slots[free[--freeCount]];
        s.completion = completion;
        renew(s);
        inFlight++;
        return s;
    }

    /** Gives a slot's request a new cookie (an emulated FUA write's flush goes out under its own). */
    void renew(Slot s) {
        s.generation++;
        s.cookie = (long) s.generation << 32 | s.index;
    }

    /** The slot whose request in flight has this cookie, or null (a reply the client cannot match). */
    Slot find(long cookie) {
        int index = (int) cookie;
        if (index < 0 || index >= slots.length) {
            return null;
        }
        Slot s = slots[index];
        return s.completion != null && s.cookie == cookie ? s : null;
    }

    /** Frees a slot whose request has come back; its completion is the caller's to call. */
    void release(Slot s) {
        s.completion = null;
        s.buffer = null;
        s.flushAfter = false;
        free[freeCount++] = s.index;
        inFlight--;
    }

    /** The slot at {@code index} (0 to {@link #capacity()}), in flight or free: for failing every request at once. */
    Slot at(int index) {
        return slots[index];
    }

    int capacity() {
        return slots.length;
    }

    private void grow(int capacity) {
        int old = slots.length;
        Slot[] s = java.util.Arrays.copyOf(slots, capacity);
        int[] f = java.util.Arrays.copyOf(free, capacity);
        for (int i = capacity - 1; i >= old; i--) {
            s[i] = new Slot(i);
            f[freeCount++] = i;
        }
        slots = s;
        free = f;
    }
}
