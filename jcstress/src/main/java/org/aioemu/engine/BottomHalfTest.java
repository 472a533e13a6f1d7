package org.aioemu.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.Executor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The bottom half's flags and its scheduler's hand-off ({@link BottomHalf}, {@link BottomHalfScheduler}), with the
 * real classes. The loop is modelled by an actor calling {@code drain()}, as the executor task does; the executor
 * only counts the drains handed to it, and the arbiter runs one if one was handed (what the loop would do next).
 * So a schedule that nobody links, or a link that no drain is coming for, shows as a run that never happens.
 */
public class BottomHalfTest {
    /** The loop's side of a test: a scheduler whose executor counts hand-offs, and one bottom half counting runs. */
    abstract static class Loop {
        int handed; // written by whichever actor hands off; read by the arbiter after both
        int runs; // loop actor, then arbiter
        final BottomHalfScheduler scheduler = new BottomHalfScheduler(new Counting(), () -> { });
        final BottomHalf bh = new BottomHalf(scheduler, () -> runs++);

        final class Counting implements Executor {
            @Override
            public synchronized void execute(Runnable drain) {
                handed++;
            }
        }

        /** The arbiter: runs the drain that was handed over, if one was, and returns the runs it made. */
        int followUp() {
            int before = runs;
            if (handed > 0) {
                scheduler.drain();
            }
            return runs - before;
        }
    }

    /**
     * A schedule racing with the run that unlinks the bottom half (schedule: scheduled, then queued; the loop:
     * queued, then scheduled). The bottom half is still linked from a schedule that was cancelled, so the
     * scheduler finds it linked and does not push; the loop's round must then see its flag, or the schedule must
     * see it unlinked and push it again, with a drain handed for it. r1 = runs in the loop's drain, r2 = runs
     * in the drain after.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "the schedule runs once, in this round or the next")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "a schedule lost: left unlinked, or no drain coming")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "one schedule ran twice")
    @State
    public static class ScheduleWhileUnlinking extends Loop {
        public ScheduleWhileUnlinking() {
            bh.schedule();
            bh.cancel(); // still linked, flag clear: the state a cancelled bottom half waits in
            handed = 0; // the hand-off above is the drain the loop actor runs
        }

        @Actor
        public void scheduler() {
            bh.schedule();
        }

        @Actor
        public void loop() {
            scheduler.drain();
        }

        @Arbiter
        public void after(II_Result r) {
            r.r1 = runs;
            r.r2 = followUp();
        }
    }

    /** Two threads schedule a bottom half that is not linked: one push, one hand-off, one run. r1 = runs, r2 = drains handed. */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "idempotent: one link, one drain, one run")
    @Outcome(expect = FORBIDDEN, desc = "linked twice (two runs or two drains), or not at all")
    @State
    public static class ScheduleTwice extends Loop {
        @Actor
        public void one() {
            bh.schedule();
        }

        @Actor
        public void two() {
            bh.schedule();
        }

        @Arbiter
        public void after(II_Result r) {
            int h = handed;
            r.r1 = followUp();
            r.r2 = h;
        }
    }

    /**
     * cancel() against the run: exactly one of them wins the pending schedule. r1 = 1 if cancel said it withdrew
     * it, r2 = runs.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "cancelled, or ran")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "cancel said it withdrew a run that happened")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "neither cancelled nor run")
    @State
    public static class CancelWhileRunning extends Loop {
        public CancelWhileRunning() {
            bh.schedule();
            handed = 0;
        }

        @Actor
        public void canceller(II_Result r) {
            r.r1 = bh.cancel() ? 1 : 0;
        }

        @Actor
        public void loop() {
            scheduler.drain();
        }

        @Arbiter
        public void after(II_Result r) {
            r.r2 = runs + followUp();
        }
    }

    /**
     * The drain-queued flag: a push onto the stack the loop's drain has just emptied. Either the pusher hands a
     * new drain (it finds the flag clear) or the drain, seeing the push before it ends, hands one itself; never
     * neither. r1 = runs in the loop's drain, r2 = runs in the drain after.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "run by this drain or by the next")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "pushed with no drain coming")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "ran twice")
    @State
    public static class PushAcrossDrain extends Loop {
        private final BottomHalf other = new BottomHalf(scheduler, () -> { });

        public PushAcrossDrain() {
            other.schedule(); // the drain the loop actor runs is for this one
            handed = 0;
        }

        @Actor
        public void pusher() {
            bh.schedule();
        }

        @Actor
        public void loop() {
            scheduler.drain();
        }

        @Arbiter
        public void after(II_Result r) {
            r.r1 = runs;
            r.r2 = followUp();
        }
    }

    /**
     * A nested wait about to sleep publishes its waker, then looks at the stack; a pusher links, then reads the
     * waker. Store then load on both sides: the loop sees the push, or the pusher wakes it. r1 = 1 if the loop saw
     * work, r2 = 1 if the pusher ran the waker.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "the loop stays awake or is woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the loop sleeps with a bottom half pending and nobody wakes it")
    @State
    public static class NestedWaker extends Loop {
        private int woken; // pusher thread only (the waker runs on the pushing thread)

        @Actor
        public void pusher(II_Result r) {
            bh.schedule();
            r.r2 = woken;
        }

        @Actor
        public void loop(II_Result r) {
            scheduler.setNestedWaker(() -> woken = 1);
            r.r1 = scheduler.hasPending() ? 1 : 0;
        }
    }
}
