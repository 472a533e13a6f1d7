package org.aioemu.engine;

/**
 * The FIFO of requests waiting for a worker, linked through the requests' own {@code prev}/{@code next}
 * fields so that queuing allocates nothing and a cancel unlinks from the middle in O(1).
 *
 * <p>Threading: every method runs under the owning {@link Workers}' monitor, which also publishes the
 * links. {@link #size} is additionally readable without it (spinning workers watch it), so it is
 * volatile; its single writer is whoever holds the monitor.
 */
final class RequestQueue {
    private PoolRequest head;
    private PoolRequest tail;
    /** Written under the monitor (volatile store), read anywhere (volatile load). */
    private volatile int size;

    /** Under the monitor. */
    void add(PoolRequest req) {
        req.prev = tail;
        req.next = null;
        if (tail == null) {
            head = req;
        } else {
            tail.next = req;
        }
        tail = req;
        size = size + 1;
    }

    /** Under the monitor: the oldest request, unlinked, or null. */
    PoolRequest poll() {
        PoolRequest r = head;
        if (r != null) {
            unlink(r);
        }
        return r;
    }

    /** Under the monitor: removes {@code req}, which must be in this queue. */
    void unlink(PoolRequest req) {
        if (req.prev == null) {
            head = req.next;
        } else {
            req.prev.next = req.next;
        }
        if (req.next == null) {
            tail = req.prev;
        } else {
            req.next.prev = req.prev;
        }
        req.prev = null;
        req.next = null;
        size = size - 1;
    }

    /** Any thread (a volatile load): the number of queued requests. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
