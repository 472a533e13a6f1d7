package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How long an idle worker spins before it parks: one window per pool, adapted after every spin the way
 * {@link AdaptivePoll} adapts the loop's polling (QEMU's poll-ns): the spinner's idle gap — from the moment it
 * ran out of work until work came, by its spin or, if it parked, when its waker asked for it — keeps the
 * window if the spin caught it, grows it if the work came after the window but within the largest useful one
 * ({@link HandoffPolicy#spinMaxNanos}, twice a wake-up: spinning longer costs more than the wake-up it saves),
 * and shrinks it if the work came later still. Only spinners' gaps count: a worker that sat parked while
 * others worked says nothing about how soon work follows work. A pool whose requests keep coming within a
 * wake-up therefore stops paying wake-ups, and an idle one converges to parking at once.
 *
 * <p>Threading: at most one worker spins at a time ({@link IdleWorkers#trySpin}), so updates rarely race; a
 * former spinner that parked updates after it is woken, possibly beside the next spinner. The window is an
 * opaque long: a lost update only delays the adaptation by one gap.
 */
final class IdleSpin {
    private static final VarHandle WINDOW;

    static {
        try {
            WINDOW = MethodHandles.lookup().findVarHandle(IdleSpin.class, "windowNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Where a window grows from when it is 0: a small fraction of the largest, so a grow is cheap to try. */
    private static final int START_FRACTION = 8;

    @SuppressWarnings("unused") // WINDOW
    private long windowNanos;

    /** The window for the coming spin, within {@code maxNanos} (which may have shrunk since). */
    long windowNanos(long maxNanos) {
        return Math.min((long) WINDOW.getOpaque(this), maxNanos);
    }

    /** A spinner's idle gap of {@code gapNanos} ended; {@code maxNanos} is the current bound. */
    void afterGap(long gapNanos, long maxNanos) {
        long w = windowNanos(maxNanos);
        long next;
        if (maxNanos <= 0) {
            next = 0;
        } else if (gapNanos <= w) {
            return; // keep: the work came within the window
        } else if (gapNanos > maxNanos) {
            next = w / 2; // shrink: no window we would allow catches such gaps
        } else {
            next = Math.min(maxNanos, w == 0 ? Math.max(1, maxNanos / START_FRACTION) : w * 2); // grow
        }
        WINDOW.setOpaque(this, next);
    }

    /** For diagnostics. */
    long windowNanos() {
        return (long) WINDOW.getOpaque(this);
    }
}
