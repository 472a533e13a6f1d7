package org.aioemu.engine;

/**
 * The ring model (seed 003, with its review's idle-worker-first dispatch): every worker owns a small
 * single-producer single-consumer request ring ({@link SpscRing}, capacity {@link ThreadPoolConfig#ringCapacity})
 * whose producer is the loop thread. A submit on the loop places the request itself:
 * <ol>
 *   <li>for fast requests ({@link HandoffPolicy}) while busy workers hold every spare core, in the least-loaded
 *       ring of a busy worker (or the spill queue): another worker would only crowd them; the stall check
 *       is armed;</li>
 *   <li>in the empty ring of an idle worker that is awake (spinning, or back from its last request): no
 *       wake-up;</li>
 *   <li>for fast requests, in the least-loaded ring of a busy worker that will get to it within a wake-up:
 *       no wake-up, the stall check armed;</li>
 *   <li>in a parked worker's ring, waking that worker;</li>
 *   <li>else, or when every candidate ring is full, in the pool's spill queue (a {@link SharedQueue}), where
 *       any worker whose ring is empty takes from, as in the queue model — and a worker is woken or started
 *       as the queue model would.</li>
 * </ol>
 * Off the loop, a submit goes to the spill queue directly (the rings have one producer), so no submitter
 * hops through the loop. Idle first means one stuck worker cannot stall the submitter, as round-robin
 * placement would; and what waits in a stuck worker's ring is stolen by idle workers (the stall check marks the
 * worker stuck and wakes one): every ring cell names its submission, so an entry runs once whoever takes it.
 *
 * <p>A worker that exits closes its ring first (a cas on the ring's tail, which a racing producer's cas
 * loses), then runs what is still in it. Stopping cancels what waits in every ring and in the spill queue.
 *
 * <p>Threading: placement is loop only; everything else as {@link Workers}.
 */
final class RingWorkers extends Workers {
    private final int ringCapacity;

    RingWorkers(AioContext ctx, ThreadPoolConfig config, DoneSink sink) {
        super(ctx, config, sink);
        this.ringCapacity = config.ringCapacity();
    }

    @Override
    long enqueue(PoolRequest req, int slot) {
        checkOpen();
        long seq = nextSequence();
        long sub = RequestTable.submission(seq);
        long ticket = RequestTable.ticket(seq, slot);
        req.ticketed(ticket);
        req.queue(sub);
        if (!ctx.inLoop() || !place(req, sub)) {
            queue.add(req, sub);
            recheckStopping(req, sub);
            wakeForQueue();
        } else {
            recheckStopping(req, sub);
        }
        return ticket;
    }

    /**
     * Loop only: puts submission {@code sub} of {@code req} in a worker's ring, waking that worker if it is
     * parked; false if no ring should or can take it (the caller spills it).
     */
    private boolean place(PoolRequest req, long sub) {
        PoolWorker awake = null;
        PoolWorker parked = null;
        PoolWorker busy = null;
        int busyLoad = Integer.MAX_VALUE;
        for (PoolWorker w : registered()) {
            SpscRing ring = w.ring;
            int load = ring.size();
            if (load >= ringCapacity || ring.isClosed()) {
                continue;
            }
            int state = w.runState();
            if (state == PoolWorker.IDLE) {
                if (w.parked) {
                    parked = parked == null ? w : parked;
                } else if (load == 0) {
                    awake = w; // idle, awake and empty: it takes this at once
                }
            } else if (state == PoolWorker.BUSY && load < busyLoad) {
                busy = w;
                busyLoad = load;
            }
        }
        boolean fast = policy.fast();
        if (fast && covering() >= policy.busyLimit()) {
            // Fast requests and every spare core taken: another worker would only crowd the busy ones, so
            // queue behind them (their least-loaded ring, else the spill queue) and let the stall check watch.
            if (busy != null && offer(busy, req, sub)) {
                armStallCheck();
                return true;
            }
            return false;
        }
        if (awake != null && offer(awake, req, sub)) {
            return true;
        }
        if (fast && busy != null && busyLoad < policy.cover(1) && offer(busy, req, sub)) {
            armStallCheck(); // the busy worker gets to it within a wake-up
            return true;
        }
        return parked != null && offer(parked, req, sub);
    }

    /**
     * Loop: offers to {@code w}'s ring and wakes {@code w} if it has parked. The offer's cas precedes the read
     * of {@code parked}, and the worker publishes {@code parked} before its last look at its ring: one of
     * the two sees the other.
     */
    private boolean offer(PoolWorker w, PoolRequest req, long sub) {
        if (!w.ring.offer(req, sub)) {
            return false;
        }
        if (w.parked) {
            wakeIfParked(w);
        }
        return true;
    }

    @Override
    PoolRequest take(PoolWorker w) {
        PoolRequest r = w.ring.take();
        if (r != null) {
            return r;
        }
        r = queue.take(ACTIVATE);
        return r != null ? r : stealFromStuck(w);
    }

    /** Worker with nothing of its own: takes what waits in the ring of a worker the stall check found stuck. */
    private PoolRequest stealFromStuck(PoolWorker self) {
        for (PoolWorker w : registered()) {
            if (w != self && w.runState() == PoolWorker.STUCK) {
                PoolRequest r = w.ring.steal();
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    @Override
    boolean hasWork(PoolWorker w) {
        return w.ring.hasEntries() || !queue.isEmpty() || stuckHaveEntries(w);
    }

    @Override
    boolean hasOwnWork(PoolWorker w) {
        return w.ring.hasEntries();
    }

    private boolean stuckHaveEntries(PoolWorker self) {
        for (PoolWorker w : registered()) {
            if (w != self && w.runState() == PoolWorker.STUCK && w.ring.maybeEntries() && w.ring.claimable() > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    SpscRing newRing() {
        return new SpscRing(ringCapacity);
    }

    @Override
    void beforeExit(PoolWorker w) {
        w.ring.close();
        // Entries placed before the close are ours to run; anything offered after it was refused.
        w.ring.drain((r, sub) -> {
            if (r.tryActivate(sub)) {
                r.finish(r.runOnWorker());
                sink.done(r);
            }
            return false;
        });
    }

    /** Loop, from the stall check: wakes an idle worker to steal from stuck rings, or for the spill queue. */
    @Override
    void rebalance() {
        // One awake idle worker is enough to steal what waits behind stuck ones; one woken earlier may still be
        // on its way (a wake-up can take a scheduler tick when every core is busy).
        if (idle.awake() == 0 && stuckHaveEntries(null)) {
            wakeOne();
        }
        wakeForQueue();
    }

    @Override
    int queued() {
        int n = queue.size();
        for (PoolWorker w : registered()) {
            n += w.ring.claimable();
        }
        return n;
    }

    @Override
    void claimWaiting(SpscRing.Claim claim, DoneSink out) {
        for (PoolWorker w : registered()) {
            w.ring.drain((r, sub) -> {
                if (claim.claim(r, sub)) {
                    out.done(r);
                    return true;
                }
                return false;
            });
        }
        for (PoolRequest r; (r = queue.take(claim)) != null; ) {
            out.done(r);
        }
    }
}
