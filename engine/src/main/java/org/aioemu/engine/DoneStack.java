package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The thread pool's overflow path for finished requests, used when its done ring is full: a lock-free stack
 * (Treiber's push) that any thread pushes onto and the loop takes whole, linked through
 * {@link PoolRequest#doneNext}.
 *
 * <p>Ordering: a push links its request behind the head it read (a plain write) and publishes it with the cas,
 * a volatile write that also publishes everything the pusher wrote before (the result, the DONE stamp); the
 * take's getAndSet is a volatile read that sees all of it. Only whole-stack takes, never a pop, so a head that
 * changed and changed back (ABA) cannot corrupt it: a push reads no link of the head it expects.
 *
 * <p>Threading: {@link #push} from any thread (workers, cancellers); {@link #takeAll} on the loop only.
 */
final class DoneStack {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(DoneStack.class, "head", PoolRequest.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Newest first. Pushed with cas by any thread, taken with getAndSet by the loop. */
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile PoolRequest head;

    /** Any thread: pushes {@code req}, whose {@code doneNext} is the stack's until the loop takes it. */
    void push(PoolRequest req) {
        PoolRequest h;
        do {
            h = (PoolRequest) HEAD.getVolatile(this);
            req.doneNext = h; // plain write, published by the cas
        } while (!HEAD.compareAndSet(this, h, req));
    }

    /** Loop only: the whole stack in push order (oldest first, linked by doneNext), or null; one volatile read when empty. */
    PoolRequest takeAll() {
        if (HEAD.getVolatile(this) == null) {
            return null;
        }
        PoolRequest taken = (PoolRequest) HEAD.getAndSet(this, null);
        PoolRequest reversed = null;
        while (taken != null) {
            PoolRequest next = taken.doneNext;
            taken.doneNext = reversed;
            reversed = taken;
            taken = next;
        }
        return reversed;
    }
}
