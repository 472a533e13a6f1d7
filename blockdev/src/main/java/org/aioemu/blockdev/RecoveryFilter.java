package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * The top of every {@link BlockBackend}'s driver stack: it normalises what the image answers, as QEMU's io_uring
 * driver and {@code raw_co_prw} do, so a caller never has to.
 * <ul>
 *   <li>EAGAIN and EINTR are transient: the request is resubmitted, up to {@link #MAX_RETRIES} times in a row without
 *       progress, then the error stands;</li>
 *   <li>a short read or write is continued from where it stopped until the whole length is done; a read that comes
 *       back with 0 bytes is at the end of the file and completes short (what it read); a write that makes no progress
 *       fails with ENOSPC;</li>
 *   <li>a failed flush poisons the image: after fdatasync fails, the kernel may have dropped the dirty pages, and a
 *       later flush that succeeds would claim data durable that is lost (PostgreSQL's "fsyncgate", QEMU's lesson). So
 *       every later flush fails with the first failure's errno until the image is opened again.</li>
 * </ul>
 *
 * <p>Threading: loop only, as {@link BlockDriver}. Each request takes a pooled {@link RecoveryRequest} (made only when
 * more requests are in flight than ever before), so the steady state allocates nothing; only a continuation of a
 * short vectored transfer allocates its iovec rest.
 */
final class RecoveryFilter extends FilterDriver {
    /** Resubmissions of one request without progress before EAGAIN or EINTR is its answer. */
    static final int MAX_RETRIES = 16;

    private final LoopDeferred deferred;
    /** Loop only: free records (a stack), and all records made (for {@link #cancel}'s search). */
    private RecoveryRequest free;
    private final List<RecoveryRequest> all = new ArrayList<>();
    /** Loop only: the errno (positive) and detail of the first failed flush; 0 while none failed. */
    private int flushErrno;
    private String flushDetail;

    RecoveryFilter(AioContext ctx, BlockDriver child) {
        super(child);
        this.deferred = new LoopDeferred(ctx);
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.READ, offset, c);
        q.buffer = buffer;
        q.length = buffer.byteSize();
        child.read(offset, buffer, q);
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.READV, offset, c);
        q.copyIov(iov, count);
        child.readv(offset, q.iov, count, q);
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.WRITE, offset, c);
        q.buffer = buffer;
        q.length = buffer.byteSize();
        q.flags = flags;
        child.write(offset, buffer, flags, q);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.WRITEV, offset, c);
        q.copyIov(iov, count);
        q.flags = flags;
        child.writev(offset, q.iov, count, flags, q);
    }

    /** Fails at once (later, on the loop) once a flush has failed: see the class comment. */
    @Override
    public void flush(BlockCompletion c) {
        if (flushErrno != 0) {
            int errno = flushErrno;
            String why = "an earlier flush of this image failed (" + Errno.name(errno) + (flushDetail != null ? ": "
                    + flushDetail : "") + "), so writes since may be lost; no later flush succeeds until it is reopened";
            deferred.later(() -> c.complete(-errno, why));
            return;
        }
        child.flush(take(RecoveryRequest.FLUSH, 0, c));
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.DISCARD, offset, c);
        q.length = length;
        q.flags = flags;
        child.discard(offset, length, flags, q);
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion c) {
        RecoveryRequest q = take(RecoveryRequest.WRITE_ZEROES, offset, c);
        q.length = length;
        q.flags = flags;
        child.writeZeroes(offset, length, flags, q);
    }

    /** Sends the rest of {@code q} (all of it, after a retry without progress) to the child again. */
    private void resubmit(RecoveryRequest q) {
        if (q.done == 0) {
            q.startOn(child, q);
            return;
        }
        long at = q.offset + q.done;
        switch (q.kind) {
            case RecoveryRequest.READ -> child.read(at, q.buffer.asSlice(q.done), q);
            case RecoveryRequest.READV -> {
                MemorySegment[] rest = q.restIov();
                child.readv(at, rest, rest.length, q);
            }
            case RecoveryRequest.WRITE -> child.write(at, q.buffer.asSlice(q.done), q.flags, q);
            case RecoveryRequest.WRITEV -> {
                MemorySegment[] rest = q.restIov();
                child.writev(at, rest, rest.length, q.flags, q);
            }
            default -> throw new IllegalStateException("only transfers are continued: kind " + q.kind);
        }
    }

    /** The child's answer for {@code q}: retry, continue, or hand the outcome to the caller. */
    void childDone(RecoveryRequest q, int result, String detail) {
        if (result == -Errno.ECANCELED && q.done > 0) {
            resubmit(q); // a continuation was cancelled, but the request has touched the image: it must finish
            return;
        }
        if ((result == -Errno.EAGAIN || result == -Errno.EINTR) && q.cancelled && q.done == 0) {
            finish(q, -Errno.ECANCELED, "cancelled while it was being retried");
            return;
        }
        if (result == -Errno.EAGAIN || result == -Errno.EINTR) {
            if (q.retries < MAX_RETRIES) {
                q.retries++;
                resubmit(q);
                return;
            }
            finish(q, result, (detail != null ? detail + "; " : "") + "still " + Errno.name(result) + " after "
                    + MAX_RETRIES + " retries");
            return;
        }
        if (result >= 0 && q.transfers()) {
            q.done += result;
            if (q.done < q.length) { // cancelled or not: part of it is in the image, and the caller gets all or an error
                if (result > 0) {
                    q.retries = 0; // progress: the retry budget is for requests that make none
                    resubmit(q);
                    return;
                }
                if (q.writes()) {
                    finish(q, -Errno.ENOSPC, "the write stopped after " + q.done + " of " + q.length + " bytes");
                    return;
                }
                // a read that returns nothing is at the end of the file: it completes with what it read
            }
            finish(q, (int) q.done, null);
            return;
        }
        if (result < 0 && q.kind == RecoveryRequest.FLUSH && result != -Errno.ECANCELED && flushErrno == 0) {
            flushErrno = -result;
            flushDetail = detail;
        }
        finish(q, result, detail);
    }

    private void finish(RecoveryRequest q, int result, String detail) {
        BlockCompletion c = q.completion;
        q.clear();
        q.next = free;
        free = q;
        c.complete(result, detail);
    }

    private RecoveryRequest take(int kind, long offset, BlockCompletion c) {
        RecoveryRequest q = free;
        if (q == null) {
            q = new RecoveryRequest(this);
            all.add(q);
        } else {
            free = q.next;
            q.next = null;
        }
        q.kind = kind;
        q.offset = offset;
        q.completion = c;
        return q;
    }

    @Override
    public int inFlight() {
        return child.inFlight() + deferred.pending();
    }

    /**
     * Cancels the request that completes through {@code c} in the child, and stops retrying it, as long as none of it
     * has been transferred. A request that is part done cannot be cancelled: stopping it would leave part of a write
     * in the image, or hand back part of a read, under a result that says neither; it is continued to its end.
     */
    @Override
    public boolean cancel(BlockCompletion c) {
        for (RecoveryRequest q : all) {
            if (q.completion == c) {
                if (q.done > 0) {
                    return false;
                }
                q.cancelled = true;
                return child.cancel(q);
            }
        }
        return child.cancel(c);
    }
}
