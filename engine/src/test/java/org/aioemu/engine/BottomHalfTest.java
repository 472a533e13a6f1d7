package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BottomHalfTest {
    private AioContext ctx;

    @BeforeEach
    void start() {
        ctx = AioContext.create();
    }

    @AfterEach
    void stop() {
        ctx.close();
    }

    /**
     * A task queued before the close that runs in the loop's last turns and schedules a bottom half (a block
     * request refused because its backend closed completes that way) still gets it run: the completion is owed to
     * whoever queued the task. Before the fix the close's "ending" flag dropped every hand-off, the loop's own too,
     * and the completion was lost (found by the block storm).
     */
    @Test
    void aBottomHalfTheLoopSchedulesWhileItClosesStillRuns() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        BottomHalf owed = ctx.newBottomHalf(ran::countDown);
        CountDownLatch loopHeld = new CountDownLatch(1);
        ctx.execute(() -> { // holds the loop until the close has set its flags, so the next task runs after them
            loopHeld.countDown();
            while (!ctx.isClosed()) {
                Thread.onSpinWait();
            }
            sleepQuietly(50); // the close sets "ending" just after "closed"
        });
        ctx.execute(owed::schedule);
        assertTrue(loopHeld.await(10, TimeUnit.SECONDS));
        ctx.close();
        assertTrue(ran.await(0, TimeUnit.SECONDS), "the bottom half scheduled in the loop's last turns never ran");
    }

    @Test
    void runsOnTheLoopThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        BottomHalf bh = ctx.newBottomHalf(() -> ranOn.set(Thread.currentThread()));
        bh.schedule();
        ctx.runUntil(() -> ranOn.get() != null);
        assertSame(ctx.loopThread(), ranOn.get());
        assertFalse(bh.isScheduled());
    }

    @Test
    void manySchedulesBeforeItRunsGiveOneRun() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        BottomHalf bh = ctx.newBottomHalf(runs::incrementAndGet);
        // Hold the loop so every schedule lands before the first run can start.
        ctx.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int j = 0; j < 10_000; j++) {
                    bh.schedule();
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(bh.isScheduled());
        gate.countDown();
        ctx.runUntil(() -> runs.get() > 0);
        // Give a wrongly duplicated run every chance to happen.
        flushLoop();
        assertEquals(1, runs.get());
    }

    @Test
    void cancelPreventsThePendingRun() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        BottomHalf bh = ctx.newBottomHalf(runs::incrementAndGet);
        ctx.execute(() -> awaitQuietly(gate));
        bh.schedule();
        assertTrue(bh.cancel());
        assertFalse(bh.cancel(), "nothing left to cancel");
        gate.countDown();
        flushLoop();
        assertEquals(0, runs.get());
        // Scheduling after a cancel (while it may still be linked) runs it once.
        bh.schedule();
        ctx.runUntil(() -> runs.get() == 1);
        flushLoop();
        assertEquals(1, runs.get());
    }

    @Test
    void schedulingFromItsOwnRunGivesExactlyOneMoreRun() {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<BottomHalf> self = new AtomicReference<>();
        BottomHalf bh = ctx.newBottomHalf(() -> {
            if (runs.incrementAndGet() < 5) {
                self.get().schedule();
                self.get().schedule(); // idempotent: still one more run
            }
        });
        self.set(bh);
        bh.schedule();
        ctx.runUntil(() -> runs.get() >= 5);
        flushLoop();
        assertEquals(5, runs.get());
    }

    @Test
    void randomizedScheduleAndCancelRunsOnceExactlyWhenLeftScheduled() {
        // Each round holds the loop, applies a random sequence of schedule/cancel, releases the loop:
        // the callback must run once if the last call left it scheduled, never otherwise. The sequences
        // reach the "cancelled but still linked, then scheduled again" path.
        java.util.Random rnd = new java.util.Random(42);
        AtomicInteger runs = new AtomicInteger();
        BottomHalf bh = ctx.newBottomHalf(runs::incrementAndGet);
        int expected = 0;
        for (int round = 0; round < 2000; round++) {
            CountDownLatch gate = new CountDownLatch(1);
            ctx.execute(() -> awaitQuietly(gate));
            boolean scheduled = false;
            int ops = 1 + rnd.nextInt(6);
            for (int i = 0; i < ops; i++) {
                if (rnd.nextBoolean()) {
                    bh.schedule();
                    scheduled = true;
                } else {
                    assertEquals(scheduled, bh.cancel(), "seed 42 round " + round);
                    scheduled = false;
                }
            }
            assertEquals(scheduled, bh.isScheduled());
            expected += scheduled ? 1 : 0;
            gate.countDown();
            flushLoop();
            assertEquals(expected, runs.get(), "seed 42 round " + round);
        }
    }

    @Test
    void nestedRunUntilOnTheLoopRunsOtherBottomHalves() {
        AtomicInteger otherRuns = new AtomicInteger();
        BottomHalf other = ctx.newBottomHalf(otherRuns::incrementAndGet);
        AtomicReference<Boolean> nestedResult = new AtomicReference<>();
        BottomHalf outer = ctx.newBottomHalf(() -> {
            // Scheduled from another thread while we wait here on the loop.
            new Thread(other::schedule).start();
            ctx.runUntil(() -> otherRuns.get() == 1);
            nestedResult.set(ctx.runUntil(() -> false, Duration.ofMillis(20)));
        });
        outer.schedule();
        ctx.runUntil(() -> nestedResult.get() != null);
        assertEquals(1, otherRuns.get());
        assertFalse(nestedResult.get(), "a nested wait with a timeout gives up");
    }

    @Test
    void runUntilFromOutsideTimesOutAndPropagatesConditionFailures() {
        assertFalse(ctx.runUntil(() -> false, Duration.ofMillis(30)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ctx.runUntil(() -> { throw new IllegalStateException("boom"); }));
        assertEquals("boom", e.getMessage());
    }

    @Test
    void aBottomHalfThatKeepsReschedulingItselfDoesNotStarveTimersOrTasks() {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean timerRan = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean taskRan = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<BottomHalf> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        self.set(ctx.newBottomHalf(() -> {
            runs.incrementAndGet();
            if (!stop.get()) {
                self.get().schedule();
            }
        }));
        ctx.execute(() -> {
            self.get().schedule();
            ctx.schedule(() -> timerRan.set(true), 5, TimeUnit.MILLISECONDS);
        });
        ctx.execute(() -> taskRan.set(true));
        boolean ok = ctx.runUntil(() -> timerRan.get() && taskRan.get(), Duration.ofSeconds(10));
        stop.set(true);
        assertTrue(ok, "timer " + timerRan.get() + ", task " + taskRan.get() + " after " + runs.get() + " runs");
        assertTrue(runs.get() > 1, "the bottom half kept running too");
    }

    @Test
    void timersRunOnTheLoopAfterTheirDelay() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        long start = System.nanoTime();
        ctx.schedule(() -> ranOn.set(Thread.currentThread()), 20, TimeUnit.MILLISECONDS);
        ctx.runUntil(() -> ranOn.get() != null);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        assertSame(ctx.loopThread(), ranOn.get());
    }

    @Test
    void contextNamesItsTransportAndRejectsWorkAfterClose() {
        assertTrue(ctx.toString().contains(ctx.transport().name().toLowerCase(java.util.Locale.ROOT)), ctx.toString());
        assertFalse(ctx.inLoop());
        AioContext other = AioContext.builder().transport(Transport.NIO).build();
        assertEquals(Transport.NIO, other.transport());
        other.close();
        other.close(); // idempotent
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> other.execute(() -> { }));
    }

    /**
     * A worker finishing late schedules a bottom half after the context closed: the schedule is dropped
     * (nothing can run it) instead of throwing the loop's RejectedExecutionException into the worker.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aScheduleAfterTheLoopHasEndedIsDroppedNotThrown() throws Exception {
        AioContext own = AioContext.create();
        AtomicInteger runs = new AtomicInteger();
        BottomHalf late = own.newBottomHalf(runs::incrementAndGet);
        own.close();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                late.schedule();
                own.newBottomHalf(runs::incrementAndGet).schedule();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "late worker");
        worker.start();
        worker.join();
        assertNull(thrown.get(), () -> "schedule threw into the worker: " + thrown.get());
        assertEquals(0, runs.get());

        // Racing the close: whatever the moment, a schedule never throws, and a thread that keeps scheduling
        // does not keep the close from ending (Netty runs its queue until empty while it shuts down).
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 1000; round++) {
            AioContext racing = AioContext.builder().transport(Transport.NIO).build();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            int spinBefore = rnd.nextInt(2000);
            Thread scheduler = new Thread(() -> {
                try {
                    start.await();
                    while (!stop.get()) {
                        racing.newBottomHalf(() -> { }).schedule();
                    }
                    racing.newBottomHalf(() -> { }).schedule(); // surely after the loop ended
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            scheduler.start();
            start.await();
            for (int i = 0; i < spinBefore; i++) {
                Thread.onSpinWait();
            }
            racing.close();
            stop.set(true);
            scheduler.join();
            assertNull(thrown.get(), "round " + round + ": schedule threw " + thrown.get());
        }
    }

    /** Waits until everything queued on the loop so far has run. */
    private void flushLoop() {
        AtomicInteger done = new AtomicInteger();
        ctx.execute(done::incrementAndGet);
        ctx.runUntil(() -> done.get() == 1);
    }

    private static void awaitQuietly(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
