package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw bindings: -errno results and per-thread errno capture. */
class LibCTest {
    @TempDir
    Path dir;

    @Test
    void failuresReturnMinusErrno() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(-Errno.EBADF, LibC.pread(-1, buffer, 64, 0));
            assertEquals(-Errno.EBADF, LibC.close(-1));
            assertEquals(-Errno.EBADF, LibC.fdatasync(-1));
            assertEquals(-Errno.EBADF, LibC.fstatSize(-1));
            assertEquals(-Errno.ENOENT, LibC.open(dir.resolve("missing").toString(), LibC.O_RDONLY, 0));
        }
    }

    @Test
    void openFstatFtruncateClose() throws Exception {
        Path path = dir.resolve("f");
        int fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0600);
        assertTrue(fd >= 0, "open gave " + fd);
        try {
            assertEquals(0, LibC.fstatSize(fd));
            assertEquals(0, LibC.ftruncate(fd, 12345));
            assertEquals(12345, LibC.fstatSize(fd));
            assertEquals(12345, Files.size(path));
            assertEquals(-Errno.EINVAL, LibC.ftruncate(fd, -1));
            assertEquals(-Errno.EEXIST, LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL, 0600));
        } finally {
            assertEquals(0, LibC.close(fd));
        }
        assertEquals(-Errno.EBADF, LibC.fsync(fd));
    }

    @Test
    void utf8PathsRoundTrip() throws Exception {
        Path path = dir.resolve("données-✓.img");
        int fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 0644);
        assertTrue(fd >= 0, "open gave " + fd);
        LibC.close(fd);
        assertTrue(Files.exists(path));
    }

    @Test
    void errnoIsCapturedPerThread() throws Exception {
        // Two threads fail at the same time with different errnos, over and over: each must see its own.
        Path path = dir.resolve("g");
        Files.write(path, new byte[4096]);
        int fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        assertTrue(fd >= 0);
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(3);
        try (ExecutorService pool = Executors.newFixedThreadPool(3); Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(4096);
            List<Future<Integer>> results = new ArrayList<>();
            results.add(pool.submit(() -> {
                start.await();
                int bad = 0;
                for (int i = 0; i < rounds; i++) {
                    bad += LibC.pread(-1, buffer, 16, 0) == -Errno.EBADF ? 0 : 1;
                }
                return bad;
            }));
            results.add(pool.submit(() -> {
                start.await();
                int bad = 0;
                for (int i = 0; i < rounds; i++) {
                    bad += LibC.pread(fd, buffer, 16, -1) == -Errno.EINVAL ? 0 : 1;
                }
                return bad;
            }));
            results.add(pool.submit(() -> {
                start.await();
                int bad = 0;
                for (int i = 0; i < rounds; i++) {
                    bad += LibC.pread(fd, buffer, 16, 0) == 16 ? 0 : 1;
                }
                return bad;
            }));
            for (Future<Integer> f : results) {
                assertEquals(0, f.get());
            }
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void directFlagMatchesTheArchitecture() {
        String arch = System.getProperty("os.arch");
        assertEquals("aarch64".equals(arch) ? 0200000 : 040000, LibC.O_DIRECT);
    }
}
