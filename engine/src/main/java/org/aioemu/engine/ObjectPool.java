package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A pool of reusable objects without a mutex (seed 002): each thread allocates from its own cache with
 * plain reads and writes, and every release goes onto one global release list.
 *
 * <ul>
 *   <li>{@link #allocate}: take the head of the caller's cache. If the cache is empty and the release
 *       list holds more than {@link #BATCH} objects, take the whole release list in one atomic exchange
 *       and make it the cache. Otherwise make a new object.</li>
 *   <li>{@link #release}: push the object onto the release list with a compare-and-set loop, unless the
 *       list already holds {@code 2 * BATCH}; then the object is dropped for the collector.</li>
 * </ul>
 * So an allocating thread does one atomic exchange per {@code BATCH} allocations and a release does one
 * cas plus one atomic add. In steady state the pool holds a little more than {@code BATCH} objects per
 * allocating thread and allocates nothing.
 *
 * <p>Why no ABA problem: the release list is only ever pushed one object at a time and emptied as a
 * whole. A lock-free pop must read {@code head.next} and then cas the head from {@code head} to it; if
 * {@code head} is popped and pushed back in between, the cas succeeds with a stale {@code next} (ABA).
 * A push reads no link of the current head (it only writes its own object's link), and the exchange
 * reads no link at all, so a head that changed and changed back is harmless to both.
 *
 * <p>Threading: {@link #allocate()} and {@link #release} from any thread. A {@link Cache} belongs to one
 * thread: {@link #allocate()} uses the calling thread's cache (a {@link ThreadLocal}); a thread that owns
 * a cache outright, such as an event-loop thread, may keep it in a field and pass it to
 * {@link #allocate(Cache)} to skip the thread-local lookup. An object must not be used after it is
 * released; the pool cannot tell. Objects left in the cache of a thread that ends are collected with it.
 *
 * <p>Pooled objects should not refer back to anything that holds the pool: a thread's cache is a
 * thread-local value, and a value that reaches its own {@link ThreadLocal} keeps it alive as long as the
 * thread lives.
 *
 * @param <T> the pooled type, linked into the pool's lists through its own {@link Link} field
 */
public final class ObjectPool<T extends ObjectPool.Link<T>> {
    /** Objects moved per refill; the release list is capped at twice this. */
    public static final int BATCH = 64;
    static final int RELEASE_CAP = 2 * BATCH;

    private static final VarHandle RELEASED;
    private static final VarHandle RELEASED_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RELEASED = l.findVarHandle(ObjectPool.class, "released", Link.class);
            RELEASED_COUNT = l.findVarHandle(ObjectPool.class, "releasedCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * An object that can sit in a pool's lists: one link field, which the pool alone reads and writes
     * while the object is in the pool (and which its holder must leave alone).
     */
    public interface Link<T> {
        T poolNext();

        void poolNext(T next);
    }

    /** One thread's allocation list: used by its owner only, with plain reads and writes. */
    public static final class Cache<T> {
        /** Owner thread only. */
        T head;
    }

    private final Supplier<? extends T> factory;
    private final ThreadLocal<Cache<T>> caches = ThreadLocal.withInitial(Cache::new);

    /**
     * The release list, newest first. Pushed by any thread with a cas whose expected value is the head
     * it linked behind its object (a volatile write that publishes the object's link and everything its
     * releaser wrote before); taken whole by an allocator with getAndSet (a volatile read that sees all
     * of that). Paired: push cas / take getAndSet.
     */
    @SuppressWarnings("unused") // accessed through RELEASED
    private volatile Link<T> released;

    /**
     * About how many objects {@link #released} holds: incremented (getAndAdd) after each push, zeroed by
     * a taker just before its exchange. Only a heuristic for "more than a batch" and for the cap: a push
     * racing with a take may be counted on the wrong side, so the count can be off by the number of
     * concurrent releasers until the next take resets it; checking the cap and pushing are not one step,
     * so concurrent releasers may overshoot it by as many as they are.
     */
    @SuppressWarnings("unused") // accessed through RELEASED_COUNT
    private volatile int releasedCount;

    /** @param factory makes a new object when neither the cache nor the release list has one */
    public ObjectPool(Supplier<? extends T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** A cache for a thread that keeps it itself; use it only on that thread. */
    public Cache<T> newCache() {
        return new Cache<>();
    }

    /** Any thread: an object from the calling thread's cache, the release list, or the factory. */
    public T allocate() {
        return allocate(caches.get());
    }

    /** The owner of {@code cache} only: as {@link #allocate()}, with the cache given. */
    public T allocate(Cache<T> cache) {
        T t = cache.head;
        if (t == null) {
            t = refill();
            if (t == null) {
                return factory.get();
            }
        }
        cache.head = t.poolNext();
        t.poolNext(null);
        return t;
    }

    /** Slow path of allocate: the whole release list if it holds more than a batch, else null. */
    @SuppressWarnings("unchecked")
    private T refill() {
        if ((int) RELEASED_COUNT.getVolatile(this) <= BATCH) {
            return null;
        }
        // Zero the count before the take: pushes after the take are then counted for the next one.
        RELEASED_COUNT.setVolatile(this, 0);
        return (T) RELEASED.getAndSet(this, (Link<T>) null);
    }

    /**
     * Any thread: gives {@code t} back. Returns false if the release list was full and {@code t} was
     * dropped (left to the collector). The caller must not touch {@code t} afterwards either way.
     */
    @SuppressWarnings("unchecked")
    public boolean release(T t) {
        if ((int) RELEASED_COUNT.getVolatile(this) >= RELEASE_CAP) {
            return false;
        }
        Link<T> head;
        do {
            head = (Link<T>) RELEASED.getVolatile(this);
            t.poolNext((T) head); // plain write, published by the cas
        } while (!RELEASED.compareAndSet(this, head, t));
        RELEASED_COUNT.getAndAdd(this, 1);
        return true;
    }

    /** Diagnostics and tests: the release list's approximate length (see {@link #releasedCount}). */
    int releasedCount() {
        return (int) RELEASED_COUNT.getVolatile(this);
    }

    /** Tests, when no thread is releasing: walks the release list. */
    @SuppressWarnings("unchecked")
    int releasedLengthQuiescent() {
        int n = 0;
        for (T t = (T) RELEASED.getVolatile(this); t != null; t = t.poolNext()) {
            n++;
        }
        return n;
    }

    /** Tests: the length of {@code cache}, on its owner thread. */
    static <T extends Link<T>> int cacheLength(Cache<T> cache) {
        int n = 0;
        for (T t = cache.head; t != null; t = t.poolNext()) {
            n++;
        }
        return n;
    }

    /** Tests: the calling thread's thread-local cache. */
    Cache<T> currentThreadCache() {
        return caches.get();
    }
}
