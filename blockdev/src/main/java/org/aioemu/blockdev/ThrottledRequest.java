package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;

/**
 * A request a {@link ThrottleFilter} holds back: what it needs to start it later, and its link in the filter's
 * queue of one direction. Nodes are recycled through the filter's free list, and a node keeps its iovec copy
 * (grown to the largest vector seen), so once the queue has been as deep as it gets, holding a request back
 * allocates nothing.
 *
 * <p>Threading: loop only, owned by one filter.
 */
final class ThrottledRequest {
    static final int READ = 0;
    static final int READV = 1;
    static final int WRITE = 2;
    static final int WRITEV = 3;
    static final int DISCARD = 4;
    static final int WRITE_ZEROES = 5;

    int op;
    long offset;
    /** Bytes the request moves: what it costs in the bps buckets. */
    long length;
    int flags;
    MemorySegment buffer;
    /**
     * This node's own copy of a vector's buffers: the caller's array is its own again once the call returns. Room for
     * a few from the start, so that a node that served single-buffer requests need not grow for a short vector.
     */
    MemorySegment[] iov = new MemorySegment[8];
    int count;
    BlockCompletion completion;
    /** Next in the queue or in the free list. */
    ThrottledRequest next;

    boolean writes() {
        return op >= WRITE;
    }

    /** Copies the first {@code n} of {@code from}, growing this node's array only when it is too short. */
    void copyIov(MemorySegment[] from, int n) {
        if (iov.length < n) {
            iov = new MemorySegment[n];
        }
        System.arraycopy(from, 0, iov, 0, n);
        count = n;
    }

    /** Forgets the caller's objects, so a recycled node keeps no buffer or completion reachable. */
    void clear() {
        buffer = null;
        completion = null;
        java.util.Arrays.fill(iov, 0, count, null);
        count = 0;
        next = null;
    }

    /** Starts the request on {@code child}: the completion is the caller's own, so it completes exactly once there. */
    void startOn(BlockDriver child) {
        switch (op) {
            case READ -> child.read(offset, buffer, completion);
            case READV -> child.readv(offset, iov, count, completion);
            case WRITE -> child.write(offset, buffer, flags, completion);
            case WRITEV -> child.writev(offset, iov, count, flags, completion);
            case DISCARD -> child.discard(offset, length, flags, completion);
            case WRITE_ZEROES -> child.writeZeroes(offset, length, flags, completion);
            default -> throw new IllegalStateException("op " + op);
        }
    }

    /** A FIFO of nodes linked through {@link #next}. Loop only. */
    static final class Queue {
        private ThrottledRequest head;
        private ThrottledRequest tail;
        private int size;

        boolean isEmpty() {
            return head == null;
        }

        int size() {
            return size;
        }

        ThrottledRequest peek() {
            return head;
        }

        void add(ThrottledRequest r) {
            r.next = null;
            if (tail == null) {
                head = r;
            } else {
                tail.next = r;
            }
            tail = r;
            size++;
        }

        ThrottledRequest poll() {
            ThrottledRequest r = head;
            if (r != null) {
                head = r.next;
                if (head == null) {
                    tail = null;
                }
                r.next = null;
                size--;
            }
            return r;
        }

        /** Unlinks the node completing through {@code c}, or returns null if none here does. */
        ThrottledRequest remove(BlockCompletion c) {
            ThrottledRequest prev = null;
            for (ThrottledRequest r = head; r != null; prev = r, r = r.next) {
                if (r.completion == c) {
                    if (prev == null) {
                        head = r.next;
                    } else {
                        prev.next = r.next;
                    }
                    if (tail == r) {
                        tail = prev;
                    }
                    r.next = null;
                    size--;
                    return r;
                }
            }
            return null;
        }
    }
}
