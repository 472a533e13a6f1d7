package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pooled int-completion requests: tickets against recycling, no allocation, no CPU when idle. */
abstract class ThreadPoolRecyclingTest {
    /** The dispatch model under test: one subclass per model. */
    abstract PoolModel model();

    private AioContext ctx;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    /** Holds blocking tasks; opened before close so that a failed test cannot hang in it. */
    private final CountDownLatch release = new CountDownLatch(1);

    private ThreadPool pool(Transport transport, int min, int max, long spinNanos) {
        ThreadFactory recording = r -> {
            Thread t = new Thread(r, "recycling-worker-" + workers.size());
            t.setDaemon(true);
            workers.add(t);
            return t;
        };
        ctx = AioContext.builder().transport(transport).threadPool(ThreadPoolConfig.defaults().withModel(model()).withLimits(min, max)
                .withThreadFactory(recording).withWorkerSpinNanos(spinNanos)).build();
        return ctx.threadPool();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void aStaleTicketCannotCancelTheSubmissionThatReusesItsRequest() throws Exception {
        ThreadPool pool = pool(Transport.AUTO, 1, 1, 0);
        // From this thread, with its cache and the release list empty, and nothing completing until all
        // are queued (the one worker waits on the gate): every request is new. Once they have completed,
        // the release list holds two batches of them.
        int n = 3 * ObjectPool.BATCH;
        long[] old = new long[n];
        AtomicInteger done = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        old[0] = pool.submit(() -> {
            gate.await();
            return 1;
        }, r -> done.incrementAndGet());
        for (int i = 1; i < n; i++) {
            old[i] = pool.submit(() -> 1, r -> done.incrementAndGet());
        }
        gate.countDown();
        ctx.runUntil(() -> done.get() == n);
        assertEquals(n, pool.requestTable().highWater());
        Set<Integer> oldSlots = new HashSet<>();
        for (long t : old) {
            oldSlots.add(RequestTable.slotOf(t));
        }

        // The next submissions take the release list: their requests are recycled ones.
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger blockerResult = new AtomicInteger(1);
        long blocker = pool.submit(() -> {
            started.countDown();
            release.await();
            return 2;
        }, blockerResult::set);
        started.await();
        AtomicInteger queuedResult = new AtomicInteger(1);
        long queued = pool.submit(() -> 3, queuedResult::set);
        assertTrue(oldSlots.contains(RequestTable.slotOf(blocker)) && oldSlots.contains(RequestTable.slotOf(queued)),
                "the new submissions reuse old requests");
        assertEquals(n, pool.requestTable().highWater(), "no request was made");
        assertEquals(PoolRequest.State.QUEUED, pool.state(queued));
        for (long t : old) {
            assertEquals(PoolRequest.State.DONE, pool.state(t));
            assertFalse(pool.cancel(t), "stale ticket " + t + " cancelled a later submission");
        }
        assertEquals(PoolRequest.State.QUEUED, pool.state(queued));
        assertFalse(pool.cancel(0) || pool.cancel(-1) || pool.cancel(Long.MAX_VALUE), "tickets never issued");

        release.countDown();
        ctx.runUntil(() -> queuedResult.get() != 1 && blockerResult.get() != 1);
        assertEquals(3, queuedResult.get(), "the reusing submission ran normally");
        assertEquals(2, blockerResult.get());
        assertEquals(0, pool.stats().cancelled());
        assertFalse(pool.cancel(queued), "its own ticket is stale once it has completed");
    }

    @Test
    void ticketsStayNonNegativeAndKeepTheirSlot() {
        for (long seq : new long[] {1, 2, (1L << 39) - 1, 1L << 39, (1L << 40) + 7, Long.MAX_VALUE}) {
            long t = RequestTable.ticket(seq, RequestTable.MAX_SLOTS - 1);
            assertTrue(t >= 0, "ticket of sequence " + seq);
            assertEquals(RequestTable.MAX_SLOTS - 1, RequestTable.slotOf(t));
        }
        assertTrue(RequestTable.ticket(2, 0) != RequestTable.ticket(3, 0));
    }

    @Test
    void cancellingARecycledRequestsCurrentTicketWorks() throws Exception {
        ThreadPool pool = pool(Transport.AUTO, 1, 1, 0);
        AtomicInteger done = new AtomicInteger();
        int n = 2 * ObjectPool.BATCH + 1;
        for (int i = 0; i < n; i++) {
            pool.submit(() -> 1, r -> done.incrementAndGet());
        }
        ctx.runUntil(() -> done.get() == n);
        CountDownLatch started = new CountDownLatch(1);
        pool.submit(() -> {
            started.countDown();
            release.await();
            return 0;
        }, r -> { });
        started.await();
        AtomicInteger result = new AtomicInteger(1);
        long t = pool.submit(() -> 5, result::set);
        assertTrue(pool.cancel(t));
        assertFalse(pool.cancel(t), "cancel is once");
        ctx.runUntil(() -> result.get() != 1);
        assertEquals(-Errno.ECANCELED, result.get());
        release.countDown();
        ctx.runUntil(() -> pool.stats().completed() == n + 2);
        assertEquals(1, pool.stats().cancelled());
    }

    /**
     * Round trips driven from the loop (as the I/O path runs) allocate nothing on the loop or on the
     * workers once warm. Epoll keeps the transport's own allocation out of the figure (Netty's io_uring
     * handler allocates per loop iteration).
     */
    @Test
    void roundTripsFromTheLoopAllocateNothing() {
        assumeTrue(AioContext.isAvailable(Transport.EPOLL), "epoll");
        for (long spin : new long[] {0, 50_000}) {
            ThreadPool pool = pool(Transport.EPOLL, 0, 4, spin);
            for (int depth : new int[] {1, 16}) {
                Driver d = new Driver(pool, depth);
                d.run(20_000); // warm: fills the pool, starts the workers, compiles
                long before = allocatedBytes();
                int ops = 100_000;
                d.run(ops);
                long bytes = allocatedBytes() - before;
                assertTrue(bytes < ops / 10, bytes + " bytes for " + ops + " round trips at depth " + depth + ", spin " + spin);
            }
            ctx.close();
            ctx = null;
            workers.clear();
        }
    }

    private long allocatedBytes() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = bean.getThreadAllocatedBytes(ctx.loopThread().threadId());
        for (Thread w : workers) {
            long b = bean.getThreadAllocatedBytes(w.threadId());
            sum += Math.max(b, 0); // -1 once a worker has exited
        }
        return sum;
    }

    /**
     * Keeps {@code depth} null tasks in flight from the loop; completions made once. The test thread
     * waits on a latch, not with runUntil, whose 10 ms re-check timer would allocate on the loop.
     */
    private final class Driver {
        private final ThreadPool pool;
        private final int depth;
        private final IntCompletion onDone = r -> completed();
        private final BlockingTask task = () -> 0;
        private final Runnable start = this::start;
        // Loop only, after execute() published them.
        private int total;
        private int issued;
        private int done;
        private CountDownLatch finished;

        Driver(ThreadPool pool, int depth) {
            this.pool = pool;
            this.depth = depth;
        }

        void run(int n) {
            total = n;
            finished = new CountDownLatch(1);
            ctx.execute(start);
            try {
                assertTrue(finished.await(60, java.util.concurrent.TimeUnit.SECONDS), "round trips did not finish");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        private void start() {
            done = 0;
            issued = 0;
            for (int i = 0; i < depth; i++) {
                issued++;
                pool.submit(task, onDone);
            }
        }

        private void completed() {
            done++;
            if (issued < total) {
                issued++;
                pool.submit(task, onDone);
            } else if (done == total) {
                finished.countDown();
            }
        }
    }

    @Test
    void anIdlePoolUsesNoCpuAfterTheSpinWindow() throws Exception {
        long spin = Duration.ofMillis(20).toNanos();
        ThreadPool pool = pool(Transport.AUTO, 2, 2, spin);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            pool.submit(() -> 0, r -> done.incrementAndGet());
        }
        ctx.runUntil(() -> done.get() == 100);
        Thread.sleep(100); // well past the spin window
        var bean = ManagementFactory.getThreadMXBean();
        long before = 0;
        for (Thread w : workers) {
            before += bean.getThreadCpuTime(w.threadId());
        }
        Thread.sleep(300);
        long after = 0;
        for (Thread w : workers) {
            after += bean.getThreadCpuTime(w.threadId());
        }
        assertEquals(2, workers.size());
        assertTrue(after - before < Duration.ofMillis(10).toNanos(),
                "idle workers used " + (after - before) / 1000 + " µs of CPU in 300 ms");
        assertEquals(2, pool.stats().idleThreads());
    }
}
