package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.aioemu.engine.Errno;

/**
 * The future of one {@link BlockBackend} request, and the request's completion. {@link #cancel} keeps the
 * {@code Future} contract honestly: it returns true only if the request was stopped before it touched the image,
 * and in every case returns once the request has completed, so the buffer is the caller's again (QEMU's
 * {@code bdrv_aio_cancel} waits the same way). A cancel that comes too late returns false and the future
 * completes with the request's real result.
 *
 * <p>Threading: completed on the loop; {@link #cancel} from any thread (on the loop it waits in a nested loop).
 * {@code cancelRequested} is volatile: set by the cancelling thread, read on the loop before the request is handed
 * to the image. Stages made from this future are plain {@link CompletableFuture}s.
 */
final class BlockRequestFuture extends CompletableFuture<Integer> implements BlockCompletion {
    /** What the request does, and its name in messages. */
    enum Op {
        READ("read"), WRITE("write"), FLUSH("flush"), DISCARD("discard"), WRITE_ZEROES("write-zeroes"), RESIZE("resize");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    private final BlockBackend backend;
    final Op kind;
    private final String op;
    final long offset;
    final long length;
    /** READ and WRITE: the caller's buffer, or null for a vectored request; else null. */
    final MemorySegment buffer;
    /** A vectored READ or WRITE: the caller's buffers, copied from the caller's array; else null. */
    final MemorySegment[] iov;
    /** {@link RequestFlags} of a WRITE, DISCARD or WRITE_ZEROES. */
    final int flags;
    /** The next request of a {@link SubmissionHop} burst; written before the push that publishes it. */
    BlockRequestFuture next;
    private volatile boolean cancelRequested;
    /** Loop only: handed to the image (else a cancel completes it without I/O). */
    private boolean submitted;

    BlockRequestFuture(BlockBackend backend, Op kind, long offset, long length, MemorySegment buffer) {
        this(backend, kind, offset, length, buffer, null, 0);
    }

    BlockRequestFuture(BlockBackend backend, Op kind, long offset, long length, MemorySegment buffer, MemorySegment[] iov,
                       int flags) {
        this.backend = backend;
        this.kind = kind;
        this.op = kind.label;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.iov = iov;
        this.flags = flags;
    }

    /** Loop: the request is about to go to the image; false if it was cancelled first (it is then complete). */
    boolean startSubmitting() {
        if (cancelRequested) {
            cancelled();
            return false;
        }
        submitted = true;
        return true;
    }

    /** Loop: hands the request to {@code b}'s loop form, which completes this future (or throws at once). */
    void startOn(BlockBackend b) {
        switch (kind) {
            case READ -> {
                if (iov == null) {
                    b.read(offset, buffer, this);
                } else {
                    b.readv(offset, iov, iov.length, this);
                }
            }
            case WRITE -> {
                if (iov == null) {
                    b.write(offset, buffer, flags, this);
                } else {
                    b.writev(offset, iov, iov.length, flags, this);
                }
            }
            case FLUSH -> b.flush(this);
            case DISCARD -> b.discard(offset, length, flags, this);
            case WRITE_ZEROES -> b.writeZeroes(offset, length, flags, this);
            case RESIZE -> b.resize(offset, this);
        }
    }

    boolean submitted() {
        return submitted;
    }

    /** Loop: the request's outcome. */
    @Override
    public void complete(int result, String detail) {
        if (result >= 0) {
            super.complete(result);
        } else if (result == -Errno.ECANCELED && cancelRequested) {
            cancelled();
        } else {
            completeExceptionally(new BlockIOException(result, op, offset, length, backend.image(), detail));
        }
    }

    private void cancelled() {
        completeExceptionally(new CancellationException(op + " of " + length + " bytes at offset " + offset + " on "
                + backend.image() + " was cancelled before it ran"));
    }

    /**
     * Stops the request if it has not run yet, and waits until it has completed either way. Returns true only if it
     * was stopped: then nothing was read or written, and the future is cancelled. {@code mayInterruptIfRunning} has
     * no effect: a request the kernel is running runs to its end.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        cancelRequested = true;
        backend.cancel(this);
        return isCancelled();
    }
}
