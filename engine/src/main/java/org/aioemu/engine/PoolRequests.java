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

    /** A {@link BlockingTask} with an {@link IntCompletion}: the I/O path, no boxing. */
    static final class IntRequest extends PoolRequest {
        private final BlockingTask task;
        private final IntCompletion completion;

        IntRequest(ThreadPool pool, BlockingTask task, IntCompletion completion) {
            super(pool);
            this.task = task;
            this.completion = completion;
        }

        @Override
        int runOnWorker() {
            try {
                int r = task.run();
                // A task may only fail with a negative errno; anything below -4095 is not one.
                return r >= -4095 ? r : -Errno.EIO;
            } catch (Throwable t) {
                if (!(t instanceof ErrnoException)) {
                    LOG.log(System.Logger.Level.WARNING, "blocking task " + task + " threw; completing with -EIO", t);
                }
                return errnoOf(t);
            }
        }

        @Override
        void completeOnLoop(int result) {
            if (completion != null) {
                completion.complete(result);
            }
        }
    }

    /** A {@link Callable}: the value, or what it threw, goes to a two-argument callback. */
    static final class ValueRequest<T> extends PoolRequest {
        private final Callable<? extends T> task;
        private final BiConsumer<? super T, ? super Throwable> callback;
        /** Written by the worker before {@link #finish}, read by the loop after: same pairing as ret. */
        private T value;
        private Throwable error;

        ValueRequest(ThreadPool pool, Callable<? extends T> task, BiConsumer<? super T, ? super Throwable> callback) {
            super(pool);
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
