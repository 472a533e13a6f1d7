package org.aioemu.blockdev;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.aioemu.engine.AioContext;

/**
 * Backends that share one set of {@link ThrottleLimits} (QEMU's throttle groups): the limits hold for the sum of
 * their requests, and while requests wait, the group lets them go in turn, one per backend that has one queued,
 * round-robin, so a busy backend cannot starve a quiet one. A backend alone in its group has limits of its own.
 *
 * <p>One AioContext: a group's members live on one loop, which owns the buckets, the turn and the timers, so nothing
 * on the request path takes a lock. A backend on another context cannot join (the open fails, saying so); put
 * backends that share limits on one context. QEMU's groups span contexts: its group state sits under a lock, and the
 * timer that lets the next request go is the member's whose turn it is, on that member's context. Doing the same here
 * would lift the restriction (and let concurrent jobs of a run share a group).
 *
 * <p>Sharing: pass one group to each backend ({@link BlockBackendOptions#withThrottle}), or name it in the block
 * spec ({@code driver=throttle,throttle-group=NAME,...}), where {@link #named} finds it: a named group lives while
 * it has members.
 *
 * <p>Threading: {@link #create}, {@link #named} and the accessors from any thread; joining and leaving under one
 * process-wide lock (they happen at open and close); the rest on the members' loop.
 */
public final class ThrottleGroup {
    private static final ThrottleFilter[] NO_MEMBERS = {};
    /** Timers are armed at least this far ahead, so that a saturated group wakes no more than a thousand times a second. */
    private static final long MIN_WAIT_NANOS = 1_000_000;
    /** Groups with a name from a block spec, while they have members. Guards every group's membership too. */
    private static final Map<String, ThrottleGroup> NAMED = new HashMap<>();

    private final String name;
    private final ThrottleLimits limits;
    private final boolean registered;

    // --- membership: written under NAMED's lock; read by the loop through the volatiles ---------------------------
    private volatile ThrottleFilter[] members = NO_MEMBERS;
    /** The loop the members serve on and its state; replaced when an emptied group is joined from another context. */
    private volatile Loop loop;

    /**
     * What the group's loop owns: the buckets, the turn and the timers. A timer armed for an earlier loop that fires
     * after the group moved finds itself stale and does nothing.
     */
    private final class Loop {
        final AioContext ctx;
        final ThrottleBuckets buckets = new ThrottleBuckets(limits, System.nanoTime());
        /** Per direction (0 reads, 1 writes): the member whose queued request goes next, by index into members. */
        final int[] turn = new int[2];
        /** Per direction: a timer is armed to let the next queued request go; until it fires none goes early. */
        final boolean[] timerArmed = new boolean[2];
        final Runnable[] timerTasks = {() -> onTimer(this, 0), () -> onTimer(this, 1)};

        Loop(AioContext ctx) {
            this.ctx = ctx;
        }
    }

    private ThrottleGroup(String name, ThrottleLimits limits, boolean registered) {
        this.name = name;
        this.limits = limits;
        this.registered = registered;
    }

    /**
     * A group with these limits, to pass to the backends that share them; {@code name} (may be null) is for messages
     * only: it is not registered for block specs to find.
     *
     * @throws IllegalArgumentException when the limits break one of QEMU's rules ({@link ThrottleLimits#check()})
     */
    public static ThrottleGroup create(String name, ThrottleLimits limits) {
        return new ThrottleGroup(name, Objects.requireNonNull(limits, "limits").check(), false);
    }

    /**
     * Any thread: the group called {@code name} that a block spec's {@code throttle-group=NAME} joins, made with
     * {@code limits} if no backend is in it yet. Limits given for a group that exists must equal its own; null takes
     * its own (or none, for a new group).
     *
     * @throws IllegalArgumentException for an empty name, limits breaking QEMU's rules, or limits that differ from
     *                                  the existing group's, naming both
     */
    public static ThrottleGroup named(String name, ThrottleLimits limits) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("throttle-group needs a name");
        }
        if (limits != null) {
            limits.check();
        }
        synchronized (NAMED) {
            ThrottleGroup g = NAMED.get(name);
            if (g == null) {
                g = new ThrottleGroup(name, limits == null ? ThrottleLimits.NONE : limits, true);
                NAMED.put(name, g);
            } else if (limits != null && !limits.equals(g.limits)) {
                throw new IllegalArgumentException("throttle group '" + name + "' already has the limits " + g.limits
                        + "; a member gives " + limits + " (give the same, or none)");
            }
            return g;
        }
    }

    /** The name, or null for an unnamed group. */
    public String name() {
        return name;
    }

    public ThrottleLimits limits() {
        return limits;
    }

    /** Any thread: backends in the group now. */
    public int members() {
        return members.length;
    }

    /**
     * Any thread: adds {@code m}, which serves on {@code on}.
     *
     * @throws IllegalArgumentException when the group's members serve on another context
     */
    void join(ThrottleFilter m, AioContext on) {
        synchronized (NAMED) {
            Loop l = loop;
            if (members.length > 0 && l.ctx != on) {
                throw new IllegalArgumentException("throttle group " + this + " has members on " + l.ctx
                        + "; a backend on " + on + " cannot join it: a group's members share one AioContext");
            }
            if (registered) {
                ThrottleGroup current = NAMED.putIfAbsent(name, this); // emptied and dropped while this one opened
                if (current != null && current != this) {
                    throw new IllegalArgumentException("throttle group '" + name + "' was emptied and made anew while"
                            + " a backend was opening in it; open the backend again");
                }
            }
            if (l == null || l.ctx != on) {
                loop = new Loop(on); // published before the member that will use it
            }
            ThrottleFilter[] next = Arrays.copyOf(members, members.length + 1);
            next[members.length] = m;
            members = next;
        }
    }

    /** Loop (the member's close): takes {@code m} out; a named group without members is forgotten. */
    void leave(ThrottleFilter m) {
        synchronized (NAMED) {
            ThrottleFilter[] cur = members;
            int i = Arrays.asList(cur).indexOf(m);
            if (i < 0) {
                return;
            }
            ThrottleFilter[] next = new ThrottleFilter[cur.length - 1];
            System.arraycopy(cur, 0, next, 0, i);
            System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
            members = next;
            if (next.length == 0 && registered && NAMED.get(name) == this) {
                NAMED.remove(name);
            }
        }
    }

    /** Any thread: a named group that no backend joined after all (its open failed) is forgotten. */
    void forgetIfUnused() {
        synchronized (NAMED) {
            if (members.length == 0 && registered && NAMED.get(name) == this) {
                NAMED.remove(name);
            }
        }
    }

    /**
     * Loop: whether a request of {@code bytes} may go now without waiting, and if so pours it into the buckets. False
     * while a timer is armed for its direction (requests already wait there: this one queues behind them).
     */
    boolean tryPass(boolean write, long bytes) {
        Loop l = loop;
        if (l.timerArmed[write ? 1 : 0] || l.buckets.waitNanos(write, System.nanoTime()) > 0) {
            return false;
        }
        l.buckets.account(write, bytes);
        return true;
    }

    /** Loop: pours a request that went without asking (a closing member's) into the buckets, so the others pay for it. */
    void account(boolean write, long bytes) {
        loop.buckets.account(write, bytes);
    }

    /** Loop: a member queued a request in direction {@code dir}; unless a timer is armed for it, see what may go. */
    void queued(int dir) {
        Loop l = loop;
        if (!l.timerArmed[dir]) {
            pump(l, dir);
        }
    }

    private void onTimer(Loop l, int dir) {
        l.timerArmed[dir] = false;
        if (l == loop) { // else the group moved to another loop since: stale
            pump(l, dir);
        }
    }

    /**
     * Loop: lets queued requests of direction {@code dir} go, one per member in turn, while the buckets allow; when
     * they do not, arms one timer for when they will. The turn moves past a member each time one of its requests
     * goes, so members with requests queued alternate whatever their queue depths.
     */
    private void pump(Loop l, int dir) {
        boolean write = dir == 1;
        while (true) {
            ThrottleFilter[] ms = members;
            int n = ms.length;
            if (n == 0) {
                return;
            }
            int start = l.turn[dir] < n ? l.turn[dir] : 0;
            int at = -1;
            for (int i = 0; i < n; i++) {
                int j = start + i < n ? start + i : start + i - n;
                if (ms[j].hasQueued(dir)) {
                    at = j;
                    break;
                }
            }
            if (at < 0) {
                return;
            }
            long wait = l.buckets.waitNanos(write, System.nanoTime());
            if (wait > 0) {
                l.timerArmed[dir] = true;
                l.ctx.schedule(l.timerTasks[dir], Math.max(wait, MIN_WAIT_NANOS), TimeUnit.NANOSECONDS);
                return;
            }
            l.turn[dir] = at + 1 < n ? at + 1 : 0;
            ms[at].startNext(dir);
        }
    }

    @Override
    public String toString() {
        return name == null ? "(unnamed, " + limits + ")" : "'" + name + "'";
    }
}
