package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.Errno;

/**
 * The syscall loops behind READ and WRITE, with the result normalisation of QEMU's raw driver in one
 * place: retry on EINTR (and EAGAIN, a bounded number of times), continue a short transfer from where
 * it stopped, zero-fill what a read finds past end of file, and report a write that makes no progress
 * as ENOSPC.
 *
 * <p>Stateless; called on the thread that executes the request, which owns the request's native iovec
 * array for the duration. Allocation-free unless a transfer comes up short (then a slice object per
 * continuation).
 */
final class Transfer {
    /**
     * EAGAIN is not expected from regular files (only with RWF_NOWAIT or odd file systems); retrying it
     * is right, retrying it forever on a descriptor that always says so would hang a worker.
     */
    static final int MAX_EAGAIN_RETRIES = 1000;

    private Transfer() {
    }

    /**
     * Runs a READ or WRITE that {@link RawIo} has validated. Returns the request's full length or -errno.
     * Uses pread/pwrite for one segment (cheaper) and preadv/pwritev over the request's native iovec
     * array otherwise.
     */
    static int readWrite(int fd, AioRequest req, boolean write) {
        long length = req.length();
        if (length == 0) {
            return 0;
        }
        MemorySegment[] segments = req.segments();
        int count = req.iovCount();
        if (count == 1) {
            return single(fd, segments[0], req.offset(), write);
        }
        return vectored(fd, segments, count, req.nativeIov(), req.offset(), length, write);
    }

    /** All of {@code buffer} from or to {@code offset}. Also used to write zeroes from a shared buffer. */
    static int single(int fd, MemorySegment buffer, long offset, boolean write) {
        long size = buffer.byteSize();
        long done = 0;
        int eagain = 0;
        MemorySegment rest = buffer;
        while (done < size) {
            long r = write
                    ? LibC.pwrite(fd, rest, size - done, offset + done)
                    : LibC.pread(fd, rest, size - done, offset + done);
            if (r > 0) {
                done += r;
                if (done < size) {
                    rest = buffer.asSlice(done); // short transfer: continue after what was done
                }
            } else if (r == 0) {
                if (write) {
                    return -Errno.ENOSPC; // no progress and no errno: the device is full
                }
                rest.fill((byte) 0); // end of file: the rest reads as zeroes
                return (int) size;
            } else if (r == -Errno.EINTR || (r == -Errno.EAGAIN && ++eagain <= MAX_EAGAIN_RETRIES)) {
                continue;
            } else {
                return (int) r;
            }
        }
        return (int) size;
    }

    /** All {@code count} segments from or to {@code offset}, through the native iovec array {@code iov}. */
    static int vectored(int fd, MemorySegment[] segments, int count, MemorySegment iov,
                        long offset, long length, boolean write) {
        fillIovec(segments, count, iov);
        long done = 0;
        int first = 0;
        int eagain = 0;
        MemorySegment rest = iov;
        while (true) {
            long r = write
                    ? LibC.pwritev(fd, rest, count - first, offset + done)
                    : LibC.preadv(fd, rest, count - first, offset + done);
            if (r > 0) {
                done += r;
                if (done >= length) {
                    return (int) length;
                }
                // Short transfer: drop the entries done, trim the one cut in half, go on from there.
                first = advance(iov, first, r);
                rest = iov.asSlice(first * LibC.IOVEC_SIZE);
            } else if (r == 0) {
                if (write) {
                    return -Errno.ENOSPC;
                }
                zeroFill(segments, count, done);
                return (int) length;
            } else if (r == -Errno.EINTR || (r == -Errno.EAGAIN && ++eagain <= MAX_EAGAIN_RETRIES)) {
                continue;
            } else {
                return (int) r;
            }
        }
    }

    /** Writes the native {@code struct iovec} entries for the first {@code count} segments into {@code iov}. */
    static void fillIovec(MemorySegment[] segments, int count, MemorySegment iov) {
        for (int i = 0; i < count; i++) {
            long entry = i * LibC.IOVEC_SIZE;
            iov.set(JAVA_LONG, entry + LibC.IOVEC_BASE, segments[i].address());
            iov.set(JAVA_LONG, entry + LibC.IOVEC_LEN, segments[i].byteSize());
        }
    }

    /**
     * Consumes {@code bytes} from the native iovec array, starting at entry {@code first}: whole entries
     * are skipped, and an entry consumed in part gets its base advanced and its length reduced in
     * place. Returns the index of the first entry with bytes left (zero-length entries may precede data).
     */
    static int advance(MemorySegment iov, int first, long bytes) {
        int index = first;
        long left = bytes;
        while (left > 0) {
            long entry = index * LibC.IOVEC_SIZE;
            long len = iov.get(JAVA_LONG, entry + LibC.IOVEC_LEN);
            if (left >= len) {
                left -= len;
                index++;
            } else {
                long base = iov.get(JAVA_LONG, entry + LibC.IOVEC_BASE);
                iov.set(JAVA_LONG, entry + LibC.IOVEC_BASE, base + left);
                iov.set(JAVA_LONG, entry + LibC.IOVEC_LEN, len - left);
                left = 0;
            }
        }
        return index;
    }

    /** Fills the segments with zeroes from byte {@code from} of the whole iovec to its end. */
    static void zeroFill(MemorySegment[] segments, int count, long from) {
        long skip = from;
        for (int i = 0; i < count; i++) {
            MemorySegment segment = segments[i];
            long size = segment.byteSize();
            if (skip >= size) {
                skip -= size;
            } else {
                segment.asSlice(skip).fill((byte) 0);
                skip = 0;
            }
        }
    }
}
