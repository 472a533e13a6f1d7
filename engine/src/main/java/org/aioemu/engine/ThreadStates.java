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
 * <p>Threading: {@link #currentTid} on the thread itself; {@link #asleep} on the loop (the stall check), with
 * a buffer of its own. Both are off the I/O path: once per worker start, once per suspected stall.
 */
final class ThreadStates {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private ThreadStates() {
    }

    /** The calling thread's kernel thread id, or -1 where procfs does not say. */
    static int currentTid() {
        try {
            String link = Files.readSymbolicLink(THREAD_SELF).toString(); // "PID/task/TID"
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Whether thread {@code tid} sleeps in the kernel now (state S or D); true where that cannot be known.
     * {@code buf} is the caller's scratch buffer.
     */
    static boolean asleep(int tid, ByteBuffer buf) {
        if (tid <= 0) {
            return true;
        }
        buf.clear();
        try (FileChannel ch = FileChannel.open(Path.of("/proc/self/task/" + tid + "/stat"), StandardOpenOption.READ)) {
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // the line is a few hundred bytes
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
}
