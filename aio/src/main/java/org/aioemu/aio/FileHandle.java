package org.aioemu.aio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * An open file descriptor plus what the I/O path must know about it: the path (for messages),
 * whether it is read-only, whether it is {@code O_DIRECT} and the alignment that then applies.
 *
 * <p>Threading: any number of threads may issue requests on one handle at the same time (positional
 * I/O shares no file offset). {@link #close()} may be called from any thread and more than once, but
 * only after every request on the handle has completed: a request still in flight when the fd is
 * closed could otherwise reach a file that reused the fd number. After close, {@link #fd()} is -1,
 * so a late request fails with EBADF instead.
 */
public final class FileHandle implements AutoCloseable {
    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(FileHandle.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path path;
    private final OpenOptions options;
    private final int alignment;
    /** The descriptor, -1 once closed. Volatile read by every request; set to -1 exactly once, by close's getAndSet. */
    private volatile int fd;
    private FileHandle(Path path, OpenOptions options, int fd, int alignment) {
        this.path = path;
        this.options = options;
        this.alignment = alignment;
        this.fd = fd;
    }

    /**
     * Opens {@code path}. Any thread; blocks for the open(2).
     *
     * @throws ErrnoException with the kernel's errno; the message names the path and the open mode,
     *         e.g. {@code "open /x/y (read-write, O_DIRECT): EINVAL (Invalid argument)"}
     */
    public static FileHandle open(Path path, OpenOptions options) throws ErrnoException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        int fd;
        do {
            fd = LibC.open(path.toString(), options.flags(), options.mode());
        } while (fd == -Errno.EINTR);
        if (fd < 0) {
            String message = "open " + path + " (" + options.describe() + ")";
            if (fd == -Errno.EINVAL && options.isDirect()) {
                // tmpfs and some FUSE file systems refuse O_DIRECT at open time with EINVAL.
                message += " [the file system may not support O_DIRECT]";
            }
            throw new ErrnoException(-fd, message);
        }
        int alignment = options.isDirect() ? options.alignment() : 1;
        if (options.isDirect()) {
            // A 4Kn disk refuses 512-byte-aligned O_DIRECT requests with EINVAL: align to what the device (its
            // logical sector size) or the file system (statx, else trial reads) needs, never below the options'.
            int needed = isBlockDevice(fd) ? LibC.blockDeviceSectorSize(fd) : DirectAlignment.of(fd);
            if (needed > alignment && needed <= AlignedBuffers.ALIGNMENT) {
                alignment = needed;
            }
        }
        return new FileHandle(path, options, fd, alignment);
    }

    private static boolean isBlockDevice(int fd) {
        int mode = LibC.fstatMode(fd);
        return mode >= 0 && (mode & LibC.S_IFMT) == LibC.S_IFBLK;
    }

    /** Whether this is a block device (its size comes from the device, not the inode). Any thread. */
    public boolean isBlockDevice() {
        return isBlockDevice(fd);
    }

    /** The file descriptor, or -1 after {@link #close()}. */
    public int fd() {
        return fd;
    }

    public boolean isClosed() {
        return fd < 0;
    }

    /** True if opened with {@code O_DIRECT}. */
    public boolean direct() {
        return options.isDirect();
    }

    /**
     * Whether a read of this file may be tried without blocking (preadv2 with RWF_NOWAIT): a buffered handle, on
     * a libc that has preadv2. O_DIRECT reads always wait for the device.
     */
    boolean mayReadWithoutBlocking() {
        return !options.isDirect() && LibC.hasPreadv2();
    }

    public boolean readOnly() {
        return options.isReadOnly();
    }

    /**
     * The alignment required of buffer addresses, offsets and lengths: for an {@code O_DIRECT} handle the larger
     * of the options' alignment (512 by default) and what the device or file system was found to need
     * ({@link DirectAlignment}); 1 for a buffered one.
     */
    public int alignment() {
        return alignment;
    }

    public Path path() {
        return path;
    }

    public OpenOptions options() {
        return options;
    }

    /** The file's size in bytes: fstat's, or for a block device the device's (BLKGETSIZE64). Any thread. */
    /**
     * Any thread (it blocks as long as the file system takes: run it off the loop): whether {@code offset} lies in
     * data or in a hole, and where that extent ends, from lseek's SEEK_DATA and SEEK_HOLE — QEMU's raw block status.
     * Returns the extent's end, negated for a hole ({@code -end}); {@code offset} itself must be below the file's
     * size. A file system without SEEK_HOLE (EINVAL) reports everything as data.
     */
    public long extentAt(long offset) throws ErrnoException {
        long data = LibC.lseek(fd, offset, LibC.SEEK_DATA);
        if (data == -org.aioemu.engine.Errno.EINVAL || data == -org.aioemu.engine.Errno.EOPNOTSUPP) {
            return size(); // no hole support: all data
        }
        if (data == -org.aioemu.engine.Errno.ENXIO) {
            return -size(); // only a hole from here to the end
        }
        if (data < 0) {
            throw new ErrnoException((int) -data, "lseek(SEEK_DATA) " + path + " at " + offset);
        }
        if (data > offset) {
            return -data; // a hole up to the next data
        }
        long hole = LibC.lseek(fd, offset, LibC.SEEK_HOLE);
        if (hole < 0) {
            throw new ErrnoException((int) -hole, "lseek(SEEK_HOLE) " + path + " at " + offset);
        }
        return hole;
    }

    public long size() throws ErrnoException {
        long size = LibC.fileSize(fd);
        if (size < 0) {
            throw new ErrnoException((int) -size, "fstat " + path);
        }
        return size;
    }

    /** Sets the file's size (ftruncate): cuts it, or extends it with a hole. Any thread. */
    public void truncate(long size) throws ErrnoException {
        int r;
        do {
            r = LibC.ftruncate(fd, size);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            throw new ErrnoException(r, "truncate " + path + " to " + size + " bytes");
        }
    }

    /** How the file will be read, for the kernel's readahead (posix_fadvise). */
    public enum Access {
        /** The kernel's default readahead. */
        NORMAL(LibC.POSIX_FADV_NORMAL),
        /** Read in order: more readahead. */
        SEQUENTIAL(LibC.POSIX_FADV_SEQUENTIAL),
        /** Read at random places: no readahead. */
        RANDOM(LibC.POSIX_FADV_RANDOM);

        final int advice;

        Access(int advice) {
            this.advice = advice;
        }
    }

    /**
     * Tells the kernel how this descriptor will read the file (posix_fadvise over the whole file), which sets
     * its readahead: fio's {@code fadvise_hint}. Affects buffered reads through this descriptor only.
     */
    public void adviseAccess(Access access) throws ErrnoException {
        int r = LibC.posixFadvise(fd, 0, 0, access.advice);
        if (r < 0) {
            throw new ErrnoException(r, "advise " + access.name().toLowerCase(java.util.Locale.ROOT) + " access to " + path);
        }
    }

    /**
     * Drops the file's clean pages from the page cache (posix_fadvise DONTNEED over the whole file), so that
     * the next buffered reads come from the device, as fio's {@code invalidate=1} does before a job. Dirty
     * pages stay until written back (fio does the same: it does not sync first). Blocking.
     */
    public void dropCache() throws ErrnoException {
        int r = LibC.posixFadvise(fd, 0, 0, LibC.POSIX_FADV_DONTNEED);
        if (r < 0) {
            throw new ErrnoException(r, "drop the cached pages of " + path);
        }
    }

    /**
     * Closes the descriptor. Idempotent: only the first call closes. An error from close(2) is ignored:
     * Linux frees the descriptor regardless, and durability is what flush is for.
     */
    @Override
    public void close() {
        int old = (int) FD.getAndSet(this, -1);
        if (old >= 0) {
            LibC.close(old);
        }
    }

    @Override
    public String toString() {
        return "FileHandle[" + path + ", " + options.describe() + (isClosed() ? ", closed" : ", fd " + fd) + "]";
    }
}
