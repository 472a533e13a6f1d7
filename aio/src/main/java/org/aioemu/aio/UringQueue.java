package org.aioemu.aio;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.Errno;
import org.aioemu.engine.IntCompletion;

/**
 * The loop side of {@link IoUringEngine}: the handle registered with the context's own
 * {@code IoUringIoHandler}. It turns accepted requests into SQEs, routes CQEs back to their request by
 * the 16-bit tag (a slot of {@link UringSlots}), continues, retries and finishes requests
 * ({@link UringResults}) and delivers each result exactly once.
 *
 * <p>Threading: loop thread only, every method: Netty calls {@link #handle} and {@link #close} there, and
 * the engine calls the rest only from the loop (hopping there first when needed). So no field here is
 * volatile; the one shared counter, {@code hopping}, belongs to the engine.
 *
 * <p>Flow control: at most {@code maxInFlight} request SQEs are in the kernel; more wait in {@link #waiting}
 * (FIFO) and go in as CQEs free room, as QEMU's io_uring driver queues beyond its ring size. Netty's own
 * {@code submit} copes with a full SQ by entering the kernel at once; if it throws anyway (the kernel
 * refusing SQEs), the request goes back to the head of the queue and the queue stalls until a CQE
 * arrives or, with none to come, a 1 ms timer retries. No request is dropped.
 *
 * <p>One completion path: {@link #handle} only decides (continue, retry, or a final result); every final
 * result — from a CQE, from validation, for a zero-length request, for a request cancelled while queued —
 * waits in {@link #delivering} (or, cancelled before it got a slot, in {@link #cancelledOverflow}) for one
 * bottom half, which runs the callbacks in the same loop iteration (Netty reaps CQEs, then runs tasks). So
 * a callback never runs inside submit, cancel or Netty's CQE processing, a burst of CQEs costs one
 * bottom-half run, a callback's nested wait on the loop still gets the completions already reaped, and the
 * context re-checks {@code runUntil} conditions after it. Each callback runs after its slot is released,
 * so it may submit again.
 */
final class UringQueue implements IoUringIoHandle {
    private static final System.Logger LOG = System.getLogger(IoUringEngine.class.getName());

    private final AioContext ctx;
    private final int maxInFlight;
    /** The engine's count of submissions handed to the loop and not yet accepted; read here to know we are drained. */
    private final AtomicInteger hopping;
    private final UringSlots slots;
    private final UringSqe sqe = new UringSqe();
    private final IntRing waiting = new IntRing(64);
    private final IntRing delivering = new IntRing(64);
    private final BottomHalf deliverBh;
    private final Runnable retryTask = this::retryStalled;
    private final Runnable shutdownHook = this::close;
    /** Requests accepted while all 65,536 slots were taken; they allocate, but only at that depth. */
    private final ArrayDeque<Overflow> overflow = new ArrayDeque<>();
    /**
     * Requests cancelled while in {@link #overflow}: decided (-ECANCELED) but not yet delivered. They have no
     * slot, so they wait here rather than in {@link #delivering}, for the same bottom half.
     */
    private final ArrayDeque<Overflow> cancelledOverflow = new ArrayDeque<>();

    private IoRegistration registration;
    /** Request SQEs in the kernel: bounded by maxInFlight. */
    private int inKernel;
    /** ASYNC_CANCEL SQEs in the kernel. */
    private int cancelsInKernel;
    /** Netty's submit threw: nothing is submitted until a CQE arrives or the retry timer runs. */
    private boolean stalled;
    private boolean retryArmed;
    private boolean warnedStall;
    /** The engine is closed: once nothing is outstanding, the registration is cancelled. */
    private boolean closing;
    /** Netty has removed the registration: no CQE will come any more. */
    private boolean unregistered;
    /** Netty is tearing the loop down (it called {@link #close()}): bottom halves no longer run. */
    private boolean dying;

    private record Overflow(AioRequest request, IntCompletion completion) {
    }

    UringQueue(AioContext ctx, int maxInFlight, AtomicInteger hopping) {
        this.ctx = ctx;
        this.maxInFlight = maxInFlight;
        this.hopping = hopping;
        this.slots = new UringSlots(Math.max(64, Integer.highestOneBit(maxInFlight) * 2));
        this.deliverBh = ctx.newBottomHalf(this::deliver);
    }

    /**
     * Loop: the registration Netty made for this handle; set before the engine accepts any request. Also
     * hooks the loop's shutdown: Netty closes registered handles only if its run loop sees the shutdown
     * before it confirms it, and a shutdown that begins while the loop runs tasks skips that, which would
     * leave our requests without a completion. The hook runs on the loop in either case.
     */
    void registered(IoRegistration registration) {
        this.registration = registration;
        if (ctx.ioEventLoop() instanceof SingleThreadEventExecutor loop) {
            loop.addShutdownHook(shutdownHook);
        }
    }

    /** Loop: takes {@code req}; it completes exactly once, later, through {@code cb}. */
    void accept(AioRequest req, IntCompletion cb) {
        if (dying) {
            // Refused rather than failed inline: a callback that resubmits on failure would recurse.
            throw new IllegalStateException("the event loop of " + ctx + " is shutting down");
        }
        int slot = slots.allocate(req, cb);
        if (slot < 0) {
            overflow.add(new Overflow(req, cb));
            return;
        }
        begin(slot);
    }

    /**
     * Loop: {@link #accept} for a request submitted from another thread, whose submit has already returned.
     * If the loop is dying by the time it arrives, it fails with -ECANCELED here: there is no caller left
     * to refuse, and no bottom half will run.
     */
    void acceptHopped(AioRequest req, IntCompletion cb) {
        if (dying) {
            callback(req, cb, -Errno.ECANCELED);
        } else {
            accept(req, cb);
        }
    }

    private void begin(int slot) {
        AioRequest req = slots.request[slot];
        req.clearOutcome();
        int bad = RawIo.check(req);
        if (bad != 0) {
            finishLater(slot, bad);
        } else if (!UringResults.start(slots, slot)) {
            finishLater(slot, 0);
        } else {
            issue(slot);
        }
    }

    /** Sends the slot's next SQE, or queues it behind the others when the ring is at its limit or stalled. */
    private void issue(int slot) {
        if (stalled || inKernel >= maxInFlight || !waiting.isEmpty()) {
            waiting.addLast(slot);
            slots.set(slot, UringSlots.QUEUED);
            return;
        }
        submitSqe(slot);
    }

    /** Fills the ring from the queue while there is room. */
    private void pump() {
        while (!stalled && inKernel < maxInFlight && !waiting.isEmpty()) {
            int slot = waiting.pollFirst();
            slots.clear(slot, UringSlots.QUEUED);
            submitSqe(slot);
        }
    }

    private void submitSqe(int slot) {
        sqe.prepare(slots, slot);
        long userData;
        try {
            userData = registration.submit(ops());
        } catch (RuntimeException e) {
            stall(slot, e);
            return;
        }
        if (userData == 0) {
            // Netty's answer for a registration that is no longer valid: the loop is shutting down.
            finishLater(slot, -Errno.ECANCELED);
            return;
        }
        slots.userData[slot] = userData;
        slots.set(slot, UringSlots.IN_KERNEL);
        inKernel++;
    }

    /** The prepared SQE as Netty's ops; small, so it inlines into the submit site and the JIT can drop the object. */
    private IoUringIoOps ops() {
        return new IoUringIoOps(sqe.opcode, (byte) 0, (short) 0, sqe.fd, sqe.off, sqe.addr, sqe.len, sqe.opFlags,
                sqe.data, (short) 0, (short) 0, 0, 0L);
    }

    private void stall(int slot, RuntimeException e) {
        waiting.addFirst(slot);
        slots.set(slot, UringSlots.QUEUED);
        if (!stalled) {
            stalled = true;
            // Warn once per engine: a ring under pressure refuses again and again, and each recovers.
            LOG.log(warnedStall ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "io_uring refused an SQE ("
                    + e + "); " + waiting.size() + " request(s) wait for the ring to drain");
            warnedStall = true;
        }
        if (inKernel == 0 && cancelsInKernel == 0 && !retryArmed) {
            retryArmed = true; // no CQE will come to restart the queue
            ctx.schedule(retryTask, 1, TimeUnit.MILLISECONDS);
        }
    }

    private void retryStalled() {
        retryArmed = false;
        stalled = false;
        pump();
    }

    // --- completions --------------------------------------------------------------------------------

    /** Netty, on the loop: one CQE of ours. The event object is reused for the next CQE: copy, don't keep. */
    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        IoUringIoEvent cqe = (IoUringIoEvent) event;
        int res = cqe.res();
        int slot = UringSqe.slot(cqe.userData());
        if (cqe.opcode() == UringSqe.IORING_OP_ASYNC_CANCEL) {
            cancelDone(slot);
        } else {
            requestDone(slot, res);
        }
        stalled = false; // the ring moved: worth trying the queue again
        pump();
        checkDrained();
    }

    private void requestDone(int slot, int res) {
        inKernel--;
        slots.clear(slot, UringSlots.IN_KERNEL);
        int r = UringResults.onCqe(slots, slot, res);
        if (r == UringResults.RESUBMIT) {
            if (!slots.has(slot, UringSlots.CANCEL_ASKED)) {
                issue(slot);
                return;
            }
            r = -Errno.ECANCELED; // cancelled between two steps: stop here
        }
        finishLater(slot, r);
    }

    /** An ASYNC_CANCEL's CQE: 0, -ENOENT or -EALREADY; the target reports its own outcome. */
    private void cancelDone(int slot) {
        cancelsInKernel--;
        slots.clear(slot, UringSlots.CANCEL_IN_KERNEL);
        if (slots.request[slot] == null) {
            releaseSlot(slot); // the target completed first and left the slot held for this CQE
        }
    }

    /** Records {@code r}, frees the slot (or holds it for a cancel's CQE), then runs the callback. */
    private void complete(int slot, int r) {
        AioRequest req = slots.request[slot];
        IntCompletion cb = slots.completion[slot];
        if (slots.has(slot, UringSlots.CANCEL_IN_KERNEL)) {
            slots.request[slot] = null;
            slots.completion[slot] = null;
        } else {
            releaseSlot(slot);
        }
        callback(req, cb, r);
    }

    private static void callback(AioRequest req, IntCompletion cb, int r) {
        RawIo.finish(req, r);
        try {
            cb.complete(r);
        } catch (Throwable t) {
            // Not into Netty: its loop would log it and sleep. The engine's state is already consistent.
            LOG.log(System.Logger.Level.ERROR, "completion of " + req + " threw", t);
        }
    }

    private void releaseSlot(int slot) {
        slots.release(slot);
        Overflow next = overflow.poll();
        if (next != null) {
            begin(slots.allocate(next.request(), next.completion()));
        }
    }

    private void finishLater(int slot, int r) {
        if (dying) {
            complete(slot, r); // no bottom half will run any more
            return;
        }
        slots.result[slot] = r;
        slots.set(slot, UringSlots.DELIVERING);
        delivering.addLast(slot);
        deliverBh.schedule();
    }

    /**
     * Bottom half: every final result, in the order decided (those of slot-less cancelled overflow requests
     * after the slots' of the same run). Reschedules itself before each callback while more wait, for nested waits.
     */
    private void deliver() {
        while (!delivering.isEmpty()) {
            int slot = delivering.pollFirst();
            if (!delivering.isEmpty() || !cancelledOverflow.isEmpty()) {
                deliverBh.schedule();
            }
            slots.clear(slot, UringSlots.DELIVERING);
            complete(slot, slots.result[slot]);
        }
        for (Overflow o; (o = cancelledOverflow.poll()) != null; ) {
            if (!cancelledOverflow.isEmpty()) {
                deliverBh.schedule();
            }
            callback(o.request(), o.completion(), -Errno.ECANCELED);
        }
        checkDrained();
    }

    // --- cancel ---------------------------------------------------------------------------------------

    /**
     * Loop: cancels {@code req} if it is outstanding here. A queued request is taken out and completes with
     * -ECANCELED; one in the kernel gets an ASYNC_CANCEL and completes with -ECANCELED, or with its real
     * result if the kernel finished it first. Returns false if {@code req} is not outstanding here, or its
     * result is already decided.
     */
    boolean cancel(AioRequest req) {
        int slot = slots.find(req);
        if (slot < 0) {
            return cancelOverflowed(req);
        }
        if (slots.has(slot, UringSlots.DELIVERING)) {
            return false;
        }
        if (slots.has(slot, UringSlots.QUEUED)) {
            waiting.remove(slot);
            slots.clear(slot, UringSlots.QUEUED);
            finishLater(slot, -Errno.ECANCELED);
            return true;
        }
        if (!slots.has(slot, UringSlots.CANCEL_ASKED)) {
            slots.set(slot, UringSlots.CANCEL_ASKED);
            if (slots.has(slot, UringSlots.IN_KERNEL)) {
                submitCancel(slot);
            }
        }
        return true;
    }

    /**
     * Cancel of a request without a slot: if it waits in {@link #overflow}, it is taken out and its
     * -ECANCELED queued for the delivery bottom half, like a queued slot's. Linear, as {@link UringSlots#find}.
     * Never while {@link #dying}: {@link #close()} empties the overflow then and nothing refills it.
     */
    private boolean cancelOverflowed(AioRequest req) {
        for (var it = overflow.iterator(); it.hasNext(); ) {
            Overflow o = it.next();
            if (o.request() == req) {
                it.remove();
                cancelledOverflow.add(o);
                deliverBh.schedule();
                return true;
            }
        }
        return false;
    }

    private void submitCancel(int slot) {
        try {
            sqe.prepareCancel(slots.userData[slot], slot);
            if (registration.submit(ops()) != 0) {
                slots.set(slot, UringSlots.CANCEL_IN_KERNEL);
                cancelsInKernel++;
            }
        } catch (RuntimeException e) {
            // The ring refused the cancel: the request runs to its end, CANCEL_ASKED still stops any continuation.
            LOG.log(System.Logger.Level.DEBUG, "io_uring refused an ASYNC_CANCEL", e);
        }
    }

    // --- closing --------------------------------------------------------------------------------------

    /** Loop: the engine is closed; unregister as soon as nothing is outstanding (at once if nothing is). */
    void beginClose() {
        closing = true;
        checkDrained();
    }

    /** Loop: whether Netty has removed the registration, so no CQE will come any more. */
    boolean isUnregistered() {
        return unregistered;
    }

    /**
     * Loop: once closing and nothing is outstanding — no slot, no overflow, no submission on its way here —
     * cancels the registration. Called after every change that may have drained the queue, and handed to the
     * loop by a submitter that backed out of a closing engine (the hop count is the one input that changes
     * off the loop). Idempotent.
     */
    void checkDrained() {
        if (closing && !unregistered && slots.used() == 0 && overflow.isEmpty() && cancelledOverflow.isEmpty()
                && hopping.get() == 0 && registration.isValid()) {
            // Nothing in the kernel, so Netty removes the registration at once (or after the CQE being handled).
            registration.cancel();
        }
    }

    /**
     * Netty, on the loop: the registration is gone. While the loop runs, a bottom half run makes the context
     * re-check a closer's wait condition now. Not once {@link #dying}: Netty may call this from its final
     * teardown, when the loop refuses tasks, and a throw from here would cut short Netty's handling of the
     * rest of that batch of CQEs, other handles' too (a closer waiting then is released by the context's close).
     */
    @Override
    public void unregistered() {
        unregistered = true;
        if (ctx.ioEventLoop() instanceof SingleThreadEventExecutor loop) {
            loop.removeShutdownHook(shutdownHook); // a long-lived loop must not collect hooks of closed engines
        }
        if (!dying) {
            deliverBh.schedule();
        }
    }

    /**
     * Netty (or our shutdown hook), on the loop, when the loop shuts down with this handle still registered
     * (the context closed before the engine). Idempotent. Bottom halves do not run any more, so from here
     * on results are delivered inline: queued requests fail here and now with -ECANCELED; requests in the
     * kernel get an ASYNC_CANCEL and complete as Netty's shutdown drain hands us their CQEs (it waits a
     * bounded time: a request the kernel can neither cancel nor finish within it never completes — close
     * the engine first).
     */
    @Override
    public void close() {
        if (dying || unregistered) {
            return; // the shutdown hook after Netty's own close, or a close after we are gone
        }
        closing = true;
        dying = true;
        for (Overflow o; (o = overflow.poll()) != null; ) {
            callback(o.request(), o.completion(), -Errno.ECANCELED);
        }
        for (Overflow o; (o = cancelledOverflow.poll()) != null; ) {
            callback(o.request(), o.completion(), -Errno.ECANCELED);
        }
        while (!delivering.isEmpty()) {
            int slot = delivering.pollFirst();
            slots.clear(slot, UringSlots.DELIVERING);
            complete(slot, slots.result[slot]);
        }
        while (!waiting.isEmpty()) {
            int slot = waiting.pollFirst();
            slots.clear(slot, UringSlots.QUEUED);
            complete(slot, -Errno.ECANCELED);
        }
        for (int slot = 0; slot < slots.capacity(); slot++) {
            if (slots.has(slot, UringSlots.IN_KERNEL) && !slots.has(slot, UringSlots.CANCEL_ASKED)) {
                slots.set(slot, UringSlots.CANCEL_ASKED);
                submitCancel(slot);
            }
        }
        if (registration != null) {
            registration.cancel(); // Netty still routes the CQEs owed to us, then unregisters
        }
    }

    @Override
    public String toString() {
        return "io_uring queue[" + inKernel + " in the kernel, " + waiting.size() + " waiting, "
                + slots.used() + " slots used" + (closing ? ", closing" : "") + "]";
    }
}
