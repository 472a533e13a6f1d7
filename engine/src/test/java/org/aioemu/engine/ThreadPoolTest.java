package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

abstract class ThreadPoolTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    private static final Duration SHORT_IDLE = Duration.ofMillis(100);

    private AioContext ctx;
    /** Threads that called the thread factory (who created workers). */
    private final List<Thread> creators = new CopyOnWriteArrayList<>();

    private ThreadPool pool(int min, int max, Duration idle) {
        AtomicInteger ids = new AtomicInteger();
        ThreadFactory recording = r -> {
            creators.add(Thread.currentThread());
            Thread t = new Thread(r, "test-worker-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withModel(model()).withLimits(min, max)
                .withIdleTimeout(idle).withThreadFactory(recording)).build();
        return ctx.threadPool();
    }

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void resultAndErrnoComeBackOnTheLoop() {
        ThreadPool pool = pool(0, 4, SHORT_IDLE);
        AtomicReference<Thread> workerThread = new AtomicReference<>();
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
        pool.submit(() -> {
            workerThread.set(Thread.currentThread());
            return 4096;
        }, r -> {
            callbackThread.set(Thread.currentThread());
            result.set(r);
        });
        ctx.runUntil(() -> result.get() != Integer.MIN_VALUE);
        assertEquals(4096, result.get());
        assertSame(ctx.loopThread(), callbackThread.get());
        assertNotSame(ctx.loopThread(), workerThread.get());

        AtomicInteger errno = new AtomicInteger();
        pool.submit(() -> -Errno.ENOSPC, errno::set);
        ctx.runUntil(() -> errno.get() != 0);
        assertEquals(-Errno.ENOSPC, errno.get());

        AtomicInteger errnoThrown = new AtomicInteger();
        AtomicInteger otherThrown = new AtomicInteger();
        pool.submit(() -> {
            throw new ErrnoException(Errno.EBADF, "test");
        }, errnoThrown::set);
        pool.submit(() -> {
            throw new IllegalStateException("not an errno");
        }, otherThrown::set);
        ctx.runUntil(() -> errnoThrown.get() != 0 && otherThrown.get() != 0); // they may finish in either order
        assertEquals(-Errno.EBADF, errnoThrown.get());
        assertEquals(-Errno.EIO, otherThrown.get());
    }

    @Test
    void awaitStyleAndFireAndForget() throws Exception {
        ThreadPool pool = pool(0, 2, SHORT_IDLE);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<String> f = pool.submitAsync(() -> {
            go.await();
            return "value from " + Thread.currentThread().getName();
        });
        AtomicReference<Thread> completedOn = new AtomicReference<>();
        CompletableFuture<String> chained = f.thenApply(v -> {
            completedOn.set(Thread.currentThread());
            return v;
        });
        go.countDown(); // the stage is attached before the future can complete, so it runs on the loop
        assertTrue(ctx.await(chained).startsWith("value from test-worker-"));
        assertSame(ctx.loopThread(), completedOn.get());

        CompletableFuture<Object> failing = pool.submitAsync(() -> {
            throw new ErrnoException(Errno.EIO, "disk on fire");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> ctx.await(failing));
        assertEquals(Errno.EIO, assertInstanceOf(ErrnoException.class, e.getCause()).errno());

        AtomicInteger ran = new AtomicInteger();
        pool.execute(ran::incrementAndGet);
        pool.execute(() -> { throw new IllegalStateException("logged, not fatal"); });
        ctx.runUntil(() -> pool.stats().completed() == 4);
        assertEquals(1, ran.get());
    }

    @Test
    void maxLimitsConcurrencyAndIdleWorkersExitDownToMin() throws Exception {
        ThreadPool pool = pool(1, 3, SHORT_IDLE);
        ctx.runUntil(() -> pool.stats().currentThreads() == 1 && pool.stats().idleThreads() == 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 12; i++) {
            pool.submit(() -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                release.await();
                running.decrementAndGet();
                return 0;
            }, r -> done.incrementAndGet());
        }
        ctx.runUntil(() -> pool.stats().active() == 3);
        Thread.sleep(50);
        ThreadPoolStats s = pool.stats();
        assertEquals(3, s.currentThreads(), s.toString());
        assertEquals(3, s.active(), s.toString());
        assertEquals(9, s.queued(), s.toString());
        release.countDown();
        ctx.runUntil(() -> done.get() == 12);
        assertEquals(3, maxRunning.get());
        // Idle workers above min exit after the idle timeout; the min one stays.
        ctx.runUntil(() -> pool.stats().currentThreads() == 1, Duration.ofSeconds(10));
        Thread.sleep(SHORT_IDLE.toMillis() * 3);
        assertEquals(1, pool.stats().currentThreads());
    }

    @Test
    void minThreadsStartAtCreationAndSetLimitsResizes() throws Exception {
        ThreadPool pool = pool(4, 8, SHORT_IDLE);
        ctx.runUntil(() -> pool.stats().idleThreads() == 4);
        assertEquals(4, creators.size());
        pool.setLimits(6, 8);
        ctx.runUntil(() -> pool.stats().idleThreads() == 6);
        Thread.sleep(SHORT_IDLE.toMillis() * 3);
        assertEquals(6, pool.stats().currentThreads(), "min threads never exit");
        pool.setLimits(0, 2);
        ctx.runUntil(() -> pool.stats().currentThreads() <= 2, Duration.ofSeconds(5));
        ctx.runUntil(() -> pool.stats().currentThreads() == 0, Duration.ofSeconds(5));
        assertThrows(IllegalArgumentException.class, () -> pool.setLimits(3, 2));
        assertThrows(IllegalArgumentException.class, () -> pool.setLimits(-1, 2));
        // Work still runs after shrinking to nothing.
        AtomicInteger r = new AtomicInteger(-1);
        pool.submit(() -> 7, r::set);
        ctx.runUntil(() -> r.get() == 7);
    }

    @Test
    void submittersNeverCreateWorkers() throws Exception {
        ThreadPool pool = pool(0, 16, SHORT_IDLE);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        // Hold the loop so the whole backlog is recorded before the spawn bottom half can run.
        CountDownLatch loopHeld = new CountDownLatch(1);
        ctx.execute(() -> {
            try {
                loopHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread[] submitters = new Thread[4];
        for (int i = 0; i < submitters.length; i++) {
            submitters[i] = new Thread(() -> {
                for (int j = 0; j < 8; j++) {
                    pool.submit(() -> {
                        release.await();
                        return 0;
                    }, r -> done.incrementAndGet());
                }
            }, "submitter-" + i);
        }
        for (Thread t : submitters) {
            t.start();
        }
        for (Thread t : submitters) {
            t.join();
        }
        assertTrue(creators.isEmpty(), "no worker exists before the loop runs: " + creators);
        assertEquals(16, pool.stats().pendingThreads(), "the submits only recorded a backlog");
        loopHeld.countDown();
        ctx.runUntil(() -> pool.stats().currentThreads() == 16 && pool.stats().pendingThreads() == 0);
        release.countDown();
        ctx.runUntil(() -> done.get() == 32);
        assertEquals(16, creators.size());
        for (Thread creator : creators) {
            boolean loopOrWorker = creator == ctx.loopThread() || creator.getName().startsWith("test-worker-");
            assertTrue(loopOrWorker, "worker created by " + creator.getName());
        }
        assertEquals(1, creators.stream().filter(t -> t == ctx.loopThread()).count(),
                "the loop starts one worker and each newborn starts the next (seed 001): " + creators);
    }

    @Test
    void cancelStealsQueuedRequestsButNotActiveOnes() throws Exception {
        ThreadPool pool = pool(0, 1, SHORT_IDLE);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger activeResult = new AtomicInteger(1);
        AtomicInteger queuedResult = new AtomicInteger(1);
        AtomicInteger queuedRuns = new AtomicInteger();
        AtomicReference<Thread> cancelCallbackThread = new AtomicReference<>();
        long active = pool.submit(() -> {
            started.countDown();
            release.await();
            return 11;
        }, activeResult::set);
        started.await();
        long queued = pool.submit(() -> queuedRuns.incrementAndGet(), r -> {
            cancelCallbackThread.set(Thread.currentThread());
            queuedResult.set(r);
        });
        assertEquals(PoolRequest.State.ACTIVE, pool.state(active));
        assertEquals(PoolRequest.State.QUEUED, pool.state(queued));
        assertFalse(pool.cancel(active), "an active request runs to completion");
        assertTrue(pool.cancel(queued));
        assertFalse(pool.cancel(queued), "cancel is once");
        ctx.runUntil(() -> queuedResult.get() != 1);
        assertEquals(-Errno.ECANCELED, queuedResult.get());
        assertSame(ctx.loopThread(), cancelCallbackThread.get());
        release.countDown();
        ctx.runUntil(() -> activeResult.get() != 1);
        assertEquals(11, activeResult.get());
        assertEquals(0, queuedRuns.get());
        assertEquals(1, pool.stats().cancelled());
        assertFalse(pool.cancel(active), "a finished request cannot be cancelled");
    }

    @Test
    void closeCancelsQueuedWaitsForActiveAndRefusesNewWork() throws Exception {
        ThreadPool pool = pool(0, 2, SHORT_IDLE);
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger[] results = new AtomicInteger[10];
        for (int i = 0; i < results.length; i++) {
            AtomicInteger slot = results[i] = new AtomicInteger(1);
            pool.submit(() -> {
                started.countDown();
                Thread.sleep(100);
                return 5;
            }, slot::set);
        }
        started.await();
        pool.close();
        int ok = 0;
        int cancelled = 0;
        for (AtomicInteger r : results) {
            if (r.get() == 5) {
                ok++;
            } else if (r.get() == -Errno.ECANCELED) {
                cancelled++;
            }
        }
        assertEquals(2, ok, "the two active requests finish normally");
        assertEquals(8, cancelled, "the queued ones complete with -ECANCELED");
        ThreadPoolStats s = pool.stats();
        assertEquals(0, s.currentThreads(), s.toString());
        assertEquals(10, s.completed());
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> 0, r -> { }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        pool.close(); // idempotent
    }

    @Test
    void callbacksMaySubmitAndWaitNested() {
        ThreadPool pool = pool(0, 4, SHORT_IDLE);
        AtomicInteger innerResult = new AtomicInteger();
        AtomicInteger outerDone = new AtomicInteger();
        AtomicInteger siblings = new AtomicInteger();
        for (int i = 0; i < 8; i++) {
            pool.submit(() -> 1, r -> siblings.incrementAndGet());
        }
        pool.submit(() -> 1, r -> {
            // On the loop: submit more and wait for it right here, as a QEMU coroutine would not, but a
            // callback running aio_poll may.
            AtomicInteger got = new AtomicInteger();
            pool.submit(() -> 42, got::set);
            ctx.runUntil(() -> got.get() == 42);
            innerResult.set(got.get());
            outerDone.incrementAndGet();
        });
        ctx.runUntil(() -> outerDone.get() == 1 && siblings.get() == 8);
        assertEquals(42, innerResult.get());
        assertEquals(10, pool.stats().completed());
    }

    @Test
    void privatePoolsHaveTheirOwnLimits() {
        pool(0, 1, SHORT_IDLE);
        ThreadPool other = ctx.newThreadPool(ThreadPoolConfig.defaults().withModel(model()).withName("threadlets").withLimits(2, 2));
        ctx.runUntil(() -> other.stats().currentThreads() == 2 && other.stats().idleThreads() == 2);
        assertEquals(0, ctx.threadPool().stats().currentThreads());
        AtomicReference<String> where = new AtomicReference<>();
        other.submit(() -> Thread.currentThread().getName(), (v, t) -> where.set(v));
        ctx.runUntil(() -> where.get() != null);
        assertTrue(where.get().startsWith("threadlets-worker-"), where.get());
    }
}
