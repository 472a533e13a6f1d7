package org.aioemu.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.workload.RunStop;

/**
 * SIGINT, SIGTERM and SIGHUP while {@code bench}, {@code run} or {@code fio} runs jobs, handled as fio handles them: the
 * first says "aioemu: terminating on signal N" and requests the {@link RunStop}, so the jobs stop issuing, drain what
 * is in flight and the results so far are printed and written, logs closed with whole lines; the command then exits
 * 128 + N (130, 143, 129). The drain is bounded: if the jobs have not ended {@link #DRAIN_SECONDS} after the signal
 * (a request stuck in the kernel or on an NBD server), they are ended where they stand ({@link RunStop#abandon}: the
 * requests still out are left uncounted) and the results are reported all the same; only if even that has not
 * produced them {@link #DRAIN_SECONDS} later (a loop itself stuck) does the process exit without results. A second
 * signal exits at once. Either early exit goes through {@link System#exit}, so shutdown hooks (the bench's temporary image removal)
 * still run.
 *
 * <p>Threading: the JVM runs each handler on a new thread, the watchdog runs on a daemon thread of its own;
 * {@link #signal} is set once by the first handler and read by the runner thread after the jobs end.
 * A signal the JVM was started ignoring (nohup's SIGHUP) stays ignored: the JVM refuses to install a handler for it.
 */
final class Interrupts implements AutoCloseable {
    /** How long the jobs may take to drain after the first signal before the process gives up on them. */
    static final long DRAIN_SECONDS = 5;
    private static final String[] SIGNALS = {"INT", "TERM", "HUP"};

    private final RunStop stop;
    private final PrintStream notices;
    private final List<sun.misc.Signal> installed = new ArrayList<>();
    private final List<sun.misc.SignalHandler> previous = new ArrayList<>();
    /**
     * The first signal's number, 0 before any. The JVM runs each signal's handler on a thread of its own, so two
     * signals close together race for it: the compare-and-set makes exactly one of them the first.
     */
    private final java.util.concurrent.atomic.AtomicInteger signal = new java.util.concurrent.atomic.AtomicInteger();
    /** Set when the results are out and the command returns: the watchdog then leaves the exit to it. */
    private volatile boolean closed;

    private Interrupts(RunStop stop, PrintStream notices) {
        this.stop = stop;
        this.notices = notices;
    }

    /** Installs the handlers; the "terminating" line goes to {@code notices}. */
    static Interrupts install(RunStop stop, PrintStream notices) {
        Interrupts i = new Interrupts(stop, notices);
        for (String name : SIGNALS) {
            sun.misc.Signal s = new sun.misc.Signal(name);
            try {
                i.previous.add(sun.misc.Signal.handle(s, i::received));
                i.installed.add(s);
            } catch (IllegalArgumentException unavailable) {
                // the JVM keeps this one (started with -Xrs, or in use): its default behaviour stays
            }
        }
        return i;
    }

    /** The first signal's exit status (128 + its number), or 0 when none came. */
    int exitStatus() {
        int s = signal.get();
        return s == 0 ? 0 : 128 + s;
    }

    private void received(sun.misc.Signal s) {
        int number = s.getNumber();
        if (!signal.compareAndSet(0, number)) {
            // A second Ctrl-C: the user will not wait for the drain.
            notices.println("aioemu: signal " + number + " during the drain: exiting without waiting for the jobs");
            notices.flush();
            System.exit(128 + number);
            return;
        }
        // fio's words and framing: a line of their own (the live status line may be mid-line), then a blank line.
        notices.println();
        notices.println("aioemu: terminating on signal " + number);
        notices.println();
        notices.flush();
        Thread watchdog = new Thread(() -> giveUpLater(number), "aioemu-drain-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        stop.request();
    }

    private void giveUpLater(int number) {
        long start = System.nanoTime();
        if (!sleepUntil(start + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS)) || closed) {
            return;
        }
        notices.println(); // the live status line may be mid-line
        notices.println("aioemu: the jobs did not drain within " + DRAIN_SECONDS + " s of signal " + number
                + ": ending them with the requests still in flight left uncounted");
        notices.flush();
        stop.abandon();
        if (!sleepUntil(start + TimeUnit.SECONDS.toNanos(2 * DRAIN_SECONDS)) || closed) {
            return;
        }
        notices.println("aioemu: the jobs did not end within " + 2 * DRAIN_SECONDS + " s of signal " + number
                + ": exiting without results");
        notices.flush();
        System.exit(128 + number);
    }

    /** Sleeps until {@code deadline} (System.nanoTime); false when interrupted. */
    private static boolean sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return true;
    }

    /** Puts the handlers that were there before back; a later signal has its default effect. */
    @Override
    public void close() {
        closed = true;
        for (int k = 0; k < installed.size(); k++) {
            try {
                sun.misc.Signal.handle(installed.get(k), previous.get(k));
            } catch (IllegalArgumentException ignored) {
                // cannot happen for a signal this object installed a handler for
            }
        }
    }
}
