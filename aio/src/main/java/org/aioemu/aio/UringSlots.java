package org.aioemu.aio;

import java.util.Arrays;
import org.aioemu.engine.IntCompletion;

/**
 * The io_uring engine's table of outstanding requests. A CQE brings back only the 16 bits of
 * {@code data} its SQE carried, so every request the engine has accepted and not yet completed holds a
 * slot, and the slot number is that tag. Everything the engine must remember about a request between
 * its SQEs — the phase it is in, how far a short transfer got, its EAGAIN retries, the user data of the
 * SQE in the kernel (the key of an ASYNC_CANCEL), its state bits — lives here in parallel arrays.
 *
 * <p>Threading: loop thread only; nothing here is volatile or shared. Allocation: the arrays start
 * small and double up to {@link #MAX_SLOTS} as the number of outstanding requests grows, a setup-time
 * cost: in steady state {@link #allocate} and {@link #release} only push and pop a stack of free slot
 * numbers.
 */
final class UringSlots {
    /** The 16-bit {@code data} of an SQE: at most this many requests can be told apart in the kernel. */
    static final int MAX_SLOTS = 1 << 16;

    // --- phases: what the slot's next (or current) SQE does -------------------------------------------
    /** READ or WRITE, single (READ/WRITE) or vectored (READV/WRITEV), possibly a continuation. */
    static final byte RW = 1;
    /** FLUSH: FSYNC, with the datasync flag for fdatasync. */
    static final byte FSYNC = 2;
    /** DISCARD: FALLOCATE with PUNCH_HOLE | KEEP_SIZE. */
    static final byte DISCARD = 3;
    /** WRITE_ZEROES, first try: FALLOCATE with ZERO_RANGE. */
    static final byte ZERO_RANGE = 4;
    /** WRITE_ZEROES without ZERO_RANGE, the range lying within the file: FALLOCATE PUNCH_HOLE | KEEP_SIZE. */
    static final byte ZERO_PUNCH = 5;
    /** WRITE_ZEROES, last resort: WRITEs from the shared zero buffer. */
    static final byte ZERO_WRITE = 6;

    // --- state bits ---------------------------------------------------------------------------------
    /** An SQE of this slot is in the kernel: a CQE for it will come. */
    static final int IN_KERNEL = 1;
    /** Waiting in the engine's queue for room in the ring. */
    static final int QUEUED = 2;
    /** Its result is decided and waits in the delivery queue for the bottom half. */
    static final int DELIVERING = 4;
    /** Cancel was asked: no further SQE is issued for it; it completes with -ECANCELED or its real result. */
    static final int CANCEL_ASKED = 8;
    /**
     * An ASYNC_CANCEL naming this slot's user data is in the kernel. The slot is not reused until that
     * CQE is back, or the cancel could hit a newer request that got the same slot (and so the same user data).
     */
    static final int CANCEL_IN_KERNEL = 16;

    // --- per slot (index = slot number) ---------------------------------------------------------------
    AioRequest[] request;
    IntCompletion[] completion;
    byte[] phase;
    int[] state;
    /** Bytes done in the current phase (READ/WRITE and ZERO_WRITE). */
    long[] done;
    /** Vectored READ/WRITE: the first native iovec entry with bytes left. */
    int[] firstIov;
    /** EAGAIN resubmissions so far, bounded like {@link Transfer#MAX_EAGAIN_RETRIES}. */
    int[] eagain;
    /** The user data Netty gave the slot's last SQE: what an ASYNC_CANCEL must name. */
    long[] userData;
    /** The decided result while {@link #DELIVERING}. */
    int[] result;

    /** Free slot numbers; the top is the most recently freed (cache-warm). */
    private int[] free;
    private int freeCount;
    /** Slots handed out and not released: requests outstanding, plus slots held for a cancel's CQE. */
    private int used;

    UringSlots(int initialCapacity) {
        resize(Math.max(1, Math.min(initialCapacity, MAX_SLOTS)));
    }

    /** A free slot holding {@code req}, with fresh progress; -1 if all {@link #MAX_SLOTS} are taken. */
    int allocate(AioRequest req, IntCompletion cb) {
        if (freeCount == 0) {
            if (request.length == MAX_SLOTS) {
                return -1;
            }
            resize(Math.min(request.length * 2, MAX_SLOTS));
        }
        int slot = free[--freeCount];
        request[slot] = req;
        completion[slot] = cb;
        phase[slot] = 0;
        state[slot] = 0;
        done[slot] = 0;
        firstIov[slot] = 0;
        eagain[slot] = 0;
        userData[slot] = 0;
        result[slot] = 0;
        used++;
        return slot;
    }

    /** Returns {@code slot} to the free stack, dropping its references so nothing stays reachable. */
    void release(int slot) {
        request[slot] = null;
        completion[slot] = null;
        state[slot] = 0;
        free[freeCount++] = slot;
        used--;
    }

    /** Slots in use. */
    int used() {
        return used;
    }

    int capacity() {
        return request.length;
    }

    /** The slot holding {@code req} (by identity) whose result has not been delivered, or -1. Linear: for cancel. */
    int find(AioRequest req) {
        for (int slot = 0; slot < request.length; slot++) {
            if (request[slot] == req) {
                return slot;
            }
        }
        return -1;
    }

    boolean has(int slot, int bits) {
        return (state[slot] & bits) != 0;
    }

    void set(int slot, int bits) {
        state[slot] |= bits;
    }

    void clear(int slot, int bits) {
        state[slot] &= ~bits;
    }

    private void resize(int capacity) {
        int old = request == null ? 0 : request.length;
        request = request == null ? new AioRequest[capacity] : Arrays.copyOf(request, capacity);
        completion = completion == null ? new IntCompletion[capacity] : Arrays.copyOf(completion, capacity);
        phase = phase == null ? new byte[capacity] : Arrays.copyOf(phase, capacity);
        state = state == null ? new int[capacity] : Arrays.copyOf(state, capacity);
        done = done == null ? new long[capacity] : Arrays.copyOf(done, capacity);
        firstIov = firstIov == null ? new int[capacity] : Arrays.copyOf(firstIov, capacity);
        eagain = eagain == null ? new int[capacity] : Arrays.copyOf(eagain, capacity);
        userData = userData == null ? new long[capacity] : Arrays.copyOf(userData, capacity);
        result = result == null ? new int[capacity] : Arrays.copyOf(result, capacity);
        int[] newFree = new int[capacity];
        if (free != null) {
            System.arraycopy(free, 0, newFree, 0, freeCount);
        }
        // New slots go on the stack highest first, so the lowest new number is handed out next.
        for (int slot = capacity - 1; slot >= old; slot--) {
            newFree[freeCount++] = slot;
        }
        free = newFree;
    }
}
