package org.aioemu.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The idle side of {@link Workers}: the stack of parked workers, the spinner, and the workers woken but
 * not yet back. It decides whom a submit wakes: nobody while the spinner and the woken workers are at
 * least as many as the queued requests (each of them polls the queue before it parks), else the worker
 * parked last — so the others stay parked long enough to reach their idle timeout and exit.
 *
 * <p>Threading: every method and field is guarded by the owning {@link Workers}' monitor; nothing here
 * parks or unparks a thread (that happens after the monitor is released).
 */
final class IdleWorkers {
    /** A worker thread's parking record, made once when the thread starts. */
    static final class Worker {
        final Thread thread;
        /** Under the monitor: whether this worker is on the parked stack, and its link there. */
        private boolean parked;
        private Worker nextParked;

        Worker(Thread thread) {
            this.thread = thread;
        }
    }

    /** The parked workers, last parked on top. */
    private Worker top;
    /** 0 or 1: the worker spinning on the queue's size. */
    private int spinners;
    /** Workers popped off the stack to be unparked, not yet back under the monitor. */
    private int woken;

    /** Whether a worker going idle may spin: spinning is on and nobody else spins. Counts it if so. */
    boolean startSpin(boolean allowed) {
        if (allowed && spinners == 0) {
            spinners++;
            return true;
        }
        return false;
    }

    /** The spinner is back under the monitor. */
    void endSpin() {
        spinners--;
    }

    /** {@code w} publishes itself as parked, in the critical section where it found the queue empty. */
    void park(Worker w) {
        w.parked = true;
        w.nextParked = top;
        top = w;
    }

    /** {@code w} is back from parking: off the stack if it timed out or returned spuriously, else uncounted. */
    void back(Worker w) {
        if (!w.parked) {
            woken--;
            return;
        }
        if (top == w) {
            top = w.nextParked;
        } else {
            Worker p = top;
            while (p.nextParked != w) {
                p = p.nextParked;
            }
            p.nextParked = w.nextParked;
        }
        w.nextParked = null;
        w.parked = false;
    }

    /** A parked worker to unpark if {@code queued} requests are more than will be looked at anyway, else null. */
    Worker wakeIfUncovered(int queued) {
        Worker w = top;
        if (w == null || queued <= spinners + woken) {
            return null;
        }
        pop(w);
        return w;
    }

    /** Every parked worker, to unpark (limits and stopping; allocates). */
    List<Thread> wakeAll() {
        List<Thread> threads = new ArrayList<>();
        for (Worker w = top; w != null; w = top) {
            pop(w);
            threads.add(w.thread);
        }
        return threads;
    }

    private void pop(Worker w) {
        top = w.nextParked;
        w.nextParked = null;
        w.parked = false;
        woken++;
    }
}
