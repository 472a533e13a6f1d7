package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps requests left to busy workers from being stranded when one of those workers blocks after all (a
 * "fast" request that waits on a lock, a page fault on a cold page): while the pool relies on covering, a
 * periodic check on the loop marks every worker that has run its current request for longer than
 * {@link HandoffPolicy#stuckAfterNanos} and that the kernel reports asleep ({@link ThreadStates}) as stuck —
 * it no longer covers anything — and has the model wake or start workers for what waits
 * ({@link Workers#rebalance}). A worker that is merely descheduled (runnable, its core taken by other
 * threads) is not stuck: another worker would only queue for the same cores. A stuck worker covers again from
 * its next request.
 *
 * <p>The period follows the policy: half the stuck threshold, so a blocked worker is found within about 1.5
 * thresholds. The threshold is read afresh at every tick, and when the period it calls for has moved by more
 * than a factor of {@link #RETUNE_FACTOR} from the running one, the tick replaces the timer: the first
 * service times a pool sees may be a blocked request's (milliseconds), and a period fixed at arming then
 * left every later blocked worker stranded for as long (one request in a hundred sleeping 5 ms cut a depth-16
 * load of page-cached reads to a tenth). The factor keeps a steady load on one timer. The check runs only
 * while armed: the first covered submit arms it, and it disarms itself after
 * {@link #QUIET_CHECKS} periods, and at least {@link #LINGER_NANOS}, with nothing waiting and no covered
 * submit, so an idle pool schedules nothing, and a load allocates nothing per request (one periodic timer
 * per burst; bursts closer than the linger share one).
 *
 * <p>Threading: {@link #ensureArmed} from any thread; {@link #tick} on the loop. {@code armed} is volatile
 * for the fast path; arming and disarming happen under the pool's monitor. Disarming pairs with arming as a
 * Dekker pair: a submitter queues, then reads {@code armed}; the check clears {@code armed}, then looks at
 * the queue once more and re-arms if it finds work.
 */
final class StallCheck {
    /** Periods in a row with nothing waiting before the check stops itself. */
    static final int QUIET_CHECKS = 8;
    /**
     * The least quiet time before the check stops: re-arming costs a Netty timer (an allocation), and a
     * depth-1 load relies on covering only now and then, so a shorter linger re-armed it every few hundred
     * requests. Ten milliseconds of a timer that finds nothing to do is no load.
     */
    static final long LINGER_NANOS = 10_000_000;
    /**
     * The shortest period. A tick costs the loop a Netty timer run and a look at each worker's state (under a
     * microsecond, a /proc read only for a suspect): at 20 µs that is a few percent of the loop while the
     * check is armed, against a blocked worker stranding what waits behind it for at most three periods.
     */
    static final long MIN_PERIOD_NANOS = 20_000;
    /**
     * The longest period. Slow requests (O_DIRECT, fsync) make the stuck threshold milliseconds long; checking
     * at least every millisecond costs the loop nothing measurable and bounds how long a stale period lasts.
     */
    static final long MAX_PERIOD_NANOS = 1_000_000;
    /** The running period is replaced when the one the policy calls for is this many times shorter or longer. */
    static final long RETUNE_FACTOR = 2;
    private static final VarHandle ARMED;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(StallCheck.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Workers pool;
    private final AioContext ctx;
    private final Runnable tick = this::tick;

    @SuppressWarnings("unused") // ARMED
    private volatile boolean armed;
    /**
     * Set by a submit that relied on covering since the last tick (written only when it was clear, so a
     * steady load does not bounce its cache line); cleared by the tick. A tick that finds it clear and the
     * queue empty counts as quiet.
     */
    private volatile boolean relied;
    // --- under the pool's monitor --------------------------------------------------------------------
    private ScheduledFuture<?> timer;
    /** Bumped by every arm and disarm, so a starter that lost a race cancels its own timer. */
    private long generation;
    /** The armed period; written under the monitor when armed, read by the loop's nested waits. */
    private volatile long periodNanos;
    // --- loop only -------------------------------------------------------------------------------------
    private int quiet;
    private long quietSince;
    /** When the check last ran (Netty's timer or a nested wait). */
    private long lastTick;
    /** Scratch for reading a suspect's kernel state. */
    private final java.nio.ByteBuffer statBuf = java.nio.ByteBuffer.allocateDirect(1024);

    StallCheck(Workers pool, AioContext ctx) {
        this.pool = pool;
        this.ctx = ctx;
    }

    /** Any thread, after relying on covering: makes sure the check runs. One volatile read when it does. */
    void ensureArmed() {
        if (!(boolean) ARMED.getVolatile(this)) {
            arm();
        } else if (!relied) {
            relied = true;
        }
    }

    private void arm() {
        long gen;
        long period;
        synchronized (pool) {
            if (armed || pool.stopping) {
                return;
            }
            ARMED.setVolatile(this, true);
            gen = ++generation;
            period = period();
            periodNanos = period;
        }
        start(gen, period);
    }

    /**
     * Half the stuck threshold, but not below {@link #MIN_PERIOD_NANOS} (a timer firing more often would cost
     * the loop more than the stall it finds) nor above {@link #MAX_PERIOD_NANOS}.
     */
    private long period() {
        return Math.min(MAX_PERIOD_NANOS, Math.max(MIN_PERIOD_NANOS, pool.policy.stuckAfterNanos() / 2));
    }

    /** Any thread: whether the check is running (tests, diagnostics). */
    boolean isArmed() {
        return armed;
    }

    /** Any thread: the running period (tests, diagnostics). */
    long periodNanos() {
        return periodNanos;
    }

    /** Without the monitor (scheduling may allocate and take Netty's locks). */
    private void start(long gen, long period) {
        ScheduledFuture<?> t;
        try {
            t = ctx.ioEventLoop().scheduleAtFixedRate(tick, period, period, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException loopGone) {
            synchronized (pool) {
                if (generation == gen) {
                    ARMED.setVolatile(this, false); // the context is closing; its pools stop with it
                }
            }
            return;
        }
        boolean keep;
        synchronized (pool) {
            keep = generation == gen && armed;
            if (keep) {
                timer = t;
            }
        }
        if (!keep) {
            t.cancel(false);
        }
    }

    /**
     * Loop, from a tick: if the policy now calls for a period more than {@link #RETUNE_FACTOR} times shorter or
     * longer than the running one, replaces the timer (the old one is cancelled; a tick of it already queued
     * runs once more, harmlessly).
     */
    private void retune(long wanted) {
        long running = periodNanos;
        if (wanted * RETUNE_FACTOR >= running && wanted <= running * RETUNE_FACTOR) {
            return;
        }
        ScheduledFuture<?> old;
        long gen;
        synchronized (pool) {
            if (!armed) {
                return;
            }
            gen = ++generation;
            periodNanos = wanted;
            old = timer;
            timer = null;
        }
        if (old != null) {
            old.cancel(false);
        }
        start(gen, wanted);
    }

    /** Any thread: stops the check (the pool is stopping). */
    void disarm() {
        ScheduledFuture<?> t;
        synchronized (pool) {
            ARMED.setVolatile(this, false);
            generation++;
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.cancel(false);
        }
    }

    /**
     * Loop only, each turn of a nested wait: Netty's timer does not fire while a callback waits on the loop,
     * and a request left behind a blocked worker may be what it waits for (review finding 2). Runs the check
     * if a period has passed since it last ran; returns when it is next due, Long.MAX_VALUE if not armed.
     */
    long nestedTick(long now) {
        if (!(boolean) ARMED.getVolatile(this)) {
            return Long.MAX_VALUE;
        }
        long period = periodNanos;
        if (now - lastTick >= period) {
            tick();
        }
        return lastTick + period;
    }

    /** Loop, every period while armed (Netty's timer), or from a nested wait. */
    private void tick() {
        long now = System.nanoTime();
        lastTick = now;
        long stuckAfter = pool.policy.stuckAfterNanos();
        for (PoolWorker w : pool.registered()) {
            if (w.runState() == PoolWorker.BUSY && now - w.busySince() > stuckAfter && ThreadStates.asleep(w.stat, statBuf)) {
                pool.markStuck(w);
            }
        }
        boolean reliedOn = relied;
        if (reliedOn) {
            relied = false;
        }
        retune(period());
        if (pool.queued() > 0) {
            quiet = 0;
            pool.rebalance();
            return;
        }
        if (reliedOn) {
            quiet = 0;
            return;
        }
        if (quiet++ == 0) {
            quietSince = now;
        }
        if (quiet < QUIET_CHECKS || now - quietSince < LINGER_NANOS) {
            return;
        }
        quiet = 0;
        disarm();
        if (pool.queued() > 0) {
            ensureArmed(); // a submitter that read armed == true before we cleared it: see the class comment
        }
    }
}
