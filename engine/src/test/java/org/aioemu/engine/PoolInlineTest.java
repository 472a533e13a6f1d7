package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task that can run without blocking ({@link BlockingTask#tryWithoutBlocking}) submitted on the loop: when
 * the attempt succeeds it completes without a worker, still on the loop, still once, and never inside submit;
 * when it would block, it runs on a worker exactly as any other task. Off the loop, with the config's switch
 * off, or on a closed pool, nothing is tried.
 */
abstract class PoolInlineTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    private AioContext ctx;

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private ThreadPool pool(boolean inline) {
        ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model()).withLimits(0, 4)
                .withIdleTimeout(Duration.ofMillis(50)).withInlineAttempts(inline)).build();
        return ctx.threadPool();
    }

    /** Answers its non-blocking form as told; counts where each form ran. */
    static final class Task implements BlockingTask {
        final int value;
        volatile boolean cached;
        final AtomicInteger tries = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();
        volatile Thread ranOn;
        volatile long sleepNanos;

        Task(int value, boolean cached) {
            this.value = value;
            this.cached = cached;
        }

        @Override
        public boolean mayCompleteWithoutBlocking() {
            return true;
        }

        @Override
        public int tryWithoutBlocking() {
            tries.incrementAndGet();
            return cached ? value : WOULD_BLOCK;
        }

        @Override
        public int run() {
            runs.incrementAndGet();
            ranOn = Thread.currentThread();
            if (sleepNanos > 0) {
                LockSupport.parkNanos(sleepNanos);
            }
            return value;
        }
    }

    /** What one completion saw. */
    private record Outcome(int result, Thread thread, boolean insideSubmit) {
    }

    /** Submits {@code task} on the loop and waits for its completion. */
    private Outcome submitOnLoop(ThreadPool pool, BlockingTask task) throws Exception {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        boolean[] inSubmit = new boolean[1];
        ctx.execute(() -> {
            inSubmit[0] = true;
            pool.submit(task, r -> done.complete(new Outcome(r, Thread.currentThread(), inSubmit[0])));
            inSubmit[0] = false;
        });
        return done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aTaskThatNeedNotBlockCompletesOnTheLoopWithoutAWorkerAndNotInsideSubmit() throws Exception {
        ThreadPool pool = pool(true);
        Task t = new Task(4096, true);
        Outcome o = submitOnLoop(pool, t);
        assertEquals(4096, o.result());
        assertSame(ctx.loopThread(), o.thread());
        assertFalse(o.insideSubmit(), "the completion ran inside submit");
        assertEquals(1, t.tries.get());
        assertEquals(0, t.runs.get(), "a worker ran it too");
        ThreadPoolStats s = pool.stats();
        assertEquals(1, s.ranInline());
        assertEquals(1, s.submitted());
        assertEquals(1, s.completed());
        assertEquals(0, s.currentThreads(), "a worker was started for it");
    }

    @Test
    void aTaskThatWouldBlockRunsOnAWorker() throws Exception {
        ThreadPool pool = pool(true);
        Task t = new Task(7, false);
        Outcome o = submitOnLoop(pool, t);
        assertEquals(7, o.result());
        assertSame(ctx.loopThread(), o.thread());
        assertEquals(1, t.tries.get());
        assertEquals(1, t.runs.get());
        assertNotSame(ctx.loopThread(), t.ranOn);
        assertEquals(0, pool.stats().ranInline());
    }

    @Test
    void aNonsenseResultBecomesEio() throws Exception {
        ThreadPool pool = pool(true);
        Outcome o = submitOnLoop(pool, new Task(-100_000, true));
        assertEquals(-Errno.EIO, o.result());
    }

    @Test
    void offTheLoopNothingIsTried() throws Exception {
        ThreadPool pool = pool(true);
        Task t = new Task(1, true);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        pool.submit(t, done::complete);
        assertEquals(1, done.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, t.tries.get());
        assertEquals(1, t.runs.get());
    }

    @Test
    void turnedOffNothingIsTried() throws Exception {
        ThreadPool pool = pool(false);
        Task t = new Task(3, true);
        assertEquals(3, submitOnLoop(pool, t).result());
        assertEquals(0, t.tries.get());
        assertEquals(1, t.runs.get());
        assertFalse(pool.toString().contains("inline"), pool.toString());
    }

    @Test
    void aClosedPoolRefusesWithoutTrying() throws Exception {
        pool(true);
        ThreadPool other = ctx.newThreadPool(ThreadPoolConfig.defaults().withName("other").withModel(model()));
        other.close();
        Task t = new Task(5, true);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        ctx.execute(() -> {
            try {
                other.submit(t, r -> { });
            } catch (Throwable e) {
                thrown.set(e);
            }
            ran.complete(null);
        });
        ran.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(thrown.get() instanceof RejectedExecutionException, String.valueOf(thrown.get()));
        assertEquals(0, t.tries.get());
        assertEquals(0, other.stats().submitted());
    }

    @Test
    void cancellingACompletedInlineSubmissionFails() throws Exception {
        ThreadPool pool = pool(true);
        Task t = new Task(9, true);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        ctx.execute(() -> {
            long ticket = pool.submit(t, done::complete);
            cancelled.complete(pool.cancel(ticket)); // before the completion has run: the request is DONE already
        });
        assertFalse(cancelled.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(9, done.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, pool.stats().cancelled());
    }

    @Test
    void aRunOfMissesStopsTheAttemptsForAWhile() throws Exception {
        ThreadPool pool = pool(true);
        int n = 3 * InlineAttempts.WINDOW;
        AtomicInteger tries = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            Task t = new Task(i, false);
            assertEquals(i, submitOnLoop(pool, t).result());
            tries.addAndGet(t.tries.get());
        }
        // A window tried, one skipped, a window tried: the skip doubled to two windows.
        assertEquals(2 * InlineAttempts.WINDOW, tries.get());
    }

    /**
     * A completion that submits a task the loop finishes at once, for ever: each round of bottom halves delivers
     * what it found, so the loop still runs its timers and tasks between rounds (one completion run that kept
     * taking what its own callbacks finished would never return).
     */
    @Test
    void completionsThatResubmitWorkDoneAtOnceLeaveTheLoopToItsTimersAndTasks() throws Exception {
        ThreadPool pool = pool(true);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong completions = new java.util.concurrent.atomic.AtomicLong();
        ctx.execute(() -> chain(pool, stop, completions));
        try {
            assertTrue(ctx.runUntil(() -> completions.get() > 1000, Duration.ofSeconds(10)), "the chain runs");
            CompletableFuture<Long> timer = new CompletableFuture<>();
            ctx.schedule(() -> timer.complete(completions.get()), 1, java.util.concurrent.TimeUnit.MILLISECONDS);
            CompletableFuture<Long> task = new CompletableFuture<>();
            ctx.execute(() -> task.complete(completions.get()));
            long atTask = task.get(10, java.util.concurrent.TimeUnit.SECONDS);
            long atTimer = timer.get(10, java.util.concurrent.TimeUnit.SECONDS);
            long after = Math.max(atTask, atTimer) + 1000;
            assertTrue(ctx.runUntil(() -> completions.get() > after, Duration.ofSeconds(10)), "the chain goes on");
            assertTrue(pool.stats().ranInline() > 1000, pool.toString());
        } finally {
            stop.set(true);
        }
        assertTrue(ctx.runUntil(() -> pool.stats().completed() == pool.stats().submitted(), Duration.ofSeconds(10)));
    }

    private static void chain(ThreadPool pool, java.util.concurrent.atomic.AtomicBoolean stop,
                              java.util.concurrent.atomic.AtomicLong completions) {
        pool.submit(new Task(1, true), r -> {
            completions.incrementAndGet();
            if (!stop.get()) {
                chain(pool, stop, completions);
            }
        });
    }

    /**
     * Randomized: bursts of tasks, each cached or not with a per-round probability, some slow, some submitted
     * again from completions (on the loop, so they may run inline from a completion), some cancelled. Each
     * completes exactly once, on the loop, with its value or -ECANCELED, and its value was computed at most
     * once: inline (a hit) or by a worker, never both.
     */
    @Test
    void everySubmissionCompletesOnceWhicheverWayItRan() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        ThreadPool pool = pool(true);
        int rounds = 300;
        int maxBurst = 64;
        int total = rounds * maxBurst * 2;
        Task[] tasks = new Task[total];
        AtomicIntegerArray completions = new AtomicIntegerArray(total);
        AtomicIntegerArray results = new AtomicIntegerArray(total);
        AtomicInteger offLoop = new AtomicInteger();
        AtomicInteger nextId = new AtomicInteger();
        AtomicInteger cancels = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            double hitRate = switch (rnd.nextInt(4)) {
                case 0 -> 0.0;
                case 1 -> 0.3;
                case 2 -> 0.9;
                default -> 1.0;
            };
            int burst = 1 + rnd.nextInt(maxBurst);
            long roundSeed = rnd.nextLong();
            CompletableFuture<Void> submitted = new CompletableFuture<>();
            ctx.execute(() -> {
                SplittableRandom r = new SplittableRandom(roundSeed);
                for (int i = 0; i < burst; i++) {
                    int id = nextId.getAndIncrement();
                    Task t = new Task(id, r.nextDouble() < hitRate);
                    if (r.nextInt(50) == 0) {
                        t.sleepNanos = 200_000;
                    }
                    tasks[id] = t;
                    boolean again = r.nextInt(4) == 0;
                    long ticket = pool.submit(t, res -> {
                        if (!ctx.inLoop()) {
                            offLoop.incrementAndGet();
                        }
                        if (again) { // a completion that submits: the follow-up may complete inline
                            int id2 = nextId.getAndIncrement(); // before this one counts as done (see the wait)
                            Task t2 = new Task(id2, hitRate > 0.5);
                            tasks[id2] = t2;
                            pool.submit(t2, res2 -> {
                                completions.incrementAndGet(id2);
                                results.set(id2, res2);
                                done.incrementAndGet();
                            });
                        }
                        completions.incrementAndGet(id);
                        results.set(id, res);
                        done.incrementAndGet();
                    });
                    if (r.nextInt(16) == 0 && pool.cancel(ticket)) {
                        cancels.incrementAndGet();
                    }
                }
                submitted.complete(null);
            });
            submitted.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // done is read first: every follow-up is counted in nextId before its parent counts as done, so
            // equal counts mean that everything submitted so far has completed.
            assertTrue(ctx.runUntil(() -> done.get() == nextId.get(), Duration.ofSeconds(30)), "seed " + seed);
        }
        ThreadPoolStats s = pool.stats();
        int n = nextId.get();
        assertEquals(n, s.completed(), "seed " + seed);
        assertEquals(0, offLoop.get(), "completions off the loop");
        int cancelledSeen = 0;
        for (int id = 0; id < n; id++) {
            Task t = tasks[id];
            assertEquals(1, completions.get(id), "completions of " + id + ", seed " + seed);
            int r = results.get(id);
            if (r == -Errno.ECANCELED) {
                cancelledSeen++;
                assertEquals(0, t.runs.get(), "a cancelled task ran, id " + id);
            } else {
                assertEquals(id, r, "result of " + id + ", seed " + seed);
                boolean hit = t.cached && t.tries.get() > 0;
                assertEquals(hit ? 0 : 1, t.runs.get(), "worker runs of " + id + " (hit " + hit + "), seed " + seed);
            }
            assertTrue(t.tries.get() <= 1, "tried twice: " + id);
        }
        assertEquals(cancels.get(), cancelledSeen, "seed " + seed);
        assertEquals(cancels.get(), s.cancelled());
        assertTrue(s.ranInline() > 0 && s.ranInline() < n, "ran inline " + s.ranInline() + " of " + n);
    }
}
