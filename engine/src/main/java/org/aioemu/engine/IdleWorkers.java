package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The idle side of {@link Workers}: the stack of parked workers, the spinner, and the workers woken but
 * not yet back. A submit wakes nobody while the spinner and the woken workers are at least as many as the
 * queued requests (each of them looks for work before it parks); otherwise it wakes the worker parked last,
 * so that the others stay parked long enough to reach their idle timeout and exit.
 *
 * <p>Threading: the parked stack and {@code woken}'s writes are guarded by the owning {@link Workers}'
 * monitor; {@code woken} and {@code spinners} are read anywhere (a submitter's fast path), and
 * {@code spinners} is claimed and released with atomics, without the monitor. Nothing here parks or unparks
 * a thread (that happens after the monitor is released).
 */
final class IdleWorkers {
    private static final VarHandle SPINNERS;
    private static final VarHandle WOKEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SPINNERS = l.findVarHandle(IdleWorkers.class, "spinners", int.class);
            WOKEN = l.findVarHandle(IdleWorkers.class, "woken", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Under the monitor: the parked workers, last parked on top. */
    private PoolWorker top;
    /** 0 or 1: the worker spinning for work. Cas to claim, volatile store to release. */
    @SuppressWarnings("unused") // SPINNERS
    private volatile int spinners;
    /** Workers popped off the stack to be unparked, not yet back: written under the monitor, read anywhere. */
    @SuppressWarnings("unused") // WOKEN
    private volatile int woken;
    /** Under the monitor: how many are parked. */
    private int parkedCount;

    /** Any thread: idle workers that will look for work before they park: the spinner and the woken. */
    int awake() {
        return (int) SPINNERS.getVolatile(this) + (int) WOKEN.getVolatile(this);
    }

    /** A worker going idle: claims the single spinner's place; false if someone spins already. */
    boolean trySpin() {
        return (int) SPINNERS.getVolatile(this) == 0 && SPINNERS.compareAndSet(this, 0, 1);
    }

    /** The spinner stops; a full fence before its next look for work (paired with a submitter's awake()). */
    void endSpin() {
        SPINNERS.setVolatile(this, 0);
    }

    /** Under the monitor: {@code w} publishes itself as parked, in the critical section where it found no work. */
    void park(PoolWorker w) {
        w.parked = true;
        w.nextParked = top;
        top = w;
        parkedCount++;
    }

    /** Under the monitor: {@code w} is back from parking: off the stack if it timed out or returned spuriously, else uncounted. */
    void back(PoolWorker w) {
        if (!w.parked) {
            WOKEN.setVolatile(this, woken - 1);
            return;
        }
        if (top == w) {
            top = w.nextParked;
        } else {
            PoolWorker p = top;
            while (p.nextParked != w) {
                p = p.nextParked;
            }
            p.nextParked = w.nextParked;
        }
        w.nextParked = null;
        w.parked = false;
        parkedCount--;
    }

    /** Under the monitor: the worker parked last, popped and counted as woken, or null. The caller unparks it. */
    PoolWorker pop() {
        PoolWorker w = top;
        if (w != null) {
            top = w.nextParked;
            w.nextParked = null;
            w.parked = false;
            parkedCount--;
            WOKEN.setVolatile(this, woken + 1);
        }
        return w;
    }

    /** Under the monitor: {@code w} if it is parked (popped and counted as woken), else null. */
    PoolWorker popIfParked(PoolWorker w) {
        if (!w.parked) {
            return null;
        }
        if (top == w) {
            return pop();
        }
        PoolWorker p = top;
        while (p.nextParked != w) {
            p = p.nextParked;
        }
        p.nextParked = w.nextParked;
        w.nextParked = null;
        w.parked = false;
        parkedCount--;
        WOKEN.setVolatile(this, woken + 1);
        return w;
    }

    /** Under the monitor. */
    int parked() {
        return parkedCount;
    }

    /** Under the monitor: every parked worker, to unpark (limits and stopping; allocates). */
    List<PoolWorker> popAll() {
        List<PoolWorker> all = new ArrayList<>();
        for (PoolWorker w = pop(); w != null; w = pop()) {
            all.add(w);
        }
        return all;
    }
}
