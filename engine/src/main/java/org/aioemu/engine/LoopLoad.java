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
 * <p>Threading: {@link #waitBegins} and {@link #waitEnded} are the loop's, the single writer of every field;
 * {@link #workPermille} is read from any thread (an opaque load: some recent window's figure).
 */
final class LoopLoad {
    /** Shortest measuring window: long against a wait and a burst of work, short against a change of workload. */
    static final long WINDOW_NANOS = 10_000_000;
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

    /** Loop: it has run out of work at {@code now} and starts to wait (poll, then perhaps block). */
    void waitBegins(long now) {
        if (!measuring) {
            measuring = true;
            windowStart = now;
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
            windowStart = now;
            waitedInWindow = 0;
        }
    }

    /** Any thread: the loop's work over its last window, in thousandths of a core (1000 until measured). */
    int workPermille() {
        return (int) PERMILLE.getOpaque(this);
    }
}
