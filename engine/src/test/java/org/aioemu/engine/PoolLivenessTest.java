package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No request is ever stranded: randomized bursts — from the loop and from other threads, shallow and deep,
 * of instant, spinning and parking tasks, with cancels — must each finish within seconds. Workers never exit
 * here (a one-minute idle timeout), so a request left in a queue or ring that no worker will look at again
 * shows up as a round that does not finish, rather than being rescued by an idle worker's exit.
 */
class PoolLivenessTest {
    private static final int ROUNDS = 300;

    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void everyBurstFinishes(PoolModel model) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)
                .withLimits(0, 1 + rnd.nextInt(8)).withIdleTimeout(Duration.ofMinutes(1))).build()) {
            ThreadPool pool = ctx.threadPool();
            for (int round = 0; round < ROUNDS; round++) {
                int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 200);
                int kind = rnd.nextInt(4); // 0 instant, 1 spin, 2 a few park, 3 mixed
                boolean fromLoop = rnd.nextBoolean();
                AtomicIntegerArray completions = new AtomicIntegerArray(n);
                AtomicInteger done = new AtomicInteger();
                long[] tickets = new long[n];
                int[] durations = new int[n];
                for (int i = 0; i < n; i++) {
                    int k = kind == 3 ? rnd.nextInt(3) : kind;
                    durations[i] = k == 0 ? 0 : k == 1 ? -(1 + rnd.nextInt(20)) : (rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(2000) : 0);
                }
                Runnable submitAll = () -> {
                    for (int i = 0; i < n; i++) {
                        final int id = i;
                        final int d = durations[i];
                        tickets[i] = pool.submit(() -> {
                            if (d < 0) {
                                long end = System.nanoTime() - d * 1000L;
                                while (System.nanoTime() - end < 0) {
                                    Thread.onSpinWait();
                                }
                            } else if (d > 0) {
                                LockSupport.parkNanos(d * 1000L);
                            }
                            return id;
                        }, r -> {
                            completions.incrementAndGet(id);
                            done.incrementAndGet();
                        });
                    }
                };
                if (fromLoop) {
                    ctx.execute(submitAll);
                } else {
                    submitAll.run();
                }
                if (rnd.nextInt(4) == 0) {
                    ctx.runUntil(() -> true); // the loop has run the submitting task: tickets are set
                    for (int c = 0; c < 3; c++) {
                        pool.cancel(tickets[rnd.nextInt(n)]);
                    }
                }
                if (rnd.nextInt(8) == 0) {
                    Thread.sleep(rnd.nextInt(30)); // let workers settle into parking between bursts
                }
                assertTrue(ctx.runUntil(() -> done.get() == n, Duration.ofSeconds(10)),
                        "round " + round + " of " + model + " stranded " + (n - done.get()) + " of " + n
                                + " requests (kind " + kind + ", from loop " + fromLoop + ", seed " + seed + "): " + pool);
                for (int i = 0; i < n; i++) {
                    assertEquals(1, completions.get(i), "completions of " + i + " in round " + round + ", seed " + seed);
                }
            }
        }
    }

    /**
     * A request that blocks until a later one has run (A waits for B), after bursts of fast requests that
     * teach the pool to cover the queue, submitted together from the loop or from outside: B must reach a
     * second worker, whatever A's worker was counted on for. With at least two workers allowed this always
     * finishes; a stranded B shows up as A's wait running into its timeout.
     */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void aRequestWaitingForALaterOneNeverDeadlocks(PoolModel model) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 40; round++) {
            // A fresh pool each round, warmed by anything from one request (one worker, which B must not be
            // left to) to thousands (fast requests, covered queues).
            try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)
                    .withLimits(0, 2 + rnd.nextInt(6)).withIdleTimeout(Duration.ofMinutes(1))
                    .withWorkerSpinNanos(rnd.nextBoolean() ? 0 : ThreadPoolConfig.DEFAULT_WORKER_SPIN_NANOS)).build()) {
                ThreadPool pool = ctx.threadPool();
                int fast = rnd.nextBoolean() ? 1 + rnd.nextInt(3) : 1 + rnd.nextInt(3000);
                AtomicInteger fastDone = new AtomicInteger();
                for (int i = 0; i < fast; i++) {
                    pool.submit(() -> 0, r -> fastDone.incrementAndGet());
                    if (fast < 4) {
                        int before = i + 1;
                        ctx.runUntil(() -> fastDone.get() == before); // one at a time: one worker
                    }
                }
                assertTrue(ctx.runUntil(() -> fastDone.get() == fast, Duration.ofSeconds(10)));
                Thread.sleep(rnd.nextInt(30)); // workers settle: spinning, or parked
                CountDownLatch bRan = new CountDownLatch(1);
                AtomicInteger a = new AtomicInteger(-1);
                AtomicInteger b = new AtomicInteger(-1);
                Runnable submitPair = () -> {
                    pool.submit(() -> bRan.await(5, TimeUnit.SECONDS) ? 1 : 0, a::set);
                    pool.submit(() -> {
                        bRan.countDown();
                        return 1;
                    }, b::set);
                };
                boolean fromLoop = rnd.nextBoolean();
                if (fromLoop) {
                    ctx.execute(submitPair);
                } else {
                    submitPair.run();
                }
                assertTrue(ctx.runUntil(() -> a.get() >= 0 && b.get() >= 0, Duration.ofSeconds(10)), model + " round " + round);
                assertEquals(1, a.get(), model + ": A waited 5 s for B in round " + round + " (warmed by " + fast
                        + ", from loop " + fromLoop + ", seed " + seed + "): " + pool);
            }
        }
    }
}
