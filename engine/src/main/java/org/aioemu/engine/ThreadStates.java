package org.aioemu.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the kernel says a worker thread is doing, for the stall check: a worker that has run one request for
 * long is either asleep in the kernel (a blocking read, a lock, a sleep: waking another worker uses the core
 * it left) or runnable (computing, or descheduled on a host whose cores other threads hold: another worker
 * would only queue for the same cores). Linux tells them apart in {@code /proc/self/task/TID/stat}; elsewhere,
 * or when that cannot be read, every long request counts as asleep, which is what the time threshold alone
 * would conclude.
 *
 * <p>Threading: {@link #openOwnStat} on the thread itself, as it starts; {@link #asleep} on the loop (the stall
 * check), with a buffer of its own, once per suspected stall; {@link #close} as the worker ends.
 */
final class ThreadStates {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private ThreadStates() {
    }

    /**
     * The calling thread's {@code /proc} stat file, open for positional reads, or null where procfs does not
     * say. Opened once per worker, so a later look at its state costs one read and no allocation.
     */
    static FileChannel openOwnStat() {
        return openOwn("stat");
    }

    /**
     * The calling thread's {@code /proc} schedstat file ("on-CPU ns, run-queue wait ns, slices"), open for
     * positional reads, or null where there is none.
     */
    static FileChannel openOwnSchedstat() {
        return openOwn("schedstat");
    }

    private static FileChannel openOwn(String file) {
        try {
            String link = Files.readSymbolicLink(THREAD_SELF).toString(); // "PID/task/TID"
            String tid = link.substring(link.lastIndexOf('/') + 1);
            return FileChannel.open(Path.of("/proc/self/task/" + tid + "/" + file), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The time the thread of {@code schedstat} has spent waiting on a run queue for a CPU, in ns (the file's
     * second field), or -1 where it cannot be read. {@code buf} is the caller's scratch buffer (direct).
     */
    static long runQueueNanos(FileChannel schedstat, ByteBuffer buf) {
        if (schedstat == null) {
            return -1;
        }
        buf.clear();
        try {
            if (schedstat.read(buf, 0) <= 0) {
                return -1;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        int field = 0;
        long v = 0;
        boolean inNumber = false;
        for (int i = 0; i < buf.position(); i++) {
            byte c = buf.get(i);
            if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                inNumber = true;
            } else if (inNumber) {
                if (field == 1) {
                    return v;
                }
                v = 0;
                inNumber = false;
                field++;
            }
        }
        return -1;
    }

    /**
     * Whether the thread whose stat file is {@code stat} sleeps in the kernel now (state S or D); true where
     * that cannot be known. {@code buf} is the caller's scratch buffer (direct, so the read copies nothing).
     */
    static boolean asleep(FileChannel stat, ByteBuffer buf) {
        if (stat == null) {
            return true;
        }
        buf.clear();
        try {
            long pos = 0;
            int n;
            while (buf.hasRemaining() && (n = stat.read(buf, pos)) > 0) {
                pos += n; // the line is a few hundred bytes: one read
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
        // "TID (comm) S ...": comm may hold spaces and parentheses, so the state follows the last ')'.
        for (int i = buf.position() - 1; i > 0; i--) {
            if (buf.get(i) == ')') {
                if (i + 2 >= buf.position()) {
                    return true;
                }
                byte state = buf.get(i + 2);
                return state == 'S' || state == 'D';
            }
        }
        return true;
    }

    /** Closes a file from {@link #openOwnStat} or {@link #openOwnSchedstat}; null is fine. */
    static void close(FileChannel stat) {
        if (stat != null) {
            try {
                stat.close();
            } catch (IOException ignored) {
                // a procfs file: nothing to flush or lose
            }
        }
    }
}
