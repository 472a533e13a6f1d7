package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
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
