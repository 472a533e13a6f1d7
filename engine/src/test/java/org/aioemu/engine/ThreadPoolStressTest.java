package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over a million submissions from two outside threads and from completion callbacks, with random task
 * durations, random cancels, nested waits in callbacks and limit changes while running: every request
 * must complete exactly once, on the loop thread, with the result its outcome calls for. Run with
 * workers that park at once, with the default spin, and with a spin longer than most gaps (so the
 * spinner covers most submits and parked workers are seldom woken). Cancels use tickets of requests
 * that are recycled meanwhile, so a stale ticket that cancelled a later submission would show up as
 * a request completed with -ECANCELED that nobody cancelled.
 */
abstract class ThreadPoolStressTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    private static final int PER_SUBMITTER = 520_000;
    private static final int SUBMITTERS = 2;
    private static final int MAX_IDS = SUBMITTERS * PER_SUBMITTER * 2;

    private final AtomicIntegerArray completions = new AtomicIntegerArray(MAX_IDS);
    private final AtomicIntegerArray runs = new AtomicIntegerArray(MAX_IDS);
    private final AtomicIntegerArray results = new AtomicIntegerArray(MAX_IDS);
    /** 1 when a cancel of that id returned true. */
    private final AtomicIntegerArray cancelWon = new AtomicIntegerArray(MAX_IDS);
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicLong offLoopCompletions = new AtomicLong();
    private final AtomicInteger nested = new AtomicInteger();

    @ParameterizedTest(name = "workerSpinNanos {0}")
    @ValueSource(longs = {0, ThreadPoolConfig.DEFAULT_WORKER_SPIN_NANOS, 2_000_000})
    void everyRequestCompletesExactlyOnceOnTheLoop(long spinNanos) throws Exception {
        long seed = System.nanoTime();
        AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model()).withLimits(0, 6)
                .withIdleTimeout(Duration.ofMillis(5)).withWorkerSpinNanos(spinNanos)).build();
        try {
            ThreadPool pool = ctx.threadPool();
            Thread[] submitters = new Thread[SUBMITTERS];
            Throwable[] failures = new Throwable[SUBMITTERS];
            for (int s = 0; s < SUBMITTERS; s++) {
                final int index = s;
                final SplittableRandom rnd = new SplittableRandom(seed + s);
                submitters[s] = new Thread(() -> {
                    try {
                        submitLoop(ctx, pool, rnd);
                    } catch (Throwable t) {
                        failures[index] = t;
                    }
                }, "stress-submitter-" + s);
                submitters[s].start();
            }
            for (Thread t : submitters) {
                t.join();
            }
            for (Throwable f : failures) {
                if (f != null) {
                    throw new AssertionError("submitter failed, seed " + seed, f);
                }
            }
            ctx.runUntil(() -> pool.stats().completed() == nextId.get(), Duration.ofSeconds(60));
            int total = nextId.get();
            assertTrue(total >= 1_000_000, "submitted " + total);
            assertEquals(0, offLoopCompletions.get(), "completions off the loop thread");
            long cancelled = 0;
            for (int id = 0; id < total; id++) {
                assertEquals(1, completions.get(id), "completions of request " + id + ", seed " + seed);
                if (cancelWon.get(id) == 1) {
                    cancelled++;
                    assertEquals(0, runs.get(id), "a cancelled request ran: " + id + ", seed " + seed);
                    assertEquals(-Errno.ECANCELED, results.get(id), "request " + id + ", seed " + seed);
                } else {
                    assertEquals(1, runs.get(id), "runs of request " + id + ", seed " + seed);
                    assertEquals(id & 0xffff, results.get(id), "request " + id + ", seed " + seed);
                }
            }
            ThreadPoolStats stats = pool.stats();
            assertEquals(total, stats.submitted());
            assertEquals(total, stats.completed());
            assertEquals(cancelled, stats.cancelled());
            assertTrue(cancelled > 0 && nested.get() > 0, "exercised cancels " + cancelled + ", nested " + nested.get());
        } finally {
            ctx.close();
        }
    }

    private void submitLoop(AioContext ctx, ThreadPool pool, SplittableRandom rnd) {
        Semaphore inFlight = new Semaphore(2048);
        long[] recent = new long[64];
        int[] recentIds = new int[64];
        for (int i = 0; i < PER_SUBMITTER; i++) {
            inFlight.acquireUninterruptibly();
            int id = nextId.getAndIncrement();
            long req = submitOne(ctx, pool, id, rnd.nextInt(1000), rnd.nextInt(1000), inFlight);
            recent[i & 63] = req;
            recentIds[i & 63] = id;
            if (rnd.nextInt(10) == 0) {
                int victim = rnd.nextInt(64);
                long r = recent[victim];
                if (r != 0 && pool.cancel(r)) {
                    cancelWon.set(recentIds[victim], 1);
                }
            }
            if (rnd.nextInt(200_000) == 0) {
                pool.setLimits(rnd.nextInt(3), 1 + rnd.nextInt(8) + 2);
            }
        }
    }

    /**
     * @param durationDice 0..999: most tasks are instant, some spin, a few park
     * @param callbackDice 0..999: some callbacks submit more, a few wait nested for it
     */
    private long submitOne(AioContext ctx, ThreadPool pool, int id, int durationDice, int callbackDice, Semaphore inFlight) {
        return pool.submit(() -> {
            runs.incrementAndGet(id);
            if (durationDice >= 990) {
                LockSupport.parkNanos(20_000);
            } else if (durationDice >= 900) {
                for (int k = 0; k < 200; k++) {
                    Thread.onSpinWait();
                }
            }
            return id & 0xffff;
        }, result -> {
            if (!ctx.inLoop()) {
                offLoopCompletions.incrementAndGet();
            }
            results.set(id, result);
            completions.incrementAndGet(id);
            if (inFlight != null) {
                inFlight.release();
            }
            if (callbackDice < 25 && nextId.get() < MAX_IDS - 10) {
                nested.incrementAndGet();
                int child = nextId.getAndIncrement();
                submitOne(ctx, pool, child, 0, 1000, null);
                if (callbackDice == 0) {
                    ctx.runUntil(() -> completions.get(child) == 1);
                }
            }
        });
    }
}
