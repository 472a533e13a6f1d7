package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The context's own lifecycle: closing it while other threads use it. */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AioContextTest {
    /**
     * close() races threadPool() and newThreadPool(): whatever the interleaving, every pool either of them
     * returned is closed with the context (a pool made between close's look at its pools and the context
     * turning closed used to be left running), and after close they refuse to be made.
     */
    @Test
    void everyPoolMadeWhileTheContextClosesIsClosedWithIt() throws Exception {
        Random rnd = new Random(11);
        for (int round = 0; round < 300; round++) {
            AioContext ctx = AioContext.builder().transport(Transport.NIO).build();
            List<ThreadPool> made = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(3);
            int spinDefault = rnd.nextInt(20_000);
            int spinPrivate = rnd.nextInt(20_000);
            Thread defaultPool = new Thread(() -> makePools(ctx::threadPool, start, spinDefault, made, unexpected));
            Thread privatePools = new Thread(() -> makePools(
                    () -> ctx.newThreadPool(ThreadPoolConfig.defaults().withName("private")), start, spinPrivate,
                    made, unexpected));
            defaultPool.start();
            privatePools.start();
            start.await();
            for (int i = rnd.nextInt(50_000); i > 0; i--) {
                Thread.onSpinWait();
            }
            ctx.close();
            defaultPool.join();
            privatePools.join();
            assertNull(unexpected.get(), "round " + round);
            for (ThreadPool pool : made) {
                assertEquals(0, pool.stats().currentThreads(), "round " + round + ": " + pool);
                BlockingTask nothing = () -> 0;
                assertThrows(RejectedExecutionException.class, () -> pool.submit(nothing, (IntCompletion) null),
                        "round " + round + ": a pool made while the context closed still takes work");
                assertEquals(0, pool.stats().submitted(), "round " + round + ": " + pool);
            }
            assertThrows(RejectedExecutionException.class, ctx::threadPool);
            assertThrows(RejectedExecutionException.class, () -> ctx.newThreadPool(ThreadPoolConfig.defaults()));
        }
    }

    /** Makes pools, a short random spin apart, until the context refuses. */
    private static void makePools(java.util.function.Supplier<ThreadPool> make, CyclicBarrier start, int spin,
                                  List<ThreadPool> made, AtomicReference<Throwable> unexpected) {
        try {
            start.await();
            for (int n = 0; n < 40; n++) {
                made.add(make.get());
                for (int i = spin; i > 0; i--) {
                    Thread.onSpinWait();
                }
            }
        } catch (RejectedExecutionException closed) {
            // the context closed: the end of this thread's run
        } catch (Throwable t) {
            unexpected.set(t);
        }
    }

    /**
     * Two threads close the context at once while other threads wait on it: each waiter is released once,
     * with the RejectedExecutionException that says the context closed, neither close throws, and both
     * return only after the loop thread has ended.
     */
    @Test
    void concurrentClosesReleaseEveryWaiterOnceAndReturnAfterTheLoopEnded() throws Exception {
        Random rnd = new Random(12);
        for (int round = 0; round < 300; round++) {
            AioContext ctx = AioContext.builder().transport(round % 2 == 0 ? Transport.NIO : Transport.AUTO).build();
            int nWaiters = 1 + rnd.nextInt(3);
            List<Thread> waiters = new ArrayList<>();
            List<AtomicReference<Throwable>> outcomes = new ArrayList<>();
            AtomicInteger releases = new AtomicInteger();
            for (int w = 0; w < nWaiters; w++) {
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                outcomes.add(outcome);
                Thread t = new Thread(() -> {
                    try {
                        ctx.runUntil(() -> false);
                        outcome.set(new AssertionError("runUntil(false) returned normally"));
                    } catch (Throwable e) {
                        outcome.set(e);
                    }
                    releases.incrementAndGet();
                });
                waiters.add(t);
                t.start();
            }
            for (Thread t : waiters) {
                while (t.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait(); // blocked in the wait, so its registration is queued on the loop
                }
            }
            CompletableFuture<Void> registered = new CompletableFuture<>();
            ctx.execute(() -> registered.complete(null)); // behind every waiter's registration
            registered.get(10, TimeUnit.SECONDS);

            CyclicBarrier start = new CyclicBarrier(2);
            AtomicReference<Throwable> closeFailure = new AtomicReference<>();
            AtomicBoolean loopAliveAtReturn = new AtomicBoolean();
            int spin = rnd.nextInt(5_000);
            Runnable closer = () -> {
                try {
                    start.await();
                    ctx.close();
                    if (ctx.loopThread().isAlive()) {
                        loopAliveAtReturn.set(true);
                    }
                } catch (Throwable t) {
                    closeFailure.set(t);
                }
            };
            Thread first = new Thread(closer);
            Thread second = new Thread(() -> {
                for (int i = spin; i > 0; i--) {
                    Thread.onSpinWait();
                }
                closer.run();
            });
            first.start();
            second.start();
            first.join();
            second.join();
            for (Thread t : waiters) {
                t.join();
            }
            assertNull(closeFailure.get(), "round " + round);
            assertFalse(loopAliveAtReturn.get(), "round " + round + ": a close returned before the loop thread ended");
            assertEquals(nWaiters, releases.get(), "round " + round);
            for (AtomicReference<Throwable> outcome : outcomes) {
                assertInstanceOf(RejectedExecutionException.class, outcome.get(), "round " + round);
            }
        }
    }
}
