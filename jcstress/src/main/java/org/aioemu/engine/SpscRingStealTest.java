package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link SpscRing}: the owner takes and another worker steals from the same ring at once (a stuck owner's
 * ring): every entry runs exactly once, whoever gets it. Results are bit masks of the entries each got
 * (1 and 2); the arbiter takes what is left.
 */
@JCStressTest
@Outcome(id = {"1, 2, 0", "2, 1, 0", "1, 0, 2", "0, 1, 2", "0, 2, 1", "2, 0, 1"}, expect = ACCEPTABLE,
        desc = "each entry taken by exactly one of them")
@Outcome(expect = FORBIDDEN, desc = "an entry taken twice, or lost")
@State
public class SpscRingStealTest {
    private final SpscRing ring = new SpscRing(4);

    public SpscRingStealTest() {
        ring.offer(new TestRequest(1).prepared(1, 1), 1);
        ring.offer(new TestRequest(2).prepared(2, 2), 2);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = mask(ring.take());
    }

    @Actor
    public void thief(III_Result r) {
        r.r2 = mask(ring.steal());
    }

    @Arbiter
    public void rest(III_Result r) {
        int m = 0;
        for (PoolRequest x; (x = ring.take()) != null; ) {
            m |= mask(x);
        }
        r.r3 = m;
    }

    private static int mask(PoolRequest r) {
        return r == null ? 0 : 1 << (((TestRequest) r).id - 1);
    }
}
