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
 * {@link MpscRing} (the pool's done ring): two producers offer while the consumer polls. Nothing is lost or
 * delivered twice, one producer's elements come out in its order, and what a producer wrote before offering is
 * visible to the consumer. Producer one offers 1 then 2, producer two offers 4 (each with its id as payload).
 * r1: error flags (8 duplicate, 16 payload not visible, 32 producer order broken), 0 when fine; r2: the bit
 * mask of everything polled by the consumer and the arbiter's drain (7: all three); r3: how many the consumer
 * got in its two polls.
 */
@JCStressTest
@Outcome(id = {"0, 7, 0", "0, 7, 1", "0, 7, 2"}, expect = ACCEPTABLE, desc = "every element once, in producer order")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered within a producer, or a payload not visible")
@State
public class MpscRingTest {
    private final MpscRing<TestRequest> ring = new MpscRing<>(4);
    private final TestRequest one = new TestRequest(1);
    private final TestRequest two = new TestRequest(2);
    private final TestRequest four = new TestRequest(4);
    /** Consumer-side bookkeeping: the actor's polls, then the arbiter's (which runs after it). */
    private final RingTally taken = new RingTally().order(1, 2);

    @Actor
    public void producerOne() {
        one.payload = 1;
        ring.offer(one);
        two.payload = 2;
        ring.offer(two);
    }

    @Actor
    public void producerTwo() {
        four.payload = 4;
        ring.offer(four);
    }

    @Actor
    public void consumer(III_Result r) {
        int n = 0;
        for (int i = 0; i < 2; i++) {
            if (taken.take(ring)) {
                n++;
            }
        }
        r.r3 = n;
    }

    @Arbiter
    public void drain(III_Result r) {
        taken.drain(ring);
        r.r1 = taken.errors;
        r.r2 = taken.mask;
    }
}
