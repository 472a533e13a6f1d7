package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.AioContext;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.Errno;

/**
 * QEMU's {@code throttle} filter: holds reads and writes back so that its {@link ThrottleGroup}'s limits hold. A
 * request the group's buckets allow goes to the child at once; one they do not waits in this filter's FIFO of its
 * direction (reads; writes, discards and write-zeroes), behind any already waiting, until the group lets it go from a
 * loop timer — never by sleeping. Flushes, sync_file_range, resizes and block-status pass untouched, as in QEMU.
 *
 * <p>Draining and closing: the backend's drain and close call {@link #drainBegin()}, which, as QEMU's drained section
 * does, lets every waiting request go at once (still counted in the group, so the other members pay for it): they
 * complete with their real results, and neither waits out the limits; after a drain, {@link #drainEnd()} restores
 * them. A waiting request can be cancelled: it completes with
 * ECANCELED without reaching the child.
 *
 * <p>Threading: as {@link BlockDriver}: loop only, except {@link #size()} and {@link #description()}, and the
 * group's questions ({@link #hasQueued}, {@link #inLoop}, {@link #handGrant}, {@link #schedule}), which its members
 * on other loops ask. A waiting request occupies a recycled {@link ThrottledRequest}: in steady state nothing is
 * allocated per request (the group's timer, one per wait and at most a thousand a second, is the engine's one-shot
 * object and a closure).
 */
final class ThrottleFilter extends FilterDriver {
    private final AioContext ctx;
    private final ThrottleGroup group;
    /**
     * Requests waiting per direction, for the group to read from any thread (the queues themselves are the loop's):
     * incremented after a request is queued, decremented as one leaves the queue.
     */
    private final AtomicIntegerArray queued = new AtomicIntegerArray(2);
    /** What a grant handed over from another loop runs on this one, per direction. */
    private final Runnable[] grantTasks = {() -> grantArrived(0), () -> grantArrived(1)};
    /** Cancelled waiting requests' completions, which must not run inside the cancel call. */
    private final LoopDeferred deferred;

    // --- loop only -----------------------------------------------------------------------------------------------
    /** Waiting requests by direction: 0 reads, 1 writes. */
    private final ThrottledRequest.Queue[] waiting = {new ThrottledRequest.Queue(), new ThrottledRequest.Queue()};
    private ThrottledRequest free;
    /** Drained sections open ({@link #drainBegin()} less {@link #drainEnd()}): while any is, everything goes at once. */
    private int drained;
    private boolean closed;

    /**
     * A filter over {@code child} in {@code group}, serving on {@code ctx} (the group's other members may serve on
     * other contexts).
     */
    ThrottleFilter(AioContext ctx, BlockDriver child, ThrottleGroup group) {
        super(child);
        this.ctx = ctx;
        this.group = group;
        this.deferred = new LoopDeferred(ctx);
        group.join(this);
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        if (pass(false, buffer.byteSize())) {
            child.read(offset, buffer, completion);
        } else {
            ThrottledRequest r = node(ThrottledRequest.READ, offset, buffer.byteSize(), 0, completion);
            r.buffer = buffer;
            hold(r);
        }
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        long bytes = RequestArguments.total(iov, count);
        if (pass(false, bytes)) {
            child.readv(offset, iov, count, completion);
        } else {
            ThrottledRequest r = node(ThrottledRequest.READV, offset, bytes, 0, completion);
            r.copyIov(iov, count);
            hold(r);
        }
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        if (pass(true, buffer.byteSize())) {
            child.write(offset, buffer, flags, completion);
        } else {
            ThrottledRequest r = node(ThrottledRequest.WRITE, offset, buffer.byteSize(), flags, completion);
            r.buffer = buffer;
            hold(r);
        }
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        long bytes = RequestArguments.total(iov, count);
        if (pass(true, bytes)) {
            child.writev(offset, iov, count, flags, completion);
        } else {
            ThrottledRequest r = node(ThrottledRequest.WRITEV, offset, bytes, flags, completion);
            r.copyIov(iov, count);
            hold(r);
        }
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        if (pass(true, length)) {
            child.discard(offset, length, flags, completion);
        } else {
            hold(node(ThrottledRequest.DISCARD, offset, length, flags, completion));
        }
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        if (pass(true, length)) {
            child.writeZeroes(offset, length, flags, completion);
        } else {
            hold(node(ThrottledRequest.WRITE_ZEROES, offset, length, flags, completion));
        }
    }


    /** Whether a request may go now: nothing of its direction waits here and the group's buckets allow it. */
    private boolean pass(boolean write, long bytes) {
        if (drained > 0) {
            group.account(write, bytes);
            return true;
        }
        return waiting[write ? 1 : 0].isEmpty() && group.tryPass(write, bytes);
    }

    private ThrottledRequest node(int op, long offset, long length, int flags, BlockCompletion completion) {
        ThrottledRequest r = free;
        if (r == null) {
            r = new ThrottledRequest(); // the queue is deeper than it has been: grows once
        } else {
            free = r.next;
        }
        r.kind = op;
        r.offset = offset;
        r.length = length;
        r.flags = flags;
        r.completion = completion;
        return r;
    }

    private void hold(ThrottledRequest r) {
        int dir = r.writes() ? 1 : 0;
        waiting[dir].add(r);
        queued.incrementAndGet(dir);
        group.release(dir);
    }

    private void recycle(ThrottledRequest r) {
        r.clear();
        r.next = free;
        free = r;
    }

    /** Any thread, for the group: whether a request of direction {@code dir} waits here. */
    boolean hasQueued(int dir) {
        return queued.get(dir) > 0;
    }

    /** Any thread, for the group: whether the caller runs on this member's loop. */
    boolean inLoop() {
        return ctx.inLoop();
    }

    /** Any thread, for the group: hands this member's loop a grant for {@code dir}; false if the loop has stopped. */
    boolean handGrant(int dir) {
        try {
            ctx.execute(grantTasks[dir]);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Any thread, for the group: runs {@code task} on this member's loop after {@code nanos}; false if it has stopped. */
    boolean schedule(Runnable task, long nanos) {
        try {
            ctx.schedule(task, nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Loop: a grant another loop chose for this member; the group goes on choosing from here. */
    private void grantArrived(int dir) {
        takeGrant(dir);
        group.release(dir);
    }

    /**
     * Loop, the group's grant for direction {@code dir}: the oldest waiting request goes, poured into the buckets
     * first; if none waits any more (drained or cancelled since), the grant is given back.
     */
    void takeGrant(int dir) {
        ThrottledRequest r = waiting[dir].poll();
        if (r == null) {
            group.revoke(this, dir);
            return;
        }
        queued.decrementAndGet(dir);
        group.granted(this, dir, r.length);
        start(r);
    }

    /** Starts a request that waited; the child keeps no iovec array, so the node is free again on return. */
    private void start(ThrottledRequest r) {
        try {
            r.startOn(child, r.completion);
        } finally {
            recycle(r);
        }
    }

    /**
     * Loop, the backend draining or closing: until {@link #drainEnd()} nothing waits, and every request waiting goes
     * now, in order, so that the drain ends as soon as the child's requests do (QEMU lifts the limits while drained).
     */
    @Override
    public void drainBegin() {
        drained++;
        for (int dir = 0; dir < 2; dir++) {
            ThrottledRequest r;
            while ((r = waiting[dir].poll()) != null) {
                queued.decrementAndGet(dir);
                group.account(dir == 1, r.length);
                start(r);
            }
        }
        child.drainBegin();
    }

    @Override
    public void drainEnd() {
        if (drained > 0) {
            drained--;
        }
        child.drainEnd();
    }

    @Override
    public int inFlight() {
        return child.inFlight() + waiting[0].size() + waiting[1].size() + deferred.pending();
    }

    /** A waiting request completes with ECANCELED, never reaching the child; one already sent is the child's to cancel. */
    @Override
    public boolean cancel(BlockCompletion completion) {
        for (int dir = 0; dir < 2; dir++) {
            ThrottledRequest r = waiting[dir].remove(completion);
            if (r != null) {
                queued.decrementAndGet(dir);
                recycle(r);
                deferred.later(() -> completion.complete(-Errno.ECANCELED, "cancelled while held back by throttling"));
                return true;
            }
        }
        return child.cancel(completion);
    }

    /** Leaves the group, then closes the child; requests have completed (the backend drained them). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            group.leave(this);
        }
        child.close();
    }

    @Override
    public String toString() {
        return "throttle " + group + " over " + child;
    }
}
