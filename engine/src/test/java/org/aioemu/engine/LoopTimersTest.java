package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AioContext#schedule}: the context's own timer list ({@link LoopTimers}). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopTimersTest {
    private AioContext ctx;

    @AfterEach
    void stop() throws Exception {
        if (ctx != null) {
            NestedLoopTest.closeWithin(ctx, Duration.ofSeconds(10));
        }
    }

    /** Timers scheduled on the loop in random order run in deadline order, each once, on the loop. */
    @Test
    void timersRunInDeadlineOrderOnTheLoop() {
        ctx = AioContext.create();
        Random rnd = new Random(21);
        int n = 500;
        List<LoopTimer> ran = new ArrayList<>();
        AtomicReference<Thread> wrongThread = new AtomicReference<>();
        LoopTimer[] timers = new LoopTimer[n];
        ctx.execute(() -> {
            for (int i = 0; i < n; i++) {
                int id = i;
                timers[i] = (LoopTimer) ctx.schedule(() -> {
                    ran.add(timers[id]);
                    if (!ctx.inLoop()) {
                        wrongThread.set(Thread.currentThread());
                    }
                }, rnd.nextInt(30_000), TimeUnit.MICROSECONDS);
            }
        });
        assertTrue(ctx.runUntil(() -> ran.size() == n, Duration.ofSeconds(10)), "not every timer ran");
        assertNull(wrongThread.get());
        for (int i = 1; i < n; i++) {
            assertFalse(ran.get(i).before(ran.get(i - 1)), "timer " + i + " ran before an earlier one");
        }
        for (LoopTimer t : timers) {
            assertTrue(t.isDone() && !t.isCancelled());
        }
    }

    /**
     * Threads schedule timers and cancel some of theirs at random, from off the loop: a timer whose cancel
     * succeeded never runs, every other runs exactly once, and the heap ends empty.
     */
    @Test
    void randomSchedulesAndCancelsFromManyThreadsRunEachSurvivorOnce() throws Exception {
        ctx = AioContext.create();
        int threads = 4;
        int perThread = 2_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        boolean[] cancelled = new boolean[threads * perThread];
        ScheduledFuture<?>[] futures = new ScheduledFuture<?>[threads * perThread];
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            Thread th = new Thread(() -> {
                Random rnd = new Random(base);
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int id = base + i;
                        futures[id] = ctx.schedule(() -> runs.incrementAndGet(id), rnd.nextInt(2_000),
                                TimeUnit.MICROSECONDS);
                        if (rnd.nextInt(3) == 0) {
                            int victim = base + rnd.nextInt(i + 1);
                            if (futures[victim].cancel(false)) {
                                cancelled[victim] = true;
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertNull(failure.get());
        for (ScheduledFuture<?> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (CancellationException expected) {
                // cancelled: checked below
            }
        }
        for (int i = 0; i < futures.length; i++) {
            assertEquals(cancelled[i] ? 0 : 1, runs.get(i), "timer " + i + (cancelled[i] ? " (cancelled)" : ""));
            assertEquals(cancelled[i], futures[i].isCancelled(), "timer " + i);
        }
        assertTrue(ctx.runUntil(() -> ctx.timers().size() == 0, Duration.ofSeconds(10)),
                "cancelled timers stayed in the heap"); // the condition runs on the loop, which owns the heap
    }

    /** A timer cancelled from another thread leaves the heap at the next intake, not at its deadline. */
    @Test
    void aTimerCancelledElsewhereLeavesTheHeapBeforeItsDeadline() {
        ctx = AioContext.create();
        ScheduledFuture<?> far = ctx.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(ctx.runUntil(() -> ctx.timers().size() == 1, Duration.ofSeconds(10)));
        assertTrue(far.cancel(false));
        assertFalse(far.cancel(false), "cancelled twice");
        assertTrue(ctx.runUntil(() -> ctx.timers().size() == 0, Duration.ofSeconds(10)));
        assertThrows(CancellationException.class, far::get);
    }

    /** The future: get waits for the run, a failure is rethrown wrapped, get on the loop refuses to deadlock. */
    @Test
    void theFutureReportsTheOutcome() throws Exception {
        ctx = AioContext.create();
        ScheduledFuture<?> ok = ctx.schedule(() -> { }, 10, TimeUnit.MILLISECONDS);
        assertNull(ok.get(10, TimeUnit.SECONDS));
        assertTrue(ok.isDone());
        assertFalse(ok.isCancelled());
        assertFalse(ok.cancel(false), "cancel after the run");

        ScheduledFuture<?> bad = ctx.schedule(() -> {
            throw new IllegalStateException("timer failure, logged on purpose");
        }, 0, TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());

        ScheduledFuture<?> far = ctx.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertThrows(TimeoutException.class, () -> far.get(20, TimeUnit.MILLISECONDS));
        assertTrue(far.getDelay(TimeUnit.MINUTES) > 50);
        assertTrue(far.compareTo(ok) > 0);
        CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
        ctx.execute(() -> {
            try {
                far.get();
                onLoop.complete(null);
            } catch (Throwable t) {
                onLoop.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, onLoop.get(10, TimeUnit.SECONDS));
        far.cancel(false);
    }

    /** A thread waiting in get() is woken by a cancel from a third thread. */
    @Test
    void aCancelWakesAThreadWaitingInGet() throws Exception {
        ctx = AioContext.create();
        ScheduledFuture<?> far = ctx.schedule(() -> { }, 1, TimeUnit.HOURS);
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                far.get();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(20);
        assertTrue(far.cancel(false));
        assertInstanceOf(CancellationException.class, waiter.get(10, TimeUnit.SECONDS));
    }

    /** A waiter off the loop is re-checked right after a timer runs, not at the next periodic recheck. */
    @Test
    void aWaiterIsRecheckedAfterEveryTimer() {
        ctx = AioContext.builder().recheckInterval(Duration.ofHours(1)).build();
        AtomicBoolean flag = new AtomicBoolean();
        ctx.schedule(() -> flag.set(true), 5, TimeUnit.MILLISECONDS);
        assertTrue(ctx.runUntil(flag::get, Duration.ofSeconds(10)));
    }

    /** Closing the context cancels every timer that has not run; scheduling after close is refused. */
    @Test
    void closingTheContextCancelsPendingTimers() throws Exception {
        AioContext own = AioContext.create();
        ScheduledFuture<?> fromOutside = own.schedule(() -> { }, 1, TimeUnit.HOURS);
        CompletableFuture<ScheduledFuture<?>> fromLoop = new CompletableFuture<>();
        own.execute(() -> fromLoop.complete(own.schedule(() -> { }, 1, TimeUnit.HOURS)));
        ScheduledFuture<?> onLoop = fromLoop.get(10, TimeUnit.SECONDS);
        own.close();
        assertTrue(fromOutside.isCancelled());
        assertTrue(onLoop.isCancelled());
        assertThrows(RejectedExecutionException.class, () -> own.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
    }

    /** Schedules racing the close: every future ends done or cancelled, none stays pending. */
    @Test
    void schedulesRacingTheCloseNeverStayPending() throws Exception {
        Random rnd = new Random(23);
        for (int round = 0; round < 100; round++) {
            AioContext own = AioContext.builder().transport(Transport.NIO).build();
            List<ScheduledFuture<?>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicInteger refused = new AtomicInteger();
            Thread scheduler = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        futures.add(own.schedule(() -> { }, rnd.nextInt(3), TimeUnit.MILLISECONDS));
                    }
                } catch (RejectedExecutionException closed) {
                    refused.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            scheduler.start();
            start.await();
            Thread.sleep(rnd.nextInt(2));
            own.close();
            scheduler.join();
            for (ScheduledFuture<?> f : futures) {
                assertTrue(f.isDone(), "round " + round + ": a timer stayed pending after close: " + f);
            }
        }
    }
}
