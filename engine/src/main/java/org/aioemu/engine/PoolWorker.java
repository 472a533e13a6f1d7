package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker thread of a {@link ThreadPool}, as the rest of the pool sees it: whether it runs a request and
 * since when (for the stall check), its parking record, its idle spin, and — in the ring model — its own
 * request ring. Made once when the thread starts.
 *
 * <p>Run state ({@link #runState}): IDLE, BUSY (running requests, covering the queue) or STUCK (running one
 * request so long that the stall check stopped counting it as covering). The worker moves IDLE <-> BUSY and
 * STUCK -> BUSY/IDLE; the loop's stall check moves BUSY -> STUCK. Every move is a cas or getAndSet, so the
 * covering count ({@link Workers}) is adjusted exactly once per move whoever races.
 *
 * <p>Threading: fields under "owner" are the worker thread's; {@link #busySince} is written by the worker
 * (opaque) and read by the stall check, which only needs a recent value; the parking fields are guarded by
 * the pool's monitor, except {@link #wakeStamp}, written by the waker before its unpark and read by the
 * worker after park returns (the unpark/park pair orders them; a missed one only loses a sample).
 */
final class PoolWorker {
    static final int IDLE = 0;
    static final int BUSY = 1;
    static final int STUCK = 2;

    private static final VarHandle RUN_STATE;
    private static final VarHandle BUSY_SINCE;
    private static final VarHandle WAKE_STAMP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUN_STATE = l.findVarHandle(PoolWorker.class, "runState", int.class);
            BUSY_SINCE = l.findVarHandle(PoolWorker.class, "busySince", long.class);
            WAKE_STAMP = l.findVarHandle(PoolWorker.class, "wakeStamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Requests between two reads of the worker's scheduler clocks (a system call: not per request). */
    private static final int CPU_SAMPLE_EVERY = 32;

    /** How many samples a worker takes in before it publishes its service time. */
    private static final int PUBLISH_EVERY = 16;

    final Thread thread;
    /** The thread's /proc stat file, for the stall check ({@link ThreadStates}); null where there is none. */
    final java.nio.channels.FileChannel stat;
    /** The thread's /proc schedstat file, read by the owner itself ({@link #sampleCpu}); null where there is none. */
    final java.nio.channels.FileChannel schedstat;
    /** Ring model: this worker's request ring; null in the queue model. */
    final SpscRing ring;

    @SuppressWarnings("unused") // RUN_STATE
    private volatile int runState;
    @SuppressWarnings("unused") // BUSY_SINCE
    private long busySince;
    @SuppressWarnings("unused") // WAKE_STAMP
    private long wakeStamp;

    // --- owner ----------------------------------------------------------------------------------------
    /** It spun for work in its current idle gap and missed: the pool's spin window learns from this gap. */
    boolean spunAndMissed;
    /** When it last went idle (its idle timeout counts from here); reset under the monitor for min workers. */
    long idleSince;
    /** It has been taken out of the thread count (exiting); written by the owner under the monitor. */
    boolean uncounted;
    /** Owner: scratch for reading {@link #schedstat}. */
    private final java.nio.ByteBuffer schedBuf = java.nio.ByteBuffer.allocateDirect(128);
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Owner: runnable and wall clocks at the start of the current sample, and requests since; -1: none open. */
    private long cpuAtSample = -1;
    /** Owner: the median estimate of the runnable share, in thousandths (starts as CPU-bound). */
    private int cpuMedian = 1000;
    private long wallAtSample;
    private int sinceCpuSample;
    /** The worker's own median estimate of its service time, and samples since it last published it. */
    private long serviceAverage;
    private int unpublished;

    // --- written under the pool's monitor -------------------------------------------------------------
    /**
     * On the parked stack. Volatile: a ring-model producer reads it after placing an entry in this worker's
     * ring, to know whether to wake it (paired with the worker publishing it before its last look).
     */
    volatile boolean parked;
    /** Its link on the parked stack: under the monitor only. */
    PoolWorker nextParked;

    /** Made by the worker thread itself, as it starts. */
    PoolWorker(Thread thread, SpscRing ring) {
        this(thread, ring, ThreadStates.openOwnStat());
    }


    /** With a given stat file (null for none: every long request counts as asleep); for tests. */
    PoolWorker(Thread thread, SpscRing ring, java.nio.channels.FileChannel stat) {
        this.thread = thread;
        this.stat = stat;
        this.schedstat = stat == null ? null : ThreadStates.openOwnSchedstat();
        this.ring = ring;
    }

    int runState() {
        return runState;
    }

    /** Owner: IDLE -> BUSY. Returns the state it left. */
    int becomeBusy() {
        return (int) RUN_STATE.getAndSet(this, BUSY);
    }

    /** Owner: back to IDLE; returns the state it left (BUSY or STUCK). A full fence: see Workers' Dekker pairs. */
    int becomeIdle() {
        return (int) RUN_STATE.getAndSet(this, IDLE);
    }

    /** Owner, at the start of each request while busy: STUCK -> BUSY if the check had marked it. */
    boolean unstick() {
        return runState == STUCK && RUN_STATE.compareAndSet(this, STUCK, BUSY);
    }

    /** The stall check: BUSY -> STUCK; true if this call made the move. */
    boolean markStuck() {
        return RUN_STATE.compareAndSet(this, BUSY, STUCK);
    }

    /** Owner: the current request started at {@code nanos}. */
    void startedAt(long nanos) {
        BUSY_SINCE.setOpaque(this, nanos);
    }

    /** The stall check: when the current request started (meaningful while BUSY). */
    long busySince() {
        return (long) BUSY_SINCE.getOpaque(this);
    }

    /** The waker, before its unpark. */
    void wokenAt(long nanos) {
        WAKE_STAMP.setOpaque(this, nanos);
    }

    /** Owner, after park returned: when it was woken (0 if not by a waker), clearing it. */
    long takeWakeStamp() {
        long s = (long) WAKE_STAMP.getOpaque(this);
        if (s != 0) {
            WAKE_STAMP.setOpaque(this, 0L);
        }
        return s;
    }

    /**
     * Owner: one request's run time; publishes the estimate to {@code policy} every few samples. The
     * estimate tracks the median, not the mean, by steps of 1/16 of itself towards each sample (a "frugal"
     * streaming median): on a host whose cores are shared, a worker descheduled in the middle of a 1 µs
     * request measures milliseconds now and then, and one such sample must not make every request look slow.
     */
    void sampleService(long nanos, HandoffPolicy policy) {
        long m = serviceAverage;
        if (m == 0) {
            m = Math.max(1, nanos);
        } else if (nanos > m) {
            m += Math.max(1, m >> 4);
        } else if (nanos < m) {
            m -= Math.min(m - nanos, Math.max(1, m >> 4));
        }
        serviceAverage = m;
        if (++unpublished >= PUBLISH_EVERY) {
            flushService(policy);
        }
    }

    /** Owner, after a request the stall check found stuck: the open sample holds its sleep; drop it. */
    void discardCpuSample() {
        cpuAtSample = -1;
        sinceCpuSample = 0;
    }

    /** Owner, as it turns busy: a new run of requests; a sample opens only once the run is long. */
    void startCpuSample(long now) {
        cpuAtSample = -1;
        sinceCpuSample = 0;
    }

    /**
     * Owner, after each request of a run, at {@code now}: once the run has gone on for {@link #CPU_SAMPLE_EVERY}
     * requests a sample opens, and every {@link #CPU_SAMPLE_EVERY} requests after that the share of the time
     * since that this thread was runnable (on a CPU, or waiting for one) goes to {@code policy}. Runs shorter
     * than that read no clock at all: two system calls per turn from idle to busy would cost a depth-1 load
     * more than the hand-off itself. Waiting for a CPU counts as CPU: a worker descheduled on a crowded host is
     * not waiting for its device, and counting it as waiting would let the pool crowd the host more.
     */
    void sampleCpu(long now, HandoffPolicy policy) {
        if (++sinceCpuSample < CPU_SAMPLE_EVERY) {
            return;
        }
        sinceCpuSample = 0;
        long cpu = runnableNanos();
        long wall = now - wallAtSample;
        if (cpuAtSample >= 0 && cpu >= 0 && wall > 0) {
            // A frugal median over samples, as for the service time: one sample that holds a request asleep
            // for long (a blocked one among fast ones) must not make the pool think its requests sleep.
            long sample = Math.min(1000, (cpu - cpuAtSample) * 1000 / wall);
            int m = cpuMedian;
            int step = Math.max(1, m >> 4);
            cpuMedian = sample > m ? m + (int) Math.min(step, sample - m) : m - (int) Math.min(step, m - sample);
            policy.publishCpu(cpuMedian);
        }
        cpuAtSample = cpu;
        wallAtSample = now;
    }

    /**
     * Owner: the time this thread has been runnable: its CPU time (exact, from the JVM) plus the time it waited
     * for a CPU (from schedstat, which the kernel brings up to date whenever the thread is scheduled in; its
     * CPU-time field lags until the next tick for a thread that keeps running, so it is not used). -1 if the
     * JVM has no thread CPU clock.
     */
    private long runnableNanos() {
        long cpu = THREADS.getCurrentThreadCpuTime();
        if (cpu < 0) {
            return -1;
        }
        long waited = ThreadStates.runQueueNanos(schedstat, schedBuf);
        return waited < 0 ? cpu : cpu + waited;
    }

    /** Owner, as it leaves a run of requests: an unfinished sample is dropped (it would count idle time). */
    void endCpuSample() {
        cpuAtSample = -1;
    }

    /** Owner: publishes what it has averaged (when it goes idle, so a short burst still teaches the pool). */
    void flushService(HandoffPolicy policy) {
        if (unpublished > 0) {
            unpublished = 0;
            policy.publishService(serviceAverage);
        }
    }

    @Override
    public String toString() {
        return thread.getName() + switch (runState) {
            case BUSY -> " busy";
            case STUCK -> " stuck";
            default -> " idle";
        };
    }
}
