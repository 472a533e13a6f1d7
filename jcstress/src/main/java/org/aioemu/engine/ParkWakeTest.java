package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * The pool's park/wake hand-off with real parking: an idle worker publishes itself as parked and looks for
 * work in one critical section, then parks; a submitter queues a request, then pops a parked worker under the
 * same monitor and unparks it outside. The worker must always come back for the request (no lost wake-up).
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the worker found the request")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "a lost wake-up: the worker sleeps with a request queued")
@State
public class ParkWakeTest {
    private final Object monitor = new Object();
    private final SharedQueue queue = new SharedQueue();
    private final IdleWorkers idle = new IdleWorkers();
    private final TestRequest req = new TestRequest(1).prepared(1, 1);

    @Actor
    public void worker() {
        PoolWorker self = new PoolWorker(Thread.currentThread(), null, null);
        for (;;) {
            synchronized (monitor) {
                idle.park(self);
                if (!queue.isEmpty()) {
                    idle.back(self);
                    return;
                }
            }
            LockSupport.park(this);
            synchronized (monitor) {
                idle.back(self);
            }
        }
    }

    @Signal
    public void submitter() {
        queue.add(req, 1);
        PoolWorker w;
        synchronized (monitor) {
            w = idle.pop();
        }
        if (w != null) {
            LockSupport.unpark(w.thread);
        }
    }
}
