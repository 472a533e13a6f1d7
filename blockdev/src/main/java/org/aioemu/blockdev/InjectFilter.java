package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.Errno;

/**
 * QEMU's blkdebug: a filter that makes its child look faulty by {@link FaultInjection} rules — requests that fail
 * with an errno, transfer short, arrive late, or read back with flipped bits — so the layers above (the backend's
 * retries, a job's continue_on_error, an NBD client) can be tested against a disk that misbehaves on cue.
 *
 * <p>Threading: loop only, as {@link BlockDriver}. A request no rule hits goes to the child with the caller's own
 * completion, untouched. A hit one takes a pooled {@link InjectRequest} (allocated only when more are in hand at once
 * than ever before) and every rule's counter and random generator are made at open, so the per-request path
 * allocates nothing; delayed requests wait in one deadline-ordered list under one loop timer (the timer's own
 * bookkeeping is the engine's), and nothing sleeps on the loop.
 *
 * <p>Determinism: rule {@code i} counts the requests it applies to and draws from its own generator seeded with its
 * {@code seed}, so the same sequence of requests meets the same faults on every run.
 */
final class InjectFilter extends FilterDriver {
    private final AioContext ctx;
    private final FaultRule[] rules;
    /** Loop only: per rule, the matching requests seen so far. */
    private final long[] seen;
    private final SplittableRandom[] random;
    /** Per rule, the detail a failure carries: which rule did it. */
    private final String[] details;
    /** Loop only: records not in use (a stack through {@link InjectRequest#next}). */
    private InjectRequest free;
    /** Loop only: every record made, for {@link #cancel}'s search. */
    private final List<InjectRequest> all = new ArrayList<>();
    /** Loop only: failed requests waiting for the bottom half to complete them (never inside the call). */
    private final ArrayDeque<InjectRequest> failing = new ArrayDeque<>();
    private final BottomHalf failer;
    /** Loop only: delayed requests by due time (a list through {@link InjectRequest#next}), and how many. */
    private InjectRequest held;
    private int heldCount;
    /** Loop only: the armed timer and when it fires, or null. */
    private java.util.concurrent.ScheduledFuture<?> timer;
    private long timerDue;
    private final Runnable releaseDue = this::releaseDue;
    private boolean closed;

    InjectFilter(AioContext ctx, BlockDriver child, FaultInjection faults) {
        super(child);
        this.ctx = ctx;
        this.rules = faults.rules().toArray(new FaultRule[0]);
        this.seen = new long[rules.length];
        this.random = new SplittableRandom[rules.length];
        this.details = new String[rules.length];
        for (int i = 0; i < rules.length; i++) {
            random[i] = new SplittableRandom(rules[i].seed());
            details[i] = "injected by fault rule " + (i + 1) + " (" + rules[i] + ")";
        }
        this.failer = ctx.newBottomHalf(this::completeFailed);
    }

    @Override
    public String toString() {
        return "fault injection " + FaultInjection.of(List.of(rules)) + " over " + child;
    }

    // --- requests --------------------------------------------------------------------------------------

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion c) {
        int r = decide(FaultRule.Op.READ);
        if (r < 0) {
            child.read(offset, buffer, c);
        } else {
            InjectRequest q = take(InjectRequest.READ, r, offset, c);
            q.buffer = buffer;
            act(q);
        }
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion c) {
        int r = decide(FaultRule.Op.READ);
        if (r < 0) {
            child.readv(offset, iov, count, c);
        } else {
            InjectRequest q = take(InjectRequest.READV, r, offset, c);
            q.copyIov(iov, count);
            act(q);
        }
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion c) {
        int r = decide(FaultRule.Op.WRITE);
        if (r < 0) {
            child.write(offset, buffer, flags, c);
        } else {
            InjectRequest q = take(InjectRequest.WRITE, r, offset, c);
            q.buffer = buffer;
            q.flags = flags;
            act(q);
        }
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion c) {
        int r = decide(FaultRule.Op.WRITE);
        if (r < 0) {
            child.writev(offset, iov, count, flags, c);
        } else {
            InjectRequest q = take(InjectRequest.WRITEV, r, offset, c);
            q.copyIov(iov, count);
            q.flags = flags;
            act(q);
        }
    }

    @Override
    public void flush(BlockCompletion c) {
        int r = decide(FaultRule.Op.FLUSH);
        if (r < 0) {
            child.flush(c);
        } else {
            act(take(InjectRequest.FLUSH, r, 0, c));
        }
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion c) {
        int r = decide(FaultRule.Op.DISCARD);
        if (r < 0) {
            child.discard(offset, length, flags, c);
        } else {
            InjectRequest q = take(InjectRequest.DISCARD, r, offset, c);
            q.length = length;
            q.flags = flags;
            act(q);
        }
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion c) {
        int r = decide(FaultRule.Op.WRITE);
        if (r < 0) {
            child.writeZeroes(offset, length, flags, c);
        } else {
            InjectRequest q = take(InjectRequest.WRITE_ZEROES, r, offset, c);
            q.length = length;
            q.flags = flags;
            act(q);
        }
    }

    /**
     * Counts the request against every rule that applies to it and returns the first rule that hits it, or -1. Every
     * applicable rule counts, hit or not, so one rule's counting does not depend on the rules before it.
     */
    private int decide(FaultRule.Op kind) {
        int hit = -1;
        for (int i = 0; i < rules.length; i++) {
            FaultRule rule = rules[i];
            if (!rule.matches(kind)) {
                continue;
            }
            long n = ++seen[i];
            boolean hits = switch (rule.trigger()) {
                case ALWAYS -> true;
                case EVERY -> n % rule.n() == 0;
                case NTH -> n == rule.n();
                case AFTER -> n > rule.n();
                case PROB -> random[i].nextDouble() < rule.prob();
            };
            if (hits && hit < 0) {
                hit = i;
            }
        }
        return hit;
    }

    /** Does what the hit rule says with the filled-in record. */
    private void act(InjectRequest q) {
        FaultRule rule = rules[q.rule];
        switch (rule.action()) {
            case FAIL -> {
                q.result = -rule.errno();
                q.detail = details[q.rule];
                failing.addLast(q);
                failer.schedule();
            }
            case DELAY -> hold(q, System.nanoTime() + rule.amount() * 1_000_000L);
            case SHORT, CORRUPT -> q.startOn(child, q); // the result comes back through childDone
        }
    }

    /** The child finished a SHORT or CORRUPT request: change its result, then hand it to the caller. */
    void childDone(InjectRequest q, int result, String detail) {
        FaultRule rule = rules[q.rule];
        int res = result;
        if (res > 0 && rule.action() == FaultRule.Action.SHORT) {
            res = (int) Math.min(res, rule.amount());
        } else if (res > 0 && rule.action() == FaultRule.Action.CORRUPT) {
            flipBits(q, res, rule.amount(), random[q.rule]);
        }
        BlockCompletion c = q.completion;
        release(q);
        c.complete(res, detail);
    }

    /** Flips {@code bits} bits chosen at random among the first {@code bytes} bytes read into the record's buffers. */
    private static void flipBits(InjectRequest q, int bytes, long bits, SplittableRandom rnd) {
        for (long b = 0; b < bits; b++) {
            long bit = rnd.nextLong((long) bytes * 8);
            long at = bit >>> 3;
            MemorySegment s = q.buffer;
            if (q.kind == InjectRequest.READV) {
                int i = 0;
                while (at >= q.iov[i].byteSize()) {
                    at -= q.iov[i++].byteSize();
                }
                s = q.iov[i];
            }
            byte v = s.get(ValueLayout.JAVA_BYTE, at);
            s.set(ValueLayout.JAVA_BYTE, at, (byte) (v ^ (1 << (bit & 7))));
        }
    }

    /** Bottom half: completes the failed requests queued before this run. */
    private void completeFailed() {
        for (int n = failing.size(); n > 0; n--) {
            InjectRequest q = failing.pollFirst();
            BlockCompletion c = q.completion;
            int result = q.result;
            String detail = q.detail;
            release(q);
            c.complete(result, detail);
        }
    }

    // --- delays ----------------------------------------------------------------------------------------

    /** Puts {@code q} in the held list by its due time (after others due at the same time), arming the timer. */
    private void hold(InjectRequest q, long due) {
        q.due = due;
        InjectRequest prev = null;
        InjectRequest at = held;
        while (at != null && at.due - due <= 0) {
            prev = at;
            at = at.next;
        }
        q.next = at;
        if (prev == null) {
            held = q;
        } else {
            prev.next = q;
        }
        heldCount++;
        arm();
    }

    /** Makes sure a timer fires by the first held request's due time. */
    private void arm() {
        if (held == null || closed || timer != null && timerDue - held.due <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerDue = held.due;
        timer = ctx.schedule(releaseDue, Math.max(0, timerDue - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Timer: sends the held requests now due on to the child, then re-arms for the rest. */
    private void releaseDue() {
        timer = null;
        long now = System.nanoTime();
        while (held != null && held.due - now <= 0) {
            InjectRequest q = held;
            held = q.next;
            q.next = null;
            heldCount--;
            BlockCompletion c = q.completion;
            q.startOn(child, c); // the child keeps neither the record nor its iovec copy past the call
            release(q);
        }
        arm();
    }

    // --- records ---------------------------------------------------------------------------------------

    private InjectRequest take(int kind, int rule, long offset, BlockCompletion c) {
        InjectRequest q = free;
        if (q == null) {
            q = new InjectRequest(this);
            all.add(q);
        } else {
            free = q.next;
            q.next = null;
        }
        q.kind = kind;
        q.rule = rule;
        q.offset = offset;
        q.completion = c;
        return q;
    }

    private void release(InjectRequest q) {
        q.clear();
        q.next = free;
        free = q;
    }

    // --- the rest ----------------------------------------------------------------------------------------

    @Override
    public int inFlight() {
        return child.inFlight() + heldCount + failing.size();
    }

    /**
     * A held request is taken out and completes with -ECANCELED; one with the child is cancelled there; a failed one
     * already has its result.
     */
    @Override
    public boolean cancel(BlockCompletion c) {
        InjectRequest prev = null;
        for (InjectRequest q = held; q != null; prev = q, q = q.next) {
            if (q.completion == c) {
                if (prev == null) {
                    held = q.next;
                } else {
                    prev.next = q.next;
                }
                q.next = null;
                heldCount--;
                q.result = -Errno.ECANCELED;
                q.detail = "cancelled while held back by " + details[q.rule].substring("injected by ".length());
                failing.addLast(q);
                failer.schedule();
                return true;
            }
        }
        for (InjectRequest q : all) {
            if (q.completion == c && !failing.contains(q)) {
                return child.cancel(q); // with the child, completing through the record
            }
        }
        return child.cancel(c);
    }

    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        super.close();
    }
}
