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
 * {@link DoneStack} (the thread pool's overflow path for finished requests): a worker pushes two requests while the
 * loop pushes one of its own (a cancel made on the loop) and then takes the whole stack; the arbiter takes what is
 * left. Two actors only, so it runs on a 2-CPU host. Every request comes out once, one pusher's in the order it
 * pushed them, and what a pusher wrote before pushing (its payload) is visible to the taker. The worker pushes 1
 * then 2, the loop pushes 4. r1: error flags (8 a request twice, 16 a payload not visible, 32 the worker's order
 * broken); r2: the bit mask of everything taken (7: all); r3: how many the loop's take got.
 */
@JCStressTest
@Outcome(id = {"0, 7, 1", "0, 7, 2", "0, 7, 3"}, expect = ACCEPTABLE, desc = "every request once, in order")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered within a worker, or a payload not visible")
@State
public class DoneStackTest {
    private final DoneStack stack = new DoneStack();
    private final TestRequest one = new TestRequest(1);
    private final TestRequest two = new TestRequest(2);
    private final TestRequest four = new TestRequest(4);
    /** Loop-side bookkeeping: the actor's take, then the arbiter's (which runs after it). */
    private int mask;
    private int errors;

    @Actor
    public void worker() {
        one.payload = 1;
        stack.push(one);
        two.payload = 2;
        stack.push(two);
    }

    @Actor
    public void loop(III_Result r) {
        four.payload = 4;
        stack.push(four);
        r.r3 = take();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        take();
        r.r1 = errors;
        r.r2 = mask;
    }

    /** Takes the stack and accounts for each request in it; returns how many. */
    private int take() {
        int n = 0;
        for (PoolRequest p = stack.takeAll(); p != null && n < 8; p = p.doneNext) {
            TestRequest t = (TestRequest) p;
            n++;
            if ((mask & t.id) != 0) {
                errors |= 8;
            }
            if (t.payload != t.id) {
                errors |= 16;
            }
            if (t.id == 1 && (mask & 2) != 0) {
                errors |= 32; // 2 came out before 1
            }
            mask |= t.id;
        }
        return n;
    }
}
