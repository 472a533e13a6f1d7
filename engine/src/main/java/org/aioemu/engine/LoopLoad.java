package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How much of its core the loop's own work takes: the time it spends running tasks, bottom halves and I/O
 * handlers, as opposed to waiting for them (polling or blocked). A thread pool's hand-off counts the rest of that
 * core as free for its workers ({@link HandoffPolicy#busyLimit}): a loop that mostly waits (an lz4 convert, whose
 * work is all on the workers) leaves its core to them, one that is busy issuing and completing requests (page-cache
 * reads, with the reads it serves itself) keeps it. Polling is not work: a loop that polls gives its core up as
 * soon as a worker needs it (the hand-off's hint stops the polling then).
 *
 * <p>The share is measured over windows of at least {@link #WINDOW_NANOS} and published at the end of each; until
 * the first window ends it is a whole core, the cautious assumption the hand-off made before it was measured.
 *
 * <p>Each window also says whether the CPUs are {@link #contended}: whether the loop thread waited on a run queue for
 * more than {@link #CONTENDED_PERMILLE} of it (the kernel's {@code schedstat} for the thread). Then more threads want
 * to run than there are CPUs for them (busy workers, the JIT compiler, another process), and a loop that polls takes
 * CPU from them instead of saving a wake-up; the loop blocks instead until a window is uncontended again. A 2-thread
 * lz4 convert on 2 vCPUs (workers, loop, JIT and main thread all runnable) ran 1.34 s (median of 4) with the loop
 * polling for its workers' completions and 1.06 s with this rule.
 *
 * <p>Threading: {@link #waitBegins}, {@link #waitEnded}, {@link #contended} and {@link #close} are the loop's, the
 * single writer of every field; {@link #workPermille} is read from any thread (an opaque load: some recent window's
 * figure).
 */
final class LoopLoad {
    /** Shortest measuring window: long against a wait and a burst of work, short against a change of workload. */
    static final long WINDOW_NANOS = 10_000_000;
    /**
     * Run-queue wait above this share of a window (thousandths) is contention: well above the scheduler's own
     * noise (a tick, a kernel thread: a few thousandths), and a sign that threads that could run are waiting.
     */
    static final int CONTENDED_PERMILLE = 100;
    private static final VarHandle PERMILLE;

    static {
        try {
            PERMILLE = MethodHandles.lookup().findVarHandle(LoopLoad.class, "permille", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // PERMILLE
    private int permille = 1000;
    // --- loop only ---
    /** Whether the first wait has opened the first window (System.nanoTime may be any value, so no sentinel). */
    private boolean measuring;
    private long windowStart;
    private long waitedInWindow;
    private long waitStart;
    /** The loop thread's schedstat, opened on the loop at the first wait (null where procfs has none). */
    private java.nio.channels.FileChannel schedstat;
    private java.nio.ByteBuffer schedBuf;
    /** Run-queue wait when the window opened, or -1 if unknown. */
    private long queuedAtWindowStart = -1;
    private boolean contended;

    /** Loop: it has run out of work at {@code now} and starts to wait (poll, then perhaps block). */
    void waitBegins(long now) {
        if (!measuring) {
            measuring = true;
            windowStart = now;
            schedstat = ThreadStates.openOwnSchedstat();
            schedBuf = java.nio.ByteBuffer.allocateDirect(128);
            queuedAtWindowStart = ThreadStates.runQueueNanos(schedstat, schedBuf);
        }
        waitStart = now;
    }

    /** Loop: the wait begun by {@link #waitBegins} ended at {@code now}; closes the window when it is long enough. */
    void waitEnded(long now) {
        waitedInWindow += now - waitStart;
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            long work = Math.max(0, elapsed - waitedInWindow);
            PERMILLE.setOpaque(this, (int) Math.min(1000, work * 1000 / elapsed));
            long queued = ThreadStates.runQueueNanos(schedstat, schedBuf);
            contended = queued >= 0 && queuedAtWindowStart >= 0
                    && (queued - queuedAtWindowStart) * 1000 / elapsed > CONTENDED_PERMILLE;
            queuedAtWindowStart = queued;
            windowStart = now;
            waitedInWindow = 0;
        }
    }

    /** Loop: whether the last window found the CPUs oversubscribed (see the class comment); false until measured. */
    boolean contended() {
        return contended;
    }

    /** Loop, as it ends: closes the schedstat file. */
    void close() {
        ThreadStates.close(schedstat);
        schedstat = null;
        contended = false;
    }

    /** Any thread: the loop's work over its last window, in thousandths of a core (1000 until measured). */
    int workPermille() {
        return (int) PERMILLE.getOpaque(this);
    }
}
