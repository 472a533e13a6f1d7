package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link MpscRing}'s producers racing for cells, with two actors so that it runs on a 2-CPU host, where the
 * three-actor {@link MpscRingTest} cannot be scheduled: producer one offers 1 then 2 while producer two offers 4
 * and 8, into a ring of 4 that they fill exactly; the arbiter (after both) polls everything. Both producers' cas
 * on the tail must give each element a cell of its own. r1: error flags (8 duplicate, 16 payload not visible, 32
 * a producer's order broken, 64 the ring refused an offer with room, 128 more than four elements), 0 when fine;
 * r2: the bit mask polled (15: all four).
 */
@JCStressTest
@Outcome(id = "0, 15", expect = ACCEPTABLE, desc = "every element once, each producer's in order")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered within a producer, refused, or a payload not visible")
@State
public class MpscRingProducersTest {
    private final MpscRing<TestRequest> ring = new MpscRing<>(4);
    private final TestRequest one = new TestRequest(1);
    private final TestRequest two = new TestRequest(2);
    private final TestRequest four = new TestRequest(4);
    private final TestRequest eight = new TestRequest(8);
    private volatile int refused;

    @Actor
    public void producerOne() {
        offer(one);
        offer(two);
    }

    @Actor
    public void producerTwo() {
        offer(four);
        offer(eight);
    }

    private void offer(TestRequest t) {
        t.payload = t.id;
        if (!ring.offer(t)) {
            refused = 64;
        }
    }

    @Arbiter
    public void drain(II_Result r) {
        RingTally taken = new RingTally().order(1, 2).order(4, 8);
        int n = 0;
        while (n <= 4 && taken.take(ring)) {
            n++;
        }
        r.r1 = taken.errors | refused | (n > 4 ? 128 : 0);
        r.r2 = taken.mask;
    }
}
