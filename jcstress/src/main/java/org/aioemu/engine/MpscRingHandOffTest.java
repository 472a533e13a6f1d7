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
 * {@link MpscRing}'s producer-to-consumer hand-off, with two actors so that it runs on a 2-CPU host (see
 * {@link MpscRingProducersTest}): a producer offers 1, 2 and 4 into a ring of 2 (the third offer finds it full
 * unless the consumer has polled meanwhile) while the consumer polls three times; the arbiter polls the rest. A
 * cell must not be seen before its element is published, nor be reused before it is polled. r1: error flags (8
 * duplicate, 16 payload not visible, 32 out of order), 0 when fine; r2: the mask polled by both (7 when the third
 * offer found room, 3 when the ring was full); r3: whether the third offer was taken (1) or refused (0).
 */
@JCStressTest
@Outcome(id = {"0, 7, 1", "0, 3, 0"}, expect = ACCEPTABLE, desc = "every element taken once, in order; a full ring refuses")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, a payload not visible, or a refused element polled")
@State
public class MpscRingHandOffTest {
    private final MpscRing<TestRequest> ring = new MpscRing<>(2);
    private final TestRequest one = new TestRequest(1);
    private final TestRequest two = new TestRequest(2);
    private final TestRequest four = new TestRequest(4);
    private final RingTally taken = new RingTally().order(1, 2).order(2, 4);

    @Actor
    public void producer(III_Result r) {
        one.payload = 1;
        ring.offer(one);
        two.payload = 2;
        ring.offer(two);
        four.payload = 4;
        r.r3 = ring.offer(four) ? 1 : 0;
    }

    @Actor
    public void consumer() {
        for (int i = 0; i < 3; i++) {
            taken.take(ring);
        }
    }

    @Arbiter
    public void drain(III_Result r) {
        taken.drain(ring);
        r.r1 = taken.errors;
        r.r2 = taken.mask;
    }
}
