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

    /** Whether a waiter has a core to spin on beside the loop's: spinning on the only core delays the completion. */
    private static final boolean SPARE_CORE = Runtime.getRuntime().availableProcessors() > 1;
    /** A bound on the spin however dear wake-ups were measured (a figure taken with every core busy can be huge). */
    private static final long MAX_SPIN_NANOS = 1_000_000;

    /** Waits as {@link CompletableFuture#join}, spinning briefly first (see {@link #spinBriefly}). */
    @Override
    public Integer join() {
        spinBriefly();
        return super.join();
    }

    /** Waits as {@link CompletableFuture#get()}, spinning briefly first (see {@link #spinBriefly}). */
    @Override
    public Integer get() throws InterruptedException, java.util.concurrent.ExecutionException {
        spinBriefly();
        return super.get();
    }

    /**
     * Spin-then-block for the waiting application thread: a thread that parks must be woken by the loop (a futex
     * wake on the loop's critical path, and a scheduling delay before it runs again), so it first spins for up to
     * twice what a wake-up costs on this host, as the context's pool measured it — the competitive bound, beyond
     * which spinning costs more than the wake-up it could save. Not on the loop (it would wait for itself), not
     * before a wake-up was measured, and not on a single core.
     */
    private void spinBriefly() {
        if (isDone() || !SPARE_CORE) {
            return;
        }
        org.aioemu.engine.AioContext ctx = backend.context();
        if (ctx.inLoop() || ctx.isClosed()) {
            return;
        }
        long budget = Math.min(MAX_SPIN_NANOS, 2 * ctx.wakeupNanos());
        if (budget <= 0) {
            return;
        }
        long end = System.nanoTime() + budget;
        while (!isDone() && System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
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
