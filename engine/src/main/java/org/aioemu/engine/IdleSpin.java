package org.aioemu.engine;

/**
 * How long one idle worker spins before it parks, adapted after every idle gap the way {@link AdaptivePoll}
 * adapts the loop's polling: an idle gap is the time from the moment the worker ran out of work until work
 * came (by spinning, or by a wake-up after parking). A gap within the window keeps it; a gap beyond the
 * largest useful window ({@link HandoffPolicy#spinMaxNanos}, which follows the measured wake-up cost) shrinks
 * it, since spinning would not have caught that one; a gap in between grows it. A worker whose requests keep
 * coming within a wake-up therefore stops paying wake-ups, and one that idles converges to parking at once.
 *
 * <p>Threading: owned by one worker thread; no field is shared.
 */
final class IdleSpin {
    /** Where a window grows from when it is 0: a small fraction of any wake-up, so a grow is cheap to try. */
    private static final int START_FRACTION = 8;

    private long windowNanos;

    /** The window for the coming idle gap, within {@code maxNanos} (which may have shrunk since). */
    long windowNanos(long maxNanos) {
        return Math.min(windowNanos, maxNanos);
    }

    /** An idle gap of {@code gapNanos} ended; {@code maxNanos} is the current bound. */
    void afterGap(long gapNanos, long maxNanos) {
        long w = Math.min(windowNanos, maxNanos);
        if (maxNanos <= 0) {
            windowNanos = 0;
        } else if (gapNanos <= w) {
            windowNanos = w; // keep: the work came within the window
        } else if (gapNanos > maxNanos) {
            windowNanos = w / 2; // shrink: no window we would allow catches such gaps
        } else {
            windowNanos = Math.min(maxNanos, w == 0 ? Math.max(1, maxNanos / START_FRACTION) : w * 2); // grow
        }
    }

    long windowNanos() {
        return windowNanos;
    }
}
