package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link SpscRing}: the owner takes entries in the order the loop offered them, each once, and sees what the
 * submitter wrote before stamping the request queued (the tail's cas publishes the cell, the stamp's release
 * publishes the request's fields).
 */
@JCStressTest
@Outcome(id = {"-1, -1", "-1, 1", "1, -1", "1, 2", "-1, 2"}, expect = ACCEPTABLE,
        desc = "took nothing, or a prefix in order, seeing the payloads (-1, 2: the first take ran before both offers)")
@Outcome(expect = FORBIDDEN, desc = "out of order, twice, or a payload not yet visible")
@State
public class SpscRingOrderTest {
    private final SpscRing ring = new SpscRing(4);
    private final TestRequest a = new TestRequest(1);
    private final TestRequest b = new TestRequest(2);

    @Actor
    public void loop() {
        ring.offer(a.prepared(1, 1), 1);
        ring.offer(b.prepared(2, 2), 2);
    }

    @Actor
    public void owner(II_Result r) {
        r.r1 = TestRequest.seen(ring.take());
        r.r2 = TestRequest.seen(ring.take());
    }
}
