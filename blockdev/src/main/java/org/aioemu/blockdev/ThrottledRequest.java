package org.aioemu.blockdev;


/**
 * A request a {@link ThrottleFilter} holds back: what it needs to start it later, and its link in the filter's
 * queue of one direction. Nodes are recycled through the filter's free list, and a node keeps its iovec copy
 * ({@link HeldRequest}), so once the queue has been as deep as it gets, holding a request back allocates nothing.
 *
 * <p>Threading: loop only, owned by one filter.
 */
final class ThrottledRequest extends HeldRequest {
    BlockCompletion completion;
    /** Next in the queue or in the free list. */
    ThrottledRequest next;

    /** Writes, discards and write-zeroes share the write buckets; flushes are never held. */
    boolean writes() {
        return kind == WRITE || kind == WRITEV || kind == DISCARD || kind == WRITE_ZEROES;
    }

    /** Forgets the caller's objects, so a recycled node keeps no buffer or completion reachable. */
    @Override
    void clear() {
        super.clear();
        completion = null;
        next = null;
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
