package org.aioemu.blockdev.lz4;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;

/**
 * One caller's request over the clusters it touches: its buffers seen as one run of bytes, how many clusters are
 * still to finish, and the first failure. It completes once, when the last cluster is done, with the request's byte
 * count (0 for requests that move none) or the first failure's errno and detail.
 *
 * <p>Threading: the driver's loop only.
 */
final class Lz4Request {
    private final MemorySegment[] iov;
    private final int count;
    final long offset;
    final long length;
    private final int successResult;
    private final BlockCompletion completion;
    private int pending = 1; // the splitter's own hold, dropped when the split is done
    private int error;
    private String detail;
    /** FUA: a commit runs after the last cluster, before the completion. */
    final boolean fua;

    Lz4Request(long offset, MemorySegment[] iov, int count, long length, int successResult, boolean fua,
            BlockCompletion completion) {
        this.offset = offset;
        this.iov = iov == null ? null : java.util.Arrays.copyOf(iov, count); // the caller's array is not kept
        this.count = count;
        this.length = length;
        this.successResult = successResult;
        this.fua = fua;
        this.completion = completion;
    }

    static long lengthOf(MemorySegment[] iov, int count) {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += iov[i].byteSize();
        }
        return n;
    }

    void hold() {
        pending++;
    }

    /** A cluster finished with {@code result} (negative errno on failure). True when this was the last. */
    boolean release(int result, String why) {
        if (result < 0 && error == 0) {
            error = result;
            detail = why;
        }
        return --pending == 0;
    }

    boolean failed() {
        return error < 0;
    }

    void complete() {
        if (error < 0) {
            completion.complete(error, detail);
        } else {
            completion.complete(successResult, null);
        }
    }

    void completeWith(int result, String why) {
        if (error == 0 && result < 0) {
            error = result;
            detail = why;
        }
        complete();
    }

    /** Copies {@code n} bytes from {@code src} at {@code srcOffset} to the request's bytes at {@code at}. */
    void copyOut(MemorySegment src, long srcOffset, long at, long n) {
        forEachPiece(at, n, (seg, segOff, done, len) -> MemorySegment.copy(src, srcOffset + done, seg, segOff, len));
    }

    /** Copies {@code n} of the request's bytes at {@code at} into {@code dst} at {@code dstOffset}. */
    void copyIn(long at, MemorySegment dst, long dstOffset, long n) {
        forEachPiece(at, n, (seg, segOff, done, len) -> MemorySegment.copy(seg, segOff, dst, dstOffset + done, len));
    }

    /** Zeroes {@code n} of the request's bytes at {@code at}. */
    void fillZero(long at, long n) {
        forEachPiece(at, n, (seg, segOff, done, len) -> seg.asSlice(segOff, len).fill((byte) 0));
    }

    /** The request's bytes {@code [at, at + n)} as one segment, if one buffer holds them all; else null. */
    MemorySegment contiguous(long at, long n) {
        long skip = at;
        for (int i = 0; i < count; i++) {
            long size = iov[i].byteSize();
            if (skip < size) {
                return skip + n <= size ? iov[i].asSlice(skip, n) : null;
            }
            skip -= size;
        }
        return null;
    }

    private interface Piece {
        void copy(MemorySegment seg, long segOffset, long done, long length);
    }

    private void forEachPiece(long at, long n, Piece p) {
        long skip = at;
        long done = 0;
        for (int i = 0; i < count && done < n; i++) {
            long size = iov[i].byteSize();
            if (skip >= size) {
                skip -= size;
                continue;
            }
            long len = Math.min(size - skip, n - done);
            p.copy(iov[i], skip, done, len);
            done += len;
            skip = 0;
        }
    }
}
