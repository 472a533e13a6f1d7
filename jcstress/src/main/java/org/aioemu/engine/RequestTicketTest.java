package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Tickets ({@link RequestTable}) and the stamp they are checked against ({@link PoolRequest}), with a pooled request
 * the table made: a ticket keeps naming one submission, so a stale one — kept by a canceller, or left in a queue cell
 * — cannot reach the submission that reuses its request; a live one is won by exactly one of the worker and the
 * canceller; and a result stored before DONE is the one the loop reads after it.
 */
public class RequestTicketTest {
    /** A table and one of its requests, whose submission 1 was queued, run and finished. */
    abstract static class Recycled {
        final RequestTable table = new RequestTable();
        final PoolRequests.IntRequest req = table.newRequest();
        final long first = RequestTable.ticket(1, req.slot);
        final long second = RequestTable.ticket(2, req.slot);

        Recycled() {
            req.queue(RequestTable.submissionOf(first));
            req.tryActivate(RequestTable.submissionOf(first));
            req.finish(0);
        }

        /** ThreadPool.cancel's steps: the slot's request now, and a cas naming the ticket's submission. */
        boolean cancel(long ticket) {
            PoolRequest r = table.lookup(ticket);
            return r != null && r.tryCancel(RequestTable.submissionOf(ticket));
        }
    }

    /**
     * The request is queued again as submission 2 while another thread holds submission 1's ticket and a queue cell
     * of it (a canceller, then a slow worker; one actor for both, so that the test runs on a 2-CPU host). r1 = the
     * stale cancel succeeded, r2 = the stale cell was activated, r3 = 1 if submission 2 is still queued afterwards.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "stale tickets and cells leave the new submission alone")
    @Outcome(expect = FORBIDDEN, desc = "a stale ticket or cell reached the submission that reused the request")
    @State
    public static class StaleTicket extends Recycled {
        @Actor
        public void submitter() {
            req.queue(RequestTable.submissionOf(second));
        }

        @Actor
        public void stale(III_Result r) {
            r.r1 = cancel(first) ? 1 : 0;
            r.r2 = req.tryActivate(RequestTable.submissionOf(first)) ? 1 : 0;
        }

        @Arbiter
        public void after(III_Result r) {
            r.r3 = req.state(RequestTable.submissionOf(second)) == PoolRequest.State.QUEUED ? 1 : 0;
        }
    }

    /** A queued submission's own ticket: exactly one of the worker and the canceller takes it. r1 = worker, r2 = canceller. */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "run or cancelled, once")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "run and cancelled: completed twice")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "neither: never completes")
    @State
    public static class LiveTicket extends Recycled {
        public LiveTicket() {
            req.queue(RequestTable.submissionOf(second));
        }

        @Actor
        public void worker(II_Result r) {
            r.r1 = req.tryActivate(RequestTable.submissionOf(second)) ? 1 : 0;
        }

        @Actor
        public void canceller(II_Result r) {
            r.r2 = cancel(second) ? 1 : 0;
        }
    }

    /**
     * The worker stores the result, then the DONE stamp (release); the loop reads the stamp (acquire), then the
     * result. r1 = the result the loop read once it saw DONE, -1 if it did not see DONE yet.
     */
    @JCStressTest
    @Outcome(id = {"5", "-1"}, expect = ACCEPTABLE, desc = "the result, or not done yet")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "DONE seen with the result not yet visible")
    @State
    public static class ResultAfterDone extends Recycled {
        public ResultAfterDone() {
            req.queue(RequestTable.submissionOf(second));
            req.tryActivate(RequestTable.submissionOf(second));
        }

        @Actor
        public void worker() {
            req.finish(5);
        }

        @Actor
        public void loop(I_Result r) {
            r.r1 = req.state(RequestTable.submissionOf(second)) == PoolRequest.State.DONE ? req.resultAfterDone() : -1;
        }
    }
}
