package org.aioemu.bench.workload;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the status line needs to know about one running job, published by the job's loop and read by the
 * status timer thread. Each slot is written by the loop only (release stores: a plain store on x86) and
 * read with acquire loads; the readers tolerate slots from slightly different instants.
 */
final class Progress {
    private static final int BYTES = 0;   // 3 slots: read, write, trim bytes done
    private static final int IOS = 3;     // 3 slots: read, write, trim requests done
    private static final int STATE = 6;   // a state character (see StatusLine)
    private static final int START = 7;   // System.nanoTime at start, 0 before
    private static final int END = 8;     // planned end (time-based or runtime), 0 unknown
    private static final int PPM = 9;     // fraction of the work done, parts per million; -1 unknown
    private static final int FILES = 10;  // open files

    private final AtomicLongArray slots = new AtomicLongArray(11);

    Progress(char initialState, int files) {
        slots.setRelease(STATE, initialState);
        slots.setRelease(PPM, 0);
        slots.setRelease(FILES, files);
    }

    // --- writer: the job's loop ---

    void add(int ddir, long bytes) {
        slots.setRelease(BYTES + ddir, slots.getPlain(BYTES + ddir) + bytes);
        slots.setRelease(IOS + ddir, slots.getPlain(IOS + ddir) + 1);
    }

    void state(char c) {
        slots.setRelease(STATE, c);
    }

    void started(long startNanos, long plannedEndNanos) {
        slots.setRelease(START, startNanos);
        slots.setRelease(END, plannedEndNanos);
    }

    void fraction(double f) {
        slots.setRelease(PPM, f < 0 ? -1 : (long) (Math.min(1.0, f) * 1_000_000));
    }

    // --- readers: any thread ---

    long bytes(int ddir) {
        return slots.getAcquire(BYTES + ddir);
    }

    long ios(int ddir) {
        return slots.getAcquire(IOS + ddir);
    }

    char state() {
        return (char) slots.getAcquire(STATE);
    }

    long startNanos() {
        return slots.getAcquire(START);
    }

    long plannedEndNanos() {
        return slots.getAcquire(END);
    }

    /** 0..1, or -1 when unknown. */
    double fraction() {
        long p = slots.getAcquire(PPM);
        return p < 0 ? -1 : p / 1_000_000.0;
    }

    int files() {
        return (int) slots.getAcquire(FILES);
    }
}
