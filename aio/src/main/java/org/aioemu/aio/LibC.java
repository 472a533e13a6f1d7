package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.aioemu.engine.Errno;

/**
 * FFM downcalls to the libc file syscalls the engine needs.
 *
 * <p>Every call returns the kernel's answer as a number: the result when it succeeded, {@code -errno}
 * when it failed. Nothing here throws for an errno and nothing retries: EINTR, short transfers and the
 * like are the caller's business ({@link RawIo}), so that policy lives in one place.
 *
 * <p>Threading: any thread. errno is captured ({@code Linker.Option.captureCallState}) into a segment
 * that belongs to the calling thread ({@link #SCRATCH}), allocated the first time a thread calls in and
 * freed by the GC after the thread is gone, so concurrent workers never see each other's errno.
 *
 * <p>The hot transfers (pread, pwrite, preadv, pwritev) are first made without capture, and only a failed
 * one is made again with it. The JDK slices the capture segment on every capturing call and leaves the
 * slice to escape analysis, which removes it only when the JIT inlines the whole downcall into one
 * compilation: a CI host's JIT did not, and every request allocated 40 bytes ({@code -XX:MaxInlineLevel=4}
 * reproduces it anywhere). A positional transfer that fails has moved no data (one that moves some
 * returns the count), so making it again is safe: it reports the same errno, or succeeds if the failure
 * was transient (EINTR, EAGAIN), which is an outcome the caller would have retried into anyway.
 * fdatasync and fsync cannot be made twice — Linux reports a writeback error to a file description
 * once, and a second call would say 0 — so they always capture. No call uses
 * {@code Linker.Option.critical}: all of them may block (O_DIRECT, fsync), and a critical call would
 * hold off safepoints for as long.
 *
 * <p>Buffers and iovec arrays passed in must be native segments: FFM rejects heap segments for
 * {@code ADDRESS} arguments, and the iovec entries hold raw addresses that the kernel dereferences.
 */
final class LibC {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    // open(2) flags. Linux x86_64 values; O_DIRECT is the one generic flag that differs on aarch64.
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_DSYNC = 010000;
    /** Linux's O_SYNC: __O_SYNC (04000000) with O_DSYNC's bit. */
    static final int O_SYNC = 04010000;
    static final int O_DIRECT = AARCH64 ? 0200000 : 040000;
    static final int O_CLOEXEC = 02000000;

    // fallocate(2) modes.
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int FALLOC_FL_ZERO_RANGE = 16;

    /** preadv2(2) flag: fail with EAGAIN rather than wait for data that is not in the page cache (Linux 4.14). */
    static final int RWF_NOWAIT = 0x08;

    /** Bytes of one {@code struct iovec}: a base pointer and a length, both 64-bit. */
    static final long IOVEC_SIZE = 16;
    static final long IOVEC_BASE = 0;
    static final long IOVEC_LEN = 8;

    /** {@code struct stat} is 144 bytes on x86_64 and 128 on aarch64; st_size is at byte 48 on both. */
    private static final long STAT_SIZE = 144;
    private static final long STAT_ST_SIZE_OFFSET = 48;
    /** st_mode: after st_dev, st_ino and (on x86_64 only) an 8-byte st_nlink. */
    private static final long STAT_ST_MODE_OFFSET = "aarch64".equals(System.getProperty("os.arch")) ? 16 : 24;
    /** st_mode's file type bits, and the type of a block device. */
    static final int S_IFMT = 0170000;
    static final int S_IFBLK = 0060000;
    /** Block-device ioctls (linux/fs.h): the size in bytes (u64) and the logical sector size (int). */
    static final long BLKGETSIZE64 = 0x80081272L;
    static final long BLKSSZGET = 0x1268L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Per-thread scratch memory: the errno capture and a {@code struct stat}. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // Each handle takes the capture segment as its first argument (captureCallState adds it).
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2)); // open(path, flags, ...): mode is variadic, promoted to int
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final FunctionDescriptor PREAD_SHAPE =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor PREADV_SHAPE =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    // The transfers' first attempt (no capture) and, only after it failed, the capturing second one.
    private static final MethodHandle PREAD_FIRST = plainDowncall("pread", PREAD_SHAPE);
    private static final MethodHandle PREAD = downcall("pread", PREAD_SHAPE);
    private static final MethodHandle PWRITE_FIRST = plainDowncall("pwrite", PREAD_SHAPE);
    private static final MethodHandle PWRITE = downcall("pwrite", PREAD_SHAPE);
    private static final MethodHandle PREADV_FIRST = plainDowncall("preadv", PREADV_SHAPE);
    private static final MethodHandle PREADV = downcall("preadv", PREADV_SHAPE);
    private static final MethodHandle PWRITEV_FIRST = plainDowncall("pwritev", PREADV_SHAPE);
    private static final MethodHandle PWRITEV = downcall("pwritev", PREADV_SHAPE);
    /**
     * preadv2 for the loop's non-blocking reads, without errno capture: the caller needs only "done" or "not
     * now" (EAGAIN, or a file system that refuses RWF_NOWAIT — the pool's hit-rate policy backs off from those
     * either way), and the capture's state segment was the one allocation left on that path where the JIT did
     * not inline the whole call. Null where libc has no preadv2 (glibc before 2.26).
     */
    private static final MethodHandle PREADV2_NOWAIT = LIBC.find("preadv2").isPresent()
            ? plainDowncall("preadv2", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT))
            : null;
    private static final MethodHandle FDATASYNC = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SYNC_FILE_RANGE = downcall("sync_file_range",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FALLOCATE = downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    /** lseek(2) whences finding the next data and the next hole (Linux 3.1; file systems without them see the whole file as data). */
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FSTAT = fstatHandle();
    /** ioctl(fd, request, void *arg): variadic after the request. */
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    /** posix_fadvise returns its error number rather than setting errno, so it needs no capture. */
    private static final MethodHandle POSIX_FADVISE = plainDowncall("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    /** posix_fadvise advice: the pages of the range will not be needed (clean ones are dropped from the cache). */
    static final int POSIX_FADV_DONTNEED = 4;
    static final int POSIX_FADV_NORMAL = 0;
    static final int POSIX_FADV_RANDOM = 1;
    static final int POSIX_FADV_SEQUENTIAL = 2;

    private LibC() {
    }

    /** The capture segment and stat buffer of one thread; never shared between threads. */
    private static final class Scratch {
        final MemorySegment capture;
        final MemorySegment stat;

        Scratch() {
            // An automatic arena: the memory goes when the thread (and so its ThreadLocal entry) does.
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(CAPTURE_LAYOUT);
            stat = arena.allocate(STAT_SIZE, 8);
        }
    }

    /** open(2); the path is encoded as UTF-8. Returns the new fd or -errno. Allocates (not a hot call). */
    static int open(String path, int flags, int mode) {
        MemorySegment capture = SCRATCH.get().capture;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path, StandardCharsets.UTF_8);
            return intResult((int) OPEN.invokeExact(capture, cPath, flags, mode), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(2). Linux releases the fd even when this reports an error, so never retry it. */
    static int close(int fd) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) CLOSE.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pread(2) of {@code count} bytes into the start of {@code buf}. Returns bytes read or -errno. */
    static long pread(int fd, MemorySegment buf, long count, long offset) {
        try {
            long r = (long) PREAD_FIRST.invokeExact(fd, buf, count, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment capture = SCRATCH.get().capture;
            return longResult((long) PREAD.invokeExact(capture, fd, buf, count, offset), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pwrite(2) of {@code count} bytes from the start of {@code buf}. Returns bytes written or -errno. */
    static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        try {
            long r = (long) PWRITE_FIRST.invokeExact(fd, buf, count, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment capture = SCRATCH.get().capture;
            return longResult((long) PWRITE.invokeExact(capture, fd, buf, count, offset), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** preadv(2) over {@code iovcnt} native {@code struct iovec}s starting at {@code iov}. */
    static long preadv(int fd, MemorySegment iov, int iovcnt, long offset) {
        try {
            long r = (long) PREADV_FIRST.invokeExact(fd, iov, iovcnt, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment capture = SCRATCH.get().capture;
            return longResult((long) PREADV.invokeExact(capture, fd, iov, iovcnt, offset), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Whether {@link #preadv2NoWait} exists here. */
    static boolean hasPreadv2() {
        return PREADV2_NOWAIT != null;
    }

    /**
     * preadv2(2) with RWF_NOWAIT over {@code iovcnt} native iovecs: the bytes read, or -1 for any failure
     * (errno is not kept; see {@link #PREADV2_NOWAIT}) and where libc lacks preadv2.
     */
    static long preadv2NoWait(int fd, MemorySegment iov, int iovcnt, long offset) {
        if (PREADV2_NOWAIT == null) {
            return -1;
        }
        try {
            return (long) PREADV2_NOWAIT.invokeExact(fd, iov, iovcnt, offset, RWF_NOWAIT);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pwritev(2) over {@code iovcnt} native {@code struct iovec}s starting at {@code iov}. */
    static long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) {
        try {
            long r = (long) PWRITEV_FIRST.invokeExact(fd, iov, iovcnt, offset);
            if (r >= 0) {
                return r;
            }
            MemorySegment capture = SCRATCH.get().capture;
            return longResult((long) PWRITEV.invokeExact(capture, fd, iov, iovcnt, offset), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fdatasync(int fd) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) FDATASYNC.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fsync(int fd) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) FSYNC.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sync_file_range(2): 0 or -errno. */
    static int syncFileRange(int fd, long offset, long nbytes, int flags) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) SYNC_FILE_RANGE.invokeExact(capture, fd, offset, nbytes, flags), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** posix_fadvise(2). Returns 0 or -errno. */
    static int posixFadvise(int fd, long offset, long length, int advice) {
        try {
            return -(int) POSIX_FADVISE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** fallocate(2) with one of the FALLOC_FL_* combinations. Returns 0 or -errno. */
    static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) FALLOCATE.invokeExact(capture, fd, mode, offset, length), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** lseek(2): the resulting offset, or -errno (ENXIO: no data, or no hole, at or after {@code offset}). */
    static long lseek(int fd, long offset, int whence) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return longResult((long) LSEEK.invokeExact(capture, fd, offset, whence), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ftruncate(int fd, long length) {
        MemorySegment capture = SCRATCH.get().capture;
        try {
            return intResult((int) FTRUNCATE.invokeExact(capture, fd, length), capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * A file's size in bytes, or -errno: fstat(2)'s st_size, or for a block device (whose st_size is 0) the
     * device's size from BLKGETSIZE64. One fstat either way.
     */
    static long fileSize(int fd) {
        Scratch scratch = SCRATCH.get();
        int r = fstat(scratch, fd);
        if (r < 0) {
            return r;
        }
        if ((scratch.stat.get(JAVA_INT, STAT_ST_MODE_OFFSET) & S_IFMT) != S_IFBLK) {
            return scratch.stat.get(JAVA_LONG, STAT_ST_SIZE_OFFSET);
        }
        r = ioctl(scratch, fd, BLKGETSIZE64);
        return r < 0 ? r : scratch.stat.get(JAVA_LONG, 0);
    }

    /** fstat(2)'s st_size, or -errno. */
    static long fstatSize(int fd) {
        Scratch scratch = SCRATCH.get();
        int r = fstat(scratch, fd);
        return r < 0 ? r : scratch.stat.get(JAVA_LONG, STAT_ST_SIZE_OFFSET);
    }

    /** fstat(2)'s st_mode, or -errno. */
    static int fstatMode(int fd) {
        Scratch scratch = SCRATCH.get();
        int r = fstat(scratch, fd);
        return r < 0 ? r : scratch.stat.get(JAVA_INT, STAT_ST_MODE_OFFSET);
    }

    /** A block device's logical sector size (BLKSSZGET), or -errno. */
    static int blockDeviceSectorSize(int fd) {
        Scratch scratch = SCRATCH.get();
        int r = ioctl(scratch, fd, BLKSSZGET);
        return r < 0 ? r : scratch.stat.get(JAVA_INT, 0);
    }

    /** fstat(2) into the thread's stat buffer: 0 or -errno. */
    private static int fstat(Scratch scratch, int fd) {
        try {
            return intResult((int) FSTAT.invokeExact(scratch.capture, fd, scratch.stat), scratch.capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) with the thread's stat buffer as the result's memory: its return value or -errno. */
    private static int ioctl(Scratch scratch, int fd, long request) {
        try {
            return intResult((int) IOCTL.invokeExact(scratch.capture, fd, request, scratch.stat), scratch.capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static int intResult(int r, MemorySegment capture) {
        return r != -1 ? r : -errno(capture);
    }

    private static long longResult(long r, MemorySegment capture) {
        return r != -1 ? r : -errno(capture);
    }

    /** The captured errno; EIO if libc failed without setting one (it should not happen). */
    private static int errno(MemorySegment capture) {
        int e = (int) ERRNO.get(capture, 0L);
        return e > 0 ? e : Errno.EIO;
    }

    /** invokeExact declares Throwable; only unchecked ones can really come out of these handles. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a libc downcall", t);
    }

    /** Whether libc has {@code symbol} (a newer call a caller can do without). */
    static boolean has(String symbol) {
        return LIBC.find(symbol).isPresent();
    }

    /** This thread's errno capture segment, for downcalls made elsewhere in the package ({@link Mmap}). */
    static MemorySegment capture() {
        return SCRATCH.get().capture;
    }

    /** The errno a downcall captured into {@code capture} (EIO if it left none). */
    static int capturedErrno(MemorySegment capture) {
        return errno(capture);
    }

    @SuppressWarnings("restricted") // native access is enabled for the whole application (see the parent pom)
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        Linker.Option[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    /** A downcall without errno capture, for a caller that needs only success or failure. */
    @SuppressWarnings("restricted") // native access is enabled for the whole application (see the parent pom)
    private static MethodHandle plainDowncall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /**
     * glibc exports {@code fstat} since 2.33; before that only {@code __fxstat(version, fd, buf)}, whose
     * version argument is 1 on x86_64 and 0 on aarch64. Either way the handle takes (capture, fd, buf).
     */
    private static MethodHandle fstatHandle() {
        Optional<MemorySegment> fstat = LIBC.find("fstat");
        if (fstat.isPresent()) {
            return downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        }
        MethodHandle fxstat = downcall("__fxstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        return MethodHandles.insertArguments(fxstat, 1, AARCH64 ? 0 : 1);
    }
}
