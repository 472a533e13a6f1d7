package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link ObjectPool}'s release list: a release (cas push) races with an allocation that takes the whole list
 * (getAndSet) and gives its object straight back — the ABA case the class comment says is harmless: the releaser
 * may expect a head that was taken and pushed back in between, and its cas then succeeds.
 *
 * <p>The list starts with {@code BATCH + 1} objects, so the allocation refills. Claims checked: every object ends up
 * exactly once in the allocator's cache or on the release list (none lost, none twice, no cycle); the factory is
 * not called; and what the releaser wrote before releasing is visible to the allocator that takes the object.
 * r1 = 1 if the allocator took the released object, r2 = objects not found exactly once (plus 100 per factory
 * call), r3 = 1 if the allocator saw the object without the releaser's write.
 */
@JCStressTest
@Outcome(id = {"0, 0, 0", "1, 0, 0"}, expect = ACCEPTABLE, desc = "every object once; the write seen")
@Outcome(expect = FORBIDDEN, desc = "an object lost or linked twice, a needless new one, or a stale write")
@State
public class ObjectPoolReleaseTest {
    private static final int PRELOADED = ObjectPool.BATCH + 1;
    private static final int RELEASED_ID = PRELOADED;
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.privateLookupIn(ObjectPool.class, MethodHandles.lookup())
                    .findVarHandle(ObjectPool.class, "released", ObjectPool.Link.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Item implements ObjectPool.Link<Item> {
        final int id;
        /** Written plainly by the releaser before it releases the item. */
        int payload;
        private Item next;

        Item(int id) {
            this.id = id;
        }

        @Override
        public Item poolNext() {
            return next;
        }

        @Override
        public void poolNext(Item n) {
            next = n;
        }
    }

    private int made; // factory calls: allocator thread, then the arbiter
    private final ObjectPool<Item> pool = new ObjectPool<>(() -> new Item(1000 + made++));
    private final ObjectPool.Cache<Item> cache = pool.newCache(); // the allocator's own
    private final Item released = new Item(RELEASED_ID);

    public ObjectPoolReleaseTest() {
        for (int i = 0; i < PRELOADED; i++) {
            pool.release(new Item(i));
        }
    }

    @Actor
    public void releaser() {
        released.payload = 42;
        pool.release(released);
    }

    @Actor
    public void allocator(III_Result r) {
        Item t = pool.allocate(cache);
        int steps = 0;
        for (Item i = t; i != null && steps++ < 1000; i = i == t ? cache.head : i.poolNext()) {
            if (i.id == RELEASED_ID) {
                r.r1 = 1;
                r.r3 = i.payload == 42 ? 0 : 1;
            }
        }
        pool.release(t); // straight back: its head may be the one the releaser expects
    }

    @Arbiter
    public void arbiter(III_Result r) {
        int[] seen = new int[PRELOADED + 1];
        int wrong = 0;
        int steps = 0;
        for (Item i = cache.head; i != null && steps++ < 1000; i = i.poolNext()) {
            wrong += count(seen, i);
        }
        for (Item i = (Item) RELEASED.getVolatile(pool); i != null && steps++ < 1000; i = i.poolNext()) {
            wrong += count(seen, i);
        }
        for (int s : seen) {
            if (s != 1) {
                wrong++;
            }
        }
        r.r2 = wrong + 100 * made;
    }

    private static int count(int[] seen, Item i) {
        if (i.id < 0 || i.id >= seen.length) {
            return 1;
        }
        seen[i.id]++;
        return 0;
    }
}
