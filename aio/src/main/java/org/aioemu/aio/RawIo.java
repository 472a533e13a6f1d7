package org.aioemu.aio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.aioemu.engine.BlockingTask;
import org.aioemu.engine.Errno;

/**
 * Executes an {@link AioRequest} synchronously on the calling thread, with the semantics of QEMU's
 * raw-posix driver. This is what a thread-pool worker runs and what the sync engine runs inline.
 *
 * <p>A request is validated before any syscall: a negative offset is EINVAL, a modification through a
 * read-only handle is EBADF (what the kernel would say), a closed handle is EBADF, and on an
 * {@code O_DIRECT} handle every buffer address, buffer length and the offset must be multiples of
 * {@link FileHandle#alignment()} or the request fails with EINVAL and an {@link AioRequest#errorDetail()}
 * that says which — never a silent bounce buffer (that is the block layer's job, knowingly).
 *
 * <p>Threading: any thread, for a request that thread owns; stateless. READ and WRITE allocate nothing
 * in steady state; only failures (building the error detail) and the write-zeroes fallbacks do.
 */
public final class RawIo {
    private RawIo() {
    }

    /**
     * Runs {@code req} and returns its result, also stored in {@link AioRequest#result()}: the request's
     * length for a successful READ or WRITE (a read past end of file reads zeroes), 0 for a successful
     * FLUSH, DISCARD or WRITE_ZEROES, or -errno. Blocks for as long as the syscalls take.
     *
     * @throws IllegalStateException if the request was never prepared (a programming error, not an errno)
     */
    public static int execute(AioRequest req) {
        AioOp op = req.op();
        if (op == null) {
            throw new IllegalStateException("AioRequest executed before being prepared");
        }
        req.clearOutcome();
        int r = check(req);
        if (r == 0) {
            r = switch (op) {
                case READ -> Transfer.readWrite(req.file().fd(), req, false);
                case WRITE -> Transfer.readWrite(req.file().fd(), req, true);
                case FLUSH -> flush(req);
                case DISCARD -> discard(req);
                case WRITE_ZEROES -> writeZeroes(req);
            };
        }
        finish(req, r);
        return r;
    }

    /**
     * A READ done only if it needs no waiting: every byte is in the page cache now. The threads engine's pool
     * calls it on the loop thread before it queues the request ({@link AioRequest#tryWithoutBlocking}). One
     * preadv2 with RWF_NOWAIT over the request's iovec; returns the request's length with the outcome recorded
     * as {@link #execute} records it, or {@link BlockingTask#WOULD_BLOCK} — and the worker then runs the full
     * {@link #execute}, which reads everything again — when:
     * <ul>
     *   <li>some of the data is not cached (EAGAIN), or the read came up short (part cached, or end of file,
     *       which the full path zero-fills);</li>
     *   <li>the request fails validation or the read fails otherwise — also where the file system does not
     *       support RWF_NOWAIT (EOPNOTSUPP): the full path reports a real failure with its usual detail, so it
     *       reads the same whichever thread met it, and the pool's hit-rate policy stops trying a workload
     *       whose attempts keep failing.</li>
     * </ul>
     * Allocation-free when it succeeds or would block.
     */
    static int tryReadWithoutBlocking(AioRequest req) {
        FileHandle file = req.file();
        if (req.op() != AioOp.READ || !file.mayReadWithoutBlocking()) {
            return BlockingTask.WOULD_BLOCK;
        }
        req.clearOutcome();
        if (check(req) != 0) {
            req.clearOutcome();
            return BlockingTask.WOULD_BLOCK;
        }
        long length = req.length();
        if (length == 0) {
            finish(req, 0);
            return 0;
        }
        int count = req.iovCount();
        Transfer.fillIovec(req.segments(), count, req.nativeIov());
        long r = LibC.preadv2NoWait(file.fd(), req.nativeIov(), count, req.offset());
        if (r == length) {
            finish(req, (int) length);
            return (int) length;
        }
        return BlockingTask.WOULD_BLOCK;
    }

    /**
     * The validation every engine applies before any syscall: a closed handle is EBADF, and per op the
     * range checks and (READ/WRITE) the buffer checks described in the class comment. Returns 0 or
     * -errno, with {@link AioRequest#errorDetail()} set on failure. The io_uring engine calls it on the
     * loop before it prepares an SQE, so both engines refuse the same requests with the same errno.
     */
    static int check(AioRequest req) {
        FileHandle file = req.file();
        if (file.fd() < 0) {
            return fail(req, Errno.EBADF, file.path() + " is closed");
        }
        return switch (req.op()) {
            case READ, WRITE -> {
                int bad = checkRange(req, req.op() == AioOp.WRITE);
                yield bad != 0 ? bad : checkBuffers(req, file);
            }
            case FLUSH -> req.syncRangeFlags() != 0 ? checkRange(req, false) : 0;
            case DISCARD, WRITE_ZEROES -> checkRange(req, true);
        };
    }

    /**
     * Records the outcome {@code r} of an execution in {@code req}: the result, and for a failure without
     * a more specific explanation, one naming the syscall and the errno. Shared by every engine so that a
     * failure reads the same whichever engine ran it.
     */
    static void finish(AioRequest req, int r) {
        if (r < 0 && req.errorDetail() == null) {
            req.setErrorDetail(syscallName(req) + " failed: " + Errno.name(r) + " (" + Errno.describe(r) + ")");
        }
        req.setResult(r);
    }

    // --- READ / WRITE ----------------------------------------------------------------------------

    /**
     * Every buffer must be live native memory: the kernel gets raw addresses. On an O_DIRECT handle the
     * offset and every buffer's address and length must also be aligned. Returns 0 or -errno.
     */
    private static int checkBuffers(AioRequest req, FileHandle file) {
        long alignment = file.alignment();
        if (req.offset() % alignment != 0) {
            return fail(req, Errno.EINVAL, directPrefix(alignment) + "offset " + req.offset() + " is misaligned");
        }
        MemorySegment[] segments = req.segments();
        for (int i = 0, n = req.iovCount(); i < n; i++) {
            MemorySegment segment = segments[i];
            if (!segment.isNative()) {
                return fail(req, Errno.EFAULT, "buffer " + i + " is a heap segment: I/O needs native memory");
            }
            if (!segment.scope().isAlive()) {
                return fail(req, Errno.EFAULT, "buffer " + i + " was freed (its arena is closed)");
            }
            if (segment.address() % alignment != 0) {
                return fail(req, Errno.EINVAL, directPrefix(alignment) + "buffer " + i
                        + " address 0x" + Long.toHexString(segment.address()) + " is misaligned");
            }
            if (segment.byteSize() % alignment != 0) {
                return fail(req, Errno.EINVAL, directPrefix(alignment) + "buffer " + i
                        + " length " + segment.byteSize() + " is misaligned");
            }
        }
        return 0;
    }

    // --- FLUSH -----------------------------------------------------------------------------------

    private static int flush(AioRequest req) {
        int fd = req.file().fd();
        int r;
        do {
            r = req.syncRangeFlags() != 0 ? LibC.syncFileRange(fd, req.offset(), req.length(), req.syncRangeFlags())
                    : req.datasyncOnly() ? LibC.fdatasync(fd) : LibC.fsync(fd);
        } while (r == -Errno.EINTR);
        return r;
    }

    // --- DISCARD / WRITE_ZEROES --------------------------------------------------------------------

    private static int discard(AioRequest req) {
        if (req.length() == 0) {
            return 0;
        }
        return fallocate(req.file().fd(), LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, req.offset(), req.length());
    }

    private static int writeZeroes(AioRequest req) {
        if (req.length() == 0) {
            return 0;
        }
        FileHandle file = req.file();
        int fd = file.fd();
        int r = fallocate(fd, LibC.FALLOC_FL_ZERO_RANGE, req.offset(), req.length());
        if (!unsupported(r)) {
            return r;
        }
        return writeZeroesWithoutZeroRange(req, file, fd);
    }

    /**
     * WRITE_ZEROES where the file system has no ZERO_RANGE: punch a hole when the range lies within the
     * file (a punched hole reads as zeroes but cannot extend the file), else — or if punching is
     * unsupported too — write zeroes. Package-private so tests can take this path on any file system.
     */
    static int writeZeroesWithoutZeroRange(AioRequest req, FileHandle file, int fd) {
        long offset = req.offset();
        long length = req.length();
        long size = (req.zeroFlags() & AioRequest.ZERO_MAY_UNMAP) != 0 ? LibC.fstatSize(fd) : -1;
        if (size >= 0 && offset + length <= size) {
            int r = fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length);
            if (!unsupported(r)) {
                return r;
            }
        }
        if ((req.zeroFlags() & AioRequest.ZERO_NO_FALLBACK) != 0) {
            return noFastZero(req);
        }
        return zeroByWriting(req, file, fd);
    }

    /** A NO_FALLBACK write-zeroes that only writing buffers could do: EOPNOTSUPP, with why. */
    static int noFastZero(AioRequest req) {
        return fail(req, Errno.EOPNOTSUPP, "write-zeroes without fallback at offset " + req.offset() + " length "
                + req.length() + ": the file system zeroes ranges only by writing them");
    }

    /** The last resort of WRITE_ZEROES: write the range from a shared, page-aligned zero buffer. */
    static int zeroByWriting(AioRequest req, FileHandle file, int fd) {
        long offset = req.offset();
        long length = req.length();
        int bad = checkZeroWrite(req, file);
        if (bad != 0) {
            return bad;
        }
        MemorySegment zeroes = Zeroes.BUFFER;
        long done = 0;
        while (done < length) {
            long chunk = Math.min(length - done, zeroes.byteSize());
            int r = Transfer.single(fd, zeroes.asSlice(0, chunk), offset + done, true);
            if (r < 0) {
                return r;
            }
            done += chunk;
        }
        return 0;
    }

    /**
     * Writing zeroes must respect the handle's alignment like any write: 0, or EINVAL with a detail.
     * Shared with the io_uring engine's last-resort write-zeroes path.
     */
    static int checkZeroWrite(AioRequest req, FileHandle file) {
        long alignment = file.alignment();
        if (req.offset() % alignment != 0 || req.length() % alignment != 0) {
            return fail(req, Errno.EINVAL, directPrefix(alignment) + "writing zeroes (no fallocate support) at offset "
                    + req.offset() + " length " + req.length() + " is misaligned");
        }
        return 0;
    }

    /** The shared, page-aligned MiB of zeroes that write-zeroes writes from when fallocate cannot help. */
    static MemorySegment zeroes() {
        return Zeroes.BUFFER;
    }

    // --- helpers ---------------------------------------------------------------------------------

    /**
     * Offset and length must be non-negative and not overflow; a modification needs a writable handle.
     * Returns 0 or -errno.
     */
    private static int checkRange(AioRequest req, boolean modifies) {
        long offset = req.offset();
        long length = req.length();
        if (offset < 0) {
            return fail(req, Errno.EINVAL, "negative offset " + offset);
        }
        if (length < 0) {
            return fail(req, Errno.EINVAL, "negative length " + length);
        }
        if (offset > Long.MAX_VALUE - length) {
            return fail(req, Errno.EINVAL, "offset " + offset + " + length " + length + " overflows");
        }
        if (modifies && req.file().readOnly()) {
            return fail(req, Errno.EBADF, req.op() + " on " + req.file().path() + ", which is open read-only");
        }
        return 0;
    }

    private static int fallocate(int fd, int mode, long offset, long length) {
        int r;
        do {
            r = LibC.fallocate(fd, mode, offset, length);
        } while (r == -Errno.EINTR);
        return r;
    }

    /** fallocate's answers for "this file system (or kernel, or sandbox) cannot do that mode". */
    static boolean unsupported(int r) {
        return r == -Errno.EOPNOTSUPP || r == -Errno.ENOSYS;
    }

    private static int fail(AioRequest req, int errno, String detail) {
        req.setErrorDetail(detail);
        return -errno;
    }

    private static String directPrefix(long alignment) {
        return "O_DIRECT needs " + alignment + "-byte alignment: ";
    }

    private static String syscallName(AioRequest req) {
        return switch (req.op()) {
            case READ -> req.iovCount() == 1 ? "pread" : "preadv";
            case WRITE -> req.iovCount() == 1 ? "pwrite" : "pwritev";
            case FLUSH -> req.syncRangeFlags() != 0 ? "sync_file_range" : req.datasyncOnly() ? "fdatasync" : "fsync";
            case DISCARD -> "fallocate(PUNCH_HOLE)";
            case WRITE_ZEROES -> "write-zeroes";
        };
    }

    /** One MiB of zeroes, page-aligned so O_DIRECT can write from it; only ever read. Made on first use. */
    private static final class Zeroes {
        static final MemorySegment BUFFER = Arena.global().allocate(1 << 20, AlignedBuffers.ALIGNMENT);
    }
}
