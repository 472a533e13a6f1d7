package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A callback that runs on its {@link AioContext}'s loop thread, scheduled from any thread (QEMU's
 * {@code QEMUBH}).
 *
 * <p>Threading: {@link #schedule()} and {@link #cancel()} may be called from any thread; the callback
 * runs only on the loop. Scheduling is idempotent until the callback starts: many {@code schedule()}
 * calls before it runs give one run. The scheduled flag is cleared just before the callback is invoked,
 * so a callback that schedules its own bottom half gets exactly one more run. {@code cancel()} undoes a
 * pending schedule; a run already in progress is not interrupted. Once the context's loop has shut
 * down, a schedule is dropped without a word: nothing can run the callback any more, and the scheduling
 * thread (often a pool worker finishing late) is not the one to tell.
 *
 * <p>Allocation-free: scheduling links the bottom half itself into the context's intrusive list.
 */
public final class BottomHalf {
    private static final VarHandle SCHEDULED;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SCHEDULED = l.findVarHandle(BottomHalf.class, "scheduled", int.class);
            QUEUED = l.findVarHandle(BottomHalf.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final BottomHalfScheduler scheduler;
    final Runnable callback;

    /**
     * 1 while a run is owed. Set by schedule (cas 0 -> 1, any thread), cleared by the loop right before
     * the run (getAndSet) or by cancel. Paired with {@link #queued}: schedule writes scheduled then reads
     * queued; the loop writes queued then reads-and-clears scheduled. Both are volatile accesses, so one
     * of the two always sees the other's write and a scheduled bottom half is never left unlinked.
     */
    @SuppressWarnings("unused") // accessed through SCHEDULED
    private volatile int scheduled;

    /**
     * 1 while this bottom half is linked into the scheduler's pending stack or ready list. Set by the
     * thread that links it (cas 0 -> 1), cleared by the loop when it unlinks it.
     */
    @SuppressWarnings("unused") // accessed through QUEUED
    private volatile int queued;

    /** Link in the scheduler's stack (written before the publishing cas) or ready list (loop only). */
    BottomHalf next;

    BottomHalf(BottomHalfScheduler scheduler, Runnable callback) {
        this.scheduler = scheduler;
        this.callback = callback;
    }

    /**
     * Any thread: asks for one run of the callback on the loop. Idempotent until the run starts; dropped
     * once the loop has shut down.
     */
    public void schedule() {
        // Only the caller that flips scheduled 0 -> 1 links it, and only if it is not still linked from
        // an earlier schedule that was cancelled: the loop finds it there and sees the flag.
        if (SCHEDULED.compareAndSet(this, 0, 1) && casQueued()) {
            scheduler.push(this);
        }
    }

    /** Any thread: withdraws a pending schedule. Returns true if a run was pending and is now not. */
    public boolean cancel() {
        return SCHEDULED.compareAndSet(this, 1, 0);
    }

    /** Any thread: whether a run is owed (scheduled and not yet started or cancelled). */
    public boolean isScheduled() {
        return (int) SCHEDULED.getVolatile(this) == 1;
    }

    // --- used by BottomHalfScheduler -------------------------------------------------------------

    /** cas queued 0 -> 1: true if the caller must link this bottom half. */
    boolean casQueued() {
        return QUEUED.compareAndSet(this, 0, 1);
    }

    /** Loop only: unlink mark, written before {@link #takeScheduled()} reads the flag. */
    void svQueuedClear() {
        QUEUED.setVolatile(this, 0);
    }

    /** Loop only: clears the scheduled flag and says whether a run was owed. */
    boolean takeScheduled() {
        return (int) SCHEDULED.getAndSet(this, 0) == 1;
    }

    @Override
    public String toString() {
        return "BottomHalf[" + callback + (isScheduled() ? ", scheduled" : "") + "]";
    }
}
