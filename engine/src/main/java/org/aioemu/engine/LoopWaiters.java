package org.aioemu.engine;

import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Conditions that threads other than the loop wait on ({@link AioContext#runUntil} from outside).
 *
 * <p>Threading: the list is touched only on the loop thread. A waiter's outcome is published to its
 * waiting thread through the waiter's monitor. Conditions are evaluated on the loop, after every bottom
 * half and every task or timer the context runs, which is where loop-owned state changes; and, for
 * conditions on state that other threads change without telling the loop, every recheck interval
 * ({@link AioContext#DEFAULT_RECHECK_MILLIS} ms) while anyone waits. No timer is armed while nobody waits.
 */
final class LoopWaiters {
    private final ArrayList<Waiter> waiters = new ArrayList<>();
    private final ScheduledExecutorService loop;
    private final long recheckNanos;
    private final Runnable recheck = this::recheck;
    private boolean recheckArmed;

    LoopWaiters(ScheduledExecutorService loop, long recheckNanos) {
        this.loop = loop;
        this.recheckNanos = recheckNanos;
    }

    /** One waiting thread's condition and outcome. */
    static final class Waiter {
        final BooleanSupplier condition;
        private boolean done;
        private Throwable failure;

        Waiter(BooleanSupplier condition) {
            this.condition = condition;
        }

        synchronized void finish(Throwable failure) {
            if (!done) {
                this.done = true;
                this.failure = failure;
                notifyAll();
            }
        }

        /** Waits until finished or the deadline passes; returns whether finished. */
        synchronized boolean await(long deadlineNanos) throws InterruptedException {
            while (!done) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    wait();
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
            return true;
        }

        synchronized Throwable failure() {
            return failure;
        }
    }

    /**
     * Any thread but the loop (the context's runUntil from outside): registers {@code condition} on the loop
     * and blocks until it holds (true) or {@code deadlineNanos} passes (false). A failure of the condition,
     * or the context closing meanwhile, is thrown here.
     */
    boolean await(BooleanSupplier condition, long deadlineNanos, String contextName) {
        Waiter w = new Waiter(condition);
        loop.execute(() -> add(w));
        boolean finished;
        try {
            finished = w.await(deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeLater(w);
            throw new IllegalStateException("interrupted while waiting on " + contextName, e);
        }
        if (!finished) {
            removeLater(w);
            return false;
        }
        Throwable failure = w.failure();
        if (failure != null) {
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(failure);
        }
        return true;
    }

    /** Any thread: drops a waiter that gave up, on the loop. */
    private void removeLater(Waiter w) {
        try {
            loop.execute(() -> waiters.remove(w));
        } catch (RejectedExecutionException ignored) {
            // the loop has stopped: nothing left to remove from
        }
    }

    /** Loop only: finishes the waiter at once if its condition holds, else keeps it. */
    private void add(Waiter w) {
        if (!evaluate(w)) {
            waiters.add(w);
            if (!recheckArmed) {
                recheckArmed = true;
                loop.schedule(recheck, recheckNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Loop only: the periodic re-check, re-armed while waiters remain. */
    private void recheck() {
        check();
        if (waiters.isEmpty()) {
            recheckArmed = false;
        } else {
            loop.schedule(recheck, recheckNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Loop only: finishes and drops every waiter whose condition now holds. Cheap when there are none. */
    void check() {
        if (waiters.isEmpty()) {
            return;
        }
        waiters.removeIf(LoopWaiters::evaluate);
    }

    /**
     * Only after the loop thread has ended, and only from the one thread that closes the context (the
     * first {@code close}; a concurrent one waits for it): fails every waiter left. The list is the loop's,
     * unsynchronised; the join on the loop thread orders the loop's last writes to it before this.
     */
    void failAll(Throwable why) {
        for (Waiter w : waiters) {
            w.finish(why);
        }
        waiters.clear();
    }

    private static boolean evaluate(Waiter w) {
        try {
            if (w.condition.getAsBoolean()) {
                w.finish(null);
                return true;
            }
            return false;
        } catch (Throwable t) {
            w.finish(t);
            return true;
        }
    }
}
