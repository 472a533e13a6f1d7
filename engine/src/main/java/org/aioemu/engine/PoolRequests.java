package org.aioemu.engine;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/** The kinds of {@link PoolRequest}: an int-returning task, and a value-returning one. */
final class PoolRequests {
    private static final System.Logger LOG = System.getLogger(ThreadPool.class.getName());

    private PoolRequests() {
    }

    /** Maps what a task threw to a negative errno, as {@link BlockingTask} documents. */
    static int errnoOf(Throwable t) {
        if (t instanceof ErrnoException e) {
            return -e.errno();
        }
        return -Errno.EIO;
    }

    /**
     * A {@link BlockingTask} with an {@link IntCompletion}: the I/O path, no boxing, and pooled
     * ({@link ObjectPool}) so that a submit allocates nothing.
     *
     * <p>Life cycle: taken from the pool by a submitting thread, which fills {@code task} and
     * {@code completion} before queuing it (the queue's lock publishes them to the worker and to a
     * canceller); run by a worker; completed on the loop, which then clears the fields and releases it
     * (the release's cas publishes the clearing to the next allocator). It holds no reference to its
     * thread pool, so a pooled request in a thread's cache keeps nothing else alive.
     */
    static final class IntRequest extends PoolRequest implements ObjectPool.Link<IntRequest> {
        /** Index in the pool's {@link RequestTable}: set once, by the factory, before first use. */
        final int slot;
        private BlockingTask task;
        private IntCompletion completion;
        /** The object pool's link; touched only by the pool while this request is in it. */
        private IntRequest poolNext;

        IntRequest(int slot) {
            this.slot = slot;
        }

        /** The allocating thread, before queuing. */
        IntRequest prepare(BlockingTask task, IntCompletion completion) {
            this.task = task;
            this.completion = completion;
            return this;
        }

        @Override
        void ticketed(long ticket) {
            task.queued(ticket);
        }

        /** Loop, after the completion ran (or the submitting thread when queuing failed): forget the work. */
        void clear() {
            task = null;
            completion = null;
        }

        @Override
        public IntRequest poolNext() {
            return poolNext;
        }

        @Override
        public void poolNext(IntRequest next) {
            poolNext = next;
        }

        @Override
        int runOnWorker() {
            try {
                return normalise(task.run());
            } catch (Throwable t) {
                if (!(t instanceof ErrnoException)) {
                    LOG.log(System.Logger.Level.WARNING, "blocking task " + task + " threw; completing with -EIO", t);
                }
                return errnoOf(t);
            }
        }

        /** A task may only fail with a negative errno; anything below -4095 is not one and becomes -EIO. */
        static int normalise(int r) {
            return r >= -4095 ? r : -Errno.EIO;
        }

        @Override
        void completeOnLoop(int result) {
            if (completion != null) {
                completion.complete(result);
            }
        }

        @Override
        public String toString() {
            return "IntRequest[slot " + slot + ", " + state() + ", " + task + "]";
        }
    }

    /** A {@link Callable}: the value, or what it threw, goes to a two-argument callback. */
    static final class ValueRequest<T> extends PoolRequest {
        /** The pool it was submitted to: cancel(PoolRequest) checks it. */
        final ThreadPool pool;
        private final Callable<? extends T> task;
        private final BiConsumer<? super T, ? super Throwable> callback;
        /** Written by the worker before {@link #finish}, read by the loop after: same pairing as ret. */
        private T value;
        private Throwable error;

        ValueRequest(ThreadPool pool, Callable<? extends T> task, BiConsumer<? super T, ? super Throwable> callback) {
            this.pool = pool;
            this.task = task;
            this.callback = callback;
        }

        @Override
        int runOnWorker() {
            try {
                value = task.call();
                return 0;
            } catch (Throwable t) {
                error = t;
                return errnoOf(t);
            }
        }

        @Override
        void completeOnLoop(int result) {
            Throwable failure = error;
            if (failure == null && result < 0) {
                failure = new ErrnoException(result, "cancelled before it started");
            }
            if (callback != null) {
                callback.accept(failure == null ? value : null, failure);
            } else if (failure != null && !cancelled) {
                LOG.log(System.Logger.Level.WARNING, "fire-and-forget task " + task + " failed", failure);
            }
        }
    }
}
