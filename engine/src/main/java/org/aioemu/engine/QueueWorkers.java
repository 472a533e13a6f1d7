package org.aioemu.engine;

/**
 * The queue model (seed 000): every request waits in one shared FIFO ({@link SharedQueue}) that any worker
 * takes from, and any thread submits to directly. A submit wakes a parked worker only when the spinner, the
 * workers already woken and — for fast requests — the busy workers will not get to it first
 * ({@link Workers#awakeFor}).
 *
 * <p>Threading: as {@link Workers}; nothing here takes a lock on the fast path.
 */
final class QueueWorkers extends Workers {
    QueueWorkers(AioContext ctx, ThreadPoolConfig config, DoneSink sink) {
        super(ctx, config, sink);
    }

    @Override
    long enqueue(PoolRequest req, int slot) {
        checkOpen();
        long seq = nextSequence();
        long sub = RequestTable.submission(seq);
        long ticket = RequestTable.ticket(seq, slot);
        req.ticketed(ticket);
        req.queue(sub);
        queue.add(req, sub);
        recheckStopping(req, sub);
        wakeForQueue();
        return ticket;
    }

    @Override
    PoolRequest take(PoolWorker w) {
        return queue.take(ACTIVATE);
    }

    @Override
    boolean hasWork(PoolWorker w) {
        return !queue.isEmpty();
    }

    @Override
    boolean hasOwnWork(PoolWorker w) {
        return false;
    }

    @Override
    SpscRing newRing() {
        return null;
    }

    @Override
    void rebalance() {
        wakeForQueue();
    }

    @Override
    int queued() {
        return queue.size();
    }

    @Override
    void claimWaiting(SpscRing.Claim claim, DoneSink out) {
        for (PoolRequest r; (r = queue.take(claim)) != null; ) {
            out.done(r);
        }
    }
}
