package org.aioemu.blockdev;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Backends that share one set of {@link ThrottleLimits} (QEMU's throttle groups): the limits hold for the sum of
 * their requests, and while requests wait, the group lets them go in turn, one per backend that has one queued,
 * round-robin, so a busy backend cannot starve a quiet one. A backend alone in its group has limits of its own.
 *
 * <p>Members may serve on different AioContexts, as in QEMU: the group's state (buckets, turn, timer, grant) sits
 * under one lock, held for a few field updates and never across I/O, and a request goes on its own member's loop.
 * Per direction, one waiting request at a time is let go (a grant): the member it belongs to takes it on its loop,
 * pours it into the buckets and starts it, and only then is the next one chosen, so the buckets always know what
 * went before deciding again. A grant to a member on the current loop is taken at once; one on another loop is a
 * task handed to it. When the buckets say wait, one timer is armed, on the loop of the member whose turn it is.
 *
 * <p>Sharing: pass one group to each backend ({@link BlockBackendOptions#withThrottle}), or name it in the block
 * spec ({@code driver=throttle,throttle-group=NAME,...}), where {@link #named} finds it: a named group lives while
 * it has members.
 *
 * <p>Threading: any thread. Membership changes under the process-wide registry lock (at open and close) and the
 * group's own; everything else under the group's lock, from the members' loops and timers.
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

    // --- guarded by lock -------------------------------------------------------------------------------------------
    private final Object lock = new Object();
    private ThrottleFilter[] members = NO_MEMBERS;
    private final ThrottleBuckets buckets;
    /** Per direction (0 reads, 1 writes): the member whose queued request goes next, by index into members. */
    private final int[] turn = new int[2];
    /** Per direction: a timer is armed to let the next queued request go; until it fires none goes early. */
    private final boolean[] timerArmed = new boolean[2];
    /** Per direction: the armed timer's number; a timer that finds another number was disarmed, and does nothing. */
    private final long[] timerGeneration = new long[2];
    /** Per direction: the member on whose loop the armed timer runs (re-armed elsewhere if it leaves). */
    private final ThrottleFilter[] timerHost = new ThrottleFilter[2];
    /** Per direction: the member holding a grant it has not taken yet, or null. */
    private final ThrottleFilter[] grantee = new ThrottleFilter[2];

    private ThrottleGroup(String name, ThrottleLimits limits, boolean registered) {
        this.name = name;
        this.limits = limits;
        this.registered = registered;
        this.buckets = new ThrottleBuckets(limits, System.nanoTime());
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
        synchronized (lock) {
            return members.length;
        }
    }

    /** Any thread: adds {@code m} (which serves on its own loop, any context). */
    void join(ThrottleFilter m) {
        synchronized (NAMED) {
            if (registered) {
                ThrottleGroup current = NAMED.putIfAbsent(name, this); // emptied and dropped while this one opened
                if (current != null && current != this) {
                    throw new IllegalArgumentException("throttle group '" + name + "' was emptied and made anew while"
                            + " a backend was opening in it; open the backend again");
                }
            }
            synchronized (lock) {
                ThrottleFilter[] next = Arrays.copyOf(members, members.length + 1);
                next[members.length] = m;
                members = next;
            }
        }
    }

    /**
     * The member's loop (its close): takes {@code m} out; a grant it holds or a timer on its loop is given to the
     * others, so its leaving stalls no one. A named group without members is forgotten.
     */
    void leave(ThrottleFilter m) {
        synchronized (NAMED) {
            boolean empty;
            synchronized (lock) {
                int i = Arrays.asList(members).indexOf(m);
                if (i < 0) {
                    return;
                }
                ThrottleFilter[] next = new ThrottleFilter[members.length - 1];
                System.arraycopy(members, 0, next, 0, i);
                System.arraycopy(members, i + 1, next, i, members.length - i - 1);
                members = next;
                for (int dir = 0; dir < 2; dir++) {
                    if (grantee[dir] == m) {
                        grantee[dir] = null;
                    }
                    if (timerArmed[dir] && timerHost[dir] == m) {
                        disarm(dir); // its loop may be about to stop: the next release arms one on a loop that stays
                    }
                }
                empty = next.length == 0;
            }
            if (empty && registered && NAMED.get(name) == this) {
                NAMED.remove(name);
            }
        }
        release(0);
        release(1);
    }

    /** Any thread: a named group that no backend joined after all (its open failed) is forgotten. */
    void forgetIfUnused() {
        synchronized (NAMED) {
            if (members() == 0 && registered && NAMED.get(name) == this) {
                NAMED.remove(name);
            }
        }
    }

    /**
     * A member's loop: whether a request of {@code bytes} may go now without waiting, and if so pours it into the
     * buckets. False while requests of its direction wait (a timer or a grant is pending): this one queues behind.
     */
    boolean tryPass(boolean write, long bytes) {
        int dir = write ? 1 : 0;
        synchronized (lock) {
            if (timerArmed[dir] || grantee[dir] != null || buckets.waitNanos(write, System.nanoTime()) > 0) {
                return false;
            }
            buckets.account(write, bytes);
            return true;
        }
    }

    /** A member's loop: pours a request that went without asking (a draining member's) into the buckets. */
    void account(boolean write, long bytes) {
        synchronized (lock) {
            buckets.account(write, bytes);
        }
    }

    /** The grantee's loop: it took its grant for a request of {@code bytes}, which goes now; the next may be chosen. */
    void granted(ThrottleFilter m, int dir, long bytes) {
        synchronized (lock) {
            buckets.account(dir == 1, bytes);
            if (grantee[dir] == m) {
                grantee[dir] = null;
            }
        }
    }

    /** The grantee's loop, or a failed hand-off: the grant found nothing waiting (drained, cancelled); withdrawn. */
    void revoke(ThrottleFilter m, int dir) {
        synchronized (lock) {
            if (grantee[dir] == m) {
                grantee[dir] = null;
            }
        }
    }

    /**
     * Any member's loop or timer: lets queued requests of direction {@code dir} go, one grant at a time, while the
     * buckets allow; when they do not, arms one timer for when they will. The turn moves past a member each time it
     * gets a grant, so members with requests queued alternate whatever their queue depths. A grant for this loop is
     * taken here and the next chosen; one for another loop is handed to it, which carries on from there.
     */
    void release(int dir) {
        while (true) {
            ThrottleFilter next;
            synchronized (lock) {
                next = choose(dir);
            }
            if (next == null) {
                return;
            }
            if (!next.inLoop()) {
                if (!next.handGrant(dir)) {
                    revoke(next, dir); // its loop has stopped: the member is leaving; the others go on
                    continue;
                }
                return;
            }
            next.takeGrant(dir);
        }
    }

    /** Under the lock: the member granted the next request of {@code dir}, or null (none waits, or a timer is armed). */
    private ThrottleFilter choose(int dir) {
        if (timerArmed[dir] || grantee[dir] != null) {
            return null;
        }
        ThrottleFilter[] ms = members;
        int n = ms.length;
        int start = turn[dir] < n ? turn[dir] : 0;
        for (int i = 0; i < n; i++) {
            int j = start + i < n ? start + i : start + i - n;
            if (!ms[j].hasQueued(dir)) {
                continue;
            }
            long wait = buckets.waitNanos(dir == 1, System.nanoTime());
            if (wait > 0) {
                arm(dir, j, Math.max(wait, MIN_WAIT_NANOS));
                return null;
            }
            turn[dir] = j + 1 < n ? j + 1 : 0;
            grantee[dir] = ms[j];
            return ms[j];
        }
        return null;
    }

    /** Under the lock: arms the timer on the loop of member {@code at} (or the next member whose loop takes it). */
    private void arm(int dir, int at, long nanos) {
        long generation = ++timerGeneration[dir];
        Runnable fire = () -> onTimer(dir, generation); // one per wait, at most a thousand a second
        ThrottleFilter[] ms = members;
        for (int i = 0; i < ms.length; i++) {
            ThrottleFilter host = ms[(at + i) % ms.length];
            if (host.schedule(fire, nanos)) {
                timerArmed[dir] = true;
                timerHost[dir] = host;
                return;
            }
        }
    }

    /** Under the lock: the armed timer of {@code dir} will find itself stale. */
    private void disarm(int dir) {
        timerArmed[dir] = false;
        timerHost[dir] = null;
        timerGeneration[dir]++;
    }

    private void onTimer(int dir, long generation) {
        synchronized (lock) {
            if (generation != timerGeneration[dir]) {
                return; // disarmed since (its host left)
            }
            timerArmed[dir] = false;
            timerHost[dir] = null;
        }
        release(dir);
    }

    @Override
    public String toString() {
        return name == null ? "(unnamed, " + limits + ")" : "'" + name + "'";
    }
}
