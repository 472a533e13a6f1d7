package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The hand-off's "nobody needs waking" pairs ({@link Workers}): a submitter queues a request, then reads a
 * worker's state and decides not to wake it; that worker changes its state, then looks for work. One of the
 * two must see the other, or the request waits with nobody coming for it. Each nested test is one pair, with
 * the pool's own classes and the access modes it uses; r1 = what the submitter saw (1: it need not wake),
 * r2 = what the worker saw (1: work).
 */
public class HandoffDekkerTest {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Covering.class, "covering", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Queue model: a busy worker leaving BUSY (getAndAdd on the covering count) against a covered submit. */
    @JCStressTest
    @Outcome(id = {"1, 1", "0, 1", "0, 0"}, expect = ACCEPTABLE, desc = "the submitter wakes, or the worker sees the request")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the submitter relied on a worker that had already looked")
    @State
    public static class Covering {
        private final SharedQueue queue = new SharedQueue();
        private final TestRequest req = new TestRequest(1).prepared(1, 1);
        @SuppressWarnings("unused") // COUNT
        private volatile int covering = 1;

        @Actor
        public void submitter(II_Result r) {
            queue.add(req, 1);
            r.r1 = (int) COUNT.getVolatile(this) > 0 ? 1 : 0;
        }

        @Actor
        public void worker(II_Result r) {
            COUNT.getAndAdd(this, -1);
            r.r2 = queue.isEmpty() ? 0 : 1;
        }
    }

    /** Both models: the spinner stopping ({@link IdleWorkers#endSpin}) against a submit that counted on it. */
    @JCStressTest
    @Outcome(id = {"1, 1", "0, 1", "0, 0"}, expect = ACCEPTABLE, desc = "the submitter wakes, or the spinner sees the request")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the submitter counted on a spinner that had already looked")
    @State
    public static class Spinner {
        private final SharedQueue queue = new SharedQueue();
        private final IdleWorkers idle = new IdleWorkers();
        private final TestRequest req = new TestRequest(1).prepared(1, 1);

        public Spinner() {
            idle.trySpin();
        }

        @Actor
        public void submitter(II_Result r) {
            queue.add(req, 1);
            r.r1 = idle.awake() > 0 ? 1 : 0;
        }

        @Actor
        public void spinner(II_Result r) {
            idle.endSpin();
            r.r2 = queue.isEmpty() ? 0 : 1;
        }
    }

    /**
     * Ring model: the loop places a request in a worker's ring without the monitor, then reads whether the
     * worker has parked; the worker publishes itself as parked (under the monitor), then looks at its ring.
     */
    @JCStressTest
    @Outcome(id = {"0, 1", "1, 1", "1, 0"}, expect = ACCEPTABLE, desc = "the loop wakes it, or it sees its entry")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "parked with an entry nobody will wake it for")
    @State
    public static class RingParking {
        private final SpscRing ring = new SpscRing(4);
        private final IdleWorkers idle = new IdleWorkers();
        private final PoolWorker worker = new PoolWorker(Thread.currentThread(), ring, null);
        private final TestRequest req = new TestRequest(1).prepared(1, 1);

        @Actor
        public void loop(II_Result r) {
            ring.offer(req, 1);
            r.r1 = worker.parked ? 1 : 0; // 1: it will wake the worker
        }

        @Actor
        public void worker(II_Result r) {
            synchronized (this) {
                idle.park(worker);
                r.r2 = ring.hasEntries() ? 1 : 0;
            }
        }
    }

    /**
     * The done path ({@link ThreadPool}'s push): a worker publishes a finished request, fences, and skips
     * scheduling the completion bottom half if it is still pending; the loop clears the flag, then drains.
     */
    @JCStressTest
    @Outcome(id = {"0, 1", "0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "the worker schedules, or the drain sees it")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "a completion nobody will deliver")
    @State
    public static class DonePush {
        private static final VarHandle FLAG;

        static {
            try {
                FLAG = MethodHandles.lookup().findVarHandle(DonePush.class, "scheduled", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final MpscRing<TestRequest> done = new MpscRing<>(4);
        private final TestRequest req = new TestRequest(1);
        @SuppressWarnings("unused") // FLAG
        private volatile int scheduled = 1; // pending: its run has not started

        @Actor
        public void worker(II_Result r) {
            done.offer(req);
            VarHandle.fullFence();
            r.r1 = (int) FLAG.getVolatile(this) == 1 ? 1 : 0; // 1: skip scheduling, the pending run will see it
        }

        @Actor
        public void loop(II_Result r) {
            FLAG.getAndSet(this, 0); // the run starts
            r.r2 = done.isEmpty() ? 0 : 1;
        }
    }
}
