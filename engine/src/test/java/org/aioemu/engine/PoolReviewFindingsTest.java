package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Findings 2, 5, 6 and 7 of the concurrency review of the pool, on both dispatch models. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolReviewFindingsTest {
    /** Runs {@code n} fast requests so the pool learns its requests are fast, then lets its workers park. */
    private static void warm(ThreadPool pool, int n) throws Exception {
        List<CompletableFuture<Integer>> warm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            warm.add(pool.submitAsync(() -> 1));
        }
        for (CompletableFuture<Integer> f : warm) {
            assertEquals(1, f.get(20, TimeUnit.SECONDS));
        }
        Thread.sleep(100);
    }

    /**
     * Finding 2: a callback waits on the loop (nested) for B, queued behind A, which blocks until B has run.
     * B was covered by A's worker, so only the stall check can bring another worker to it — and Netty's
     * timer does not fire while a callback runs: the nested wait must run the check itself.
     */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void aNestedWaitBehindABlockedFastWorkerReturns(PoolModel model) throws Exception {
        for (int round = 0; round < 5; round++) {
            try (AioContext ctx = AioContext.create()) {
                ThreadPool pool = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model).withWorkerSpinNanos(0));
                warm(pool, 20_000);
                CountDownLatch bRan = new CountDownLatch(1);
                CompletableFuture<Boolean> nestedResult = new CompletableFuture<>();
                ctx.execute(() -> {
                    pool.submit(() -> bRan.await(20, TimeUnit.SECONDS) ? 1 : 0, r -> { });
                    AtomicInteger b = new AtomicInteger(-1);
                    pool.submit(() -> {
                        bRan.countDown();
                        return 1;
                    }, b::set);
                    nestedResult.complete(ctx.runUntil(() -> b.get() == 1, Duration.ofSeconds(10)));
                });
                assertTrue(nestedResult.get(30, TimeUnit.SECONDS), model + ": the nested wait for B timed out (round " + round + ")");
            }
        }
    }

    /**
     * Finding 5: a failed thread start must not strand the backlog. The factory fails its first call; the
     * other owed workers still start and every request runs.
     */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void aFailedThreadStartDoesNotStrandTheBacklog(PoolModel model) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ThreadFactory failingFirst = r -> {
            if (calls.getAndIncrement() == 0) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory (test)");
            }
            Thread t = new Thread(r, "start-fail-worker-" + calls.get());
            t.setDaemon(true);
            return t;
        };
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)
                .withLimits(0, 4).withThreadFactory(failingFirst).withWorkerSpinNanos(0)).build()) {
            ThreadPool pool = ctx.threadPool();
            CountDownLatch allStarted = new CountDownLatch(4);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger done = new AtomicInteger();
            ctx.execute(() -> {
                for (int i = 0; i < 4; i++) {
                    pool.submit(() -> {
                        allStarted.countDown();
                        release.await(20, TimeUnit.SECONDS);
                        return 4;
                    }, r -> done.addAndGet(r));
                }
            });
            // Four requests that each hold a worker need four workers: the failed start must be made up for.
            assertTrue(allStarted.await(10, TimeUnit.SECONDS), model + ": only " + (4 - allStarted.getCount())
                    + " of 4 requests started after a failed thread start: " + pool);
            release.countDown();
            assertTrue(ctx.runUntil(() -> done.get() == 16, Duration.ofSeconds(10)), pool.toString());
            assertTrue(pool.stats().currentThreads() <= 4, pool.toString());
        }
    }

    /** Finding 5, the limit: a pool that can start no worker at all fails what waits with -EAGAIN, not a hang. */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void aPoolThatCannotStartAnyWorkerFailsWaitingRequestsWithEagain(PoolModel model) throws Exception {
        ThreadFactory never = r -> {
            throw new IllegalStateException("no threads here (test)");
        };
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)
                .withThreadFactory(never)).build()) {
            ThreadPool pool = ctx.threadPool();
            AtomicInteger[] results = {new AtomicInteger(1), new AtomicInteger(1), new AtomicInteger(1)};
            for (AtomicInteger r : results) {
                pool.submit(() -> 0, r::set);
            }
            assertTrue(ctx.runUntil(() -> results[2].get() != 1, Duration.ofSeconds(10)), pool.toString());
            for (AtomicInteger r : results) {
                assertEquals(-Errno.EAGAIN, r.get());
            }
            assertEquals(0, pool.stats().currentThreads());
        }
    }

    /**
     * Finding 6: the ticket reaches the task before any worker can run it, on the submitting thread, and is
     * the one submit returns: a task that keeps its ticket (the threads engine's requests) never stores a stale
     * one after submit returns, which could overwrite the ticket of a resubmission made by the completion.
     */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void theTicketReachesTheTaskBeforeItRuns(PoolModel model) throws Exception {
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)).build()) {
            ThreadPool pool = ctx.threadPool();
            int n = 20_000;
            AtomicInteger bad = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                AtomicLong seen = new AtomicLong(-1);
                Thread submitter = Thread.currentThread();
                BlockingTask task = new BlockingTask() {
                    @Override
                    public int run() {
                        return seen.get() >= 0 ? 1 : 0;
                    }

                    @Override
                    public void queued(long ticket) {
                        if (Thread.currentThread() != submitter) {
                            bad.incrementAndGet();
                        }
                        seen.set(ticket);
                    }
                };
                long ticket = pool.submit(task, r -> {
                    if (r != 1) {
                        bad.incrementAndGet();
                    }
                    done.incrementAndGet();
                });
                if (seen.get() != ticket) {
                    bad.incrementAndGet();
                }
            }
            assertTrue(ctx.runUntil(() -> done.get() == n, Duration.ofSeconds(30)));
            assertEquals(0, bad.get(), "tasks that ran before their ticket was handed over, or got another one");
        }
    }

    /** Finding 7: closing a pool or its context from one of the pool's own workers throws instead of waiting for itself. */
    @ParameterizedTest
    @EnumSource(PoolModel.class)
    void closingFromAnOwnWorkerThrowsInsteadOfHanging(PoolModel model) throws Exception {
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model)).build()) {
            ThreadPool pool = ctx.threadPool();
            CompletableFuture<Object> poolClose = pool.submitAsync(() -> {
                pool.close();
                return "closed";
            });
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> poolClose.get(10, TimeUnit.SECONDS));
            assertTrue(assertInstanceOf(IllegalStateException.class, e.getCause()).getMessage().contains("own worker"),
                    e.getCause().getMessage());
            CompletableFuture<Object> ctxClose = pool.submitAsync(() -> {
                ctx.close();
                return "closed";
            });
            e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> ctxClose.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            // Both still work.
            assertEquals(7, pool.submitAsync(() -> 7).get(10, TimeUnit.SECONDS));
            assertTrue(!ctx.isClosed());
        }
    }
}
