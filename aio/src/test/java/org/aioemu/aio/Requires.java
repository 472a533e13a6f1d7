package org.aioemu.aio;

import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.Assumptions;

/**
 * What some aio tests need and a machine may lack. Each method skips the calling test (an assumption, never
 * an error) with a message naming what is missing and, where known, why. Call it first, before building
 * anything the test's tear-down would have to undo.
 *
 * <p>To see the io_uring skips on a machine that has io_uring, run with Netty's own switch, which makes
 * {@link IoUring#isAvailable()} false (and takes epoll away too, so contexts fall back to NIO):
 * {@code ./build -q -pl aio -am test -Dio.netty.transport.noNative=true}.
 */
final class Requires {
    private Requires() {
    }

    /** io_uring usable by Netty here: kernel support, not disabled by sysctl or seccomp, native library loaded. */
    static void ioUring() {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + why(IoUring.unavailabilityCause()));
    }

    /** An epoll transport for a context (absent without Netty's native library, or off Linux). */
    static void epoll() {
        Assumptions.assumeTrue(AioContext.isAvailable(Transport.EPOLL), "epoll is not available here");
    }

    /** {@code /dev/full}, whose writes fail with ENOSPC. */
    static void devFull() {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is missing or not writable here");
    }

    /** A new FIFO {@code dir/name}, made by mkfifo(1); skips where there is no mkfifo or it fails. */
    static Path fifo(Path dir, String name) throws InterruptedException {
        Path fifo = dir.resolve(name);
        int exit;
        try {
            exit = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            Assumptions.abort("mkfifo cannot be run here: " + e.getMessage());
            return fifo; // not reached
        }
        Assumptions.assumeTrue(exit == 0, "mkfifo failed (exit " + exit + ") for " + fifo);
        return fifo;
    }

    private static String why(Throwable cause) {
        return cause == null ? "unknown cause" : cause.toString();
    }
}
