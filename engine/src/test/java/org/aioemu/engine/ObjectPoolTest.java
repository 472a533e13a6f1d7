package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ObjectPoolTest {
    /** A pooled object that records who holds it, to catch one object handed to two holders. */
    static final class Item implements ObjectPool.Link<Item> {
        final AtomicReference<Thread> holder = new AtomicReference<>();
        Item next;

        @Override
        public Item poolNext() {
            return next;
        }

        @Override
        public void poolNext(Item n) {
            next = n;
        }
    }

    private final AtomicInteger created = new AtomicInteger();
    private final ObjectPool<Item> pool = new ObjectPool<>(() -> {
        created.incrementAndGet();
        return new Item();
    });

    private List<Item> allocate(int n) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Item it = pool.allocate();
            assertNull(it.poolNext(), "an allocated object is unlinked");
            items.add(it);
        }
        return items;
    }

    @Test
    void theReleaseListIsTakenWholeOnceItHoldsMoreThanABatch() {
        List<Item> first = allocate(ObjectPool.BATCH);
        assertEquals(ObjectPool.BATCH, created.get());
        first.forEach(pool::release);
        assertEquals(ObjectPool.BATCH, pool.releasedCount());
        // Exactly a batch is not more than a batch: the list stays, a new object is made.
        Item extra = pool.allocate();
        assertEquals(ObjectPool.BATCH + 1, created.get());
        assertFalse(first.contains(extra));
        pool.release(extra);
        // Now the list holds a batch plus one: the next allocation takes all of it in one exchange.
        Item reused = pool.allocate();
        assertSame(extra, reused, "newest first");
        assertEquals(0, pool.releasedCount());
        assertEquals(0, pool.releasedLengthQuiescent());
        assertEquals(ObjectPool.BATCH, ObjectPool.cacheLength(pool.currentThreadCache()));
        List<Item> again = allocate(ObjectPool.BATCH);
        assertEquals(ObjectPool.BATCH + 1, created.get(), "the cache served a whole batch without making any");
        assertTrue(again.containsAll(first));
        assertNotSame(reused, pool.allocate(), "the cache is empty again, and so is the release list");
        assertEquals(ObjectPool.BATCH + 2, created.get());
    }

    @Test
    void releasesBeyondTwoBatchesAreDropped() {
        List<Item> items = allocate(3 * ObjectPool.BATCH);
        int kept = 0;
        for (Item it : items) {
            if (pool.release(it)) {
                kept++;
            }
        }
        assertEquals(ObjectPool.RELEASE_CAP, kept);
        assertEquals(ObjectPool.RELEASE_CAP, pool.releasedCount());
        assertEquals(ObjectPool.RELEASE_CAP, pool.releasedLengthQuiescent());
        allocate(ObjectPool.RELEASE_CAP);
        assertEquals(3 * ObjectPool.BATCH, created.get(), "the kept ones came back, none made");
    }

    @Test
    void aCacheGivenExplicitlyIsUsedInsteadOfTheThreadLocalOne() {
        ObjectPool.Cache<Item> own = pool.newCache();
        allocate(ObjectPool.BATCH + 1).forEach(pool::release);
        Item it = pool.allocate(own);
        assertEquals(ObjectPool.BATCH, ObjectPool.cacheLength(own));
        assertEquals(0, ObjectPool.cacheLength(pool.currentThreadCache()));
        assertEquals(ObjectPool.BATCH + 1, created.get());
        pool.release(it);
    }

    /**
     * Threads allocate runs of objects, hold them a while, and release them themselves or hand them to
     * another thread to release. No object may be handed to two holders at once, the release list may
     * exceed its cap only by the number of racing releasers, and most allocations must be reuses.
     */
    @Test
    void stressNoObjectHasTwoHoldersAndTheCapHolds() throws Exception {
        int threads = 4;
        int rounds = 30_000;
        long seed = System.nanoTime();
        ConcurrentLinkedQueue<Item> handoff = new ConcurrentLinkedQueue<>();
        AtomicLong allocations = new AtomicLong();
        AtomicInteger maxSeenCount = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                    Thread me = Thread.currentThread();
                    Item[] held = new Item[200];
                    for (int r = 0; r < rounds; r++) {
                        int n = 1 + rnd.nextInt(held.length);
                        for (int i = 0; i < n; i++) {
                            Item it = pool.allocate();
                            if (!it.holder.compareAndSet(null, me)) {
                                throw new AssertionError("object handed out while " + it.holder.get() + " holds it, seed " + seed);
                            }
                            held[i] = it;
                        }
                        allocations.addAndGet(n);
                        if (rnd.nextInt(4) == 0) {
                            Thread.onSpinWait();
                        }
                        for (int i = 0; i < n; i++) {
                            Item it = held[i];
                            held[i] = null;
                            if (rnd.nextInt(3) == 0) {
                                handoff.add(it); // another thread releases it
                            } else {
                                release(it, me, seed);
                            }
                        }
                        for (Item it = handoff.poll(); it != null && rnd.nextInt(8) != 0; it = handoff.poll()) {
                            release(it, it.holder.get(), seed);
                        }
                        maxSeenCount.accumulateAndGet(pool.releasedCount(), Math::max);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "pool-stress-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("seed " + seed, failure.get());
        }
        for (Item it = handoff.poll(); it != null; it = handoff.poll()) {
            release(it, it.holder.get(), seed);
        }
        int length = pool.releasedLengthQuiescent();
        assertTrue(length <= ObjectPool.RELEASE_CAP + threads - 1, "release list of " + length + ", seed " + seed);
        assertTrue(maxSeenCount.get() <= ObjectPool.RELEASE_CAP + threads, "count reached " + maxSeenCount.get());
        long reuses = allocations.get() - created.get();
        assertTrue(reuses > allocations.get() / 2, created.get() + " made for " + allocations.get() + " allocations, seed " + seed);
    }

    private void release(Item it, Thread holder, long seed) {
        if (!it.holder.compareAndSet(holder, null)) {
            throw new AssertionError("released by a non-holder, seed " + seed);
        }
        pool.release(it);
    }
}
