package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * One request of the storm and the buffer it owns, reused for request after request by one submitter. It is its
 * own loop task (the callback form starts on the loop without an allocation) and its own completion, so a second
 * completion of one request shows as a failed CAS rather than being absorbed. Between requests its buffer holds a
 * poison pattern, checked when the slot is taken again: an engine that wrote into a buffer after completing the
 * request shows there.
 *
 * <p>Threading: the submitter thread owns a free slot; {@link #inFlight} hands it to the loop (the submitter's CAS
 * 0→1 before the hand-off, the completion's 1→0 after its last use of the slot's fields); the free queue hands it
 * back. Both are volatile accesses, so each side sees the other's writes to the plain fields.
 */
final class StormSlot implements Runnable, BlockCompletion {
    enum Op { READ, WRITE, ZEROES, FLUSH, OUT_OF_RANGE, FUTURE_WRITE }

    /** The stamp whose pattern marks a free buffer. */
    static final long POISON = 0x5EED_DEAD_BEEFL;

    final MemorySegment buffer;
    private final BlockingQueue<StormSlot> home;
    private final StormLedger ledger;
    private final AtomicInteger inFlight = new AtomicInteger();

    // --- set by the submitter before the hand-off, read by the completion -----------------------------------------
    Op op;
    int image;
    int block;
    long stamp;
    StormShadow shadow;
    /** The callback form's backend source, read on the loop when the task runs. */
    StormBackends backends;

    StormSlot(MemorySegment buffer, BlockingQueue<StormSlot> home, StormLedger ledger) {
        this.buffer = buffer;
        this.home = home;
        this.ledger = ledger;
        StormShadow.fill(buffer, POISON);
    }

    /** Submitter: takes the slot for a request; fails if its buffer was written while it was free. */
    void take() {
        if (!inFlight.compareAndSet(0, 1)) {
            ledger.fail("slot taken while its request is in flight: " + this);
        }
        int at = StormShadow.mismatch(buffer, POISON);
        if (at >= 0) {
            ledger.fail("a free buffer was written after its request completed (long " + at + "), last " + this);
        }
    }

    /** Any thread: a request is out with this slot. */
    boolean inFlight() {
        return inFlight.get() != 0;
    }

    /** Submitter: the request never left (the context refused the task); the slot is free again. */
    void refused() {
        inFlight.set(0);
        if (block >= 0) {
            shadow.unlock(block);
        }
        StormShadow.fill(buffer, POISON); // a write's pattern may be in it
        home.add(this);
    }

    /** Loop: the callback form's start. The backend may be closed meanwhile: that completes with EBADF. */
    @Override
    public void run() {
        BlockBackend b = backends.current(image);
        long offset = (long) block * StormShadow.BLOCK;
        switch (op) {
            case READ -> b.read(offset, buffer, this);
            case WRITE -> b.write(offset, buffer, this);
            case ZEROES -> b.writeZeroes(offset, StormShadow.BLOCK, this);
            case FLUSH -> b.flush(this);
            case OUT_OF_RANGE -> b.read(b.size() - StormShadow.BLOCK / 2, buffer, this);
            default -> throw new IllegalStateException(op.toString());
        }
    }

    /** Loop: the callback form's completion. */
    @Override
    public void complete(int result, String detail) {
        if (!inFlight.compareAndSet(1, 0)) {
            ledger.fail("request completed twice or never started: " + this + " result " + result + " " + detail);
            return;
        }
        check(result, detail);
        release();
    }

    /** Any thread: the future form's completion (a write that may have been cancelled). */
    void futureDone(Integer result, Throwable failure) {
        if (!inFlight.compareAndSet(1, 0)) {
            ledger.fail("future completed twice: " + this);
            return;
        }
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t == null) {
            check(result, null);
        } else if (t instanceof ErrnoException e && e.errno() == Errno.EIO && image == BlockStormTest.FAULTY_IMAGE) {
            injectedError();
        } else if (t instanceof CancellationException) {
            ledger.cancelled.increment(); // nothing was written: the shadow keeps its stamp
        } else if (t instanceof ErrnoException e && e.errno() == Errno.EBADF) {
            ledger.refusedClosed.increment();
        } else if (t instanceof IllegalStateException && ledger.contextClosing) {
            ledger.refusedClosed.increment(); // the context closed before the request reached its loop
        } else {
            ledger.fail("future write failed: " + this + ": " + t);
        }
        release();
    }

    private void check(int result, String detail) {
        ledger.completed.increment();
        if (result == -Errno.EBADF) {
            ledger.refusedClosed.increment(); // the backend was closed (or closing) when the request reached it
            return;
        }
        if (result == -Errno.EIO && image == BlockStormTest.FAULTY_IMAGE && op != Op.FLUSH && op != Op.OUT_OF_RANGE) {
            injectedError();
            return;
        }
        switch (op) {
            case READ -> {
                expect(result == StormShadow.BLOCK, result, detail);
                if (shadow.stamp(block) == StormShadow.UNKNOWN) {
                    return; // torn by a failed write: any content will do until the block is written again
                }
                int at = StormShadow.mismatch(buffer, shadow.stamp(block));
                if (at >= 0) {
                    ledger.fail("read returned wrong data at long " + at + ": " + this + " expected stamp "
                            + shadow.stamp(block));
                }
                ledger.verifiedReads.increment();
            }
            case WRITE, FUTURE_WRITE -> {
                expect(result == StormShadow.BLOCK, result, detail);
                shadow.landed(block, stamp);
            }
            case ZEROES -> {
                expect(result >= 0, result, detail);
                shadow.landed(block, 0);
            }
            case FLUSH -> expect(result == 0, result, detail);
            case OUT_OF_RANGE -> expect(result == -Errno.EINVAL, result, detail);
        }
    }

    /**
     * The failing disk's EIO. A failed write may have landed in part (a short transfer the backend continued, whose
     * continuation failed), so its block holds no known version until the next write that succeeds.
     */
    private void injectedError() {
        ledger.injectedErrors.increment();
        if (op != Op.READ) {
            shadow.landed(block, StormShadow.UNKNOWN);
        }
    }

    private void expect(boolean ok, int result, String detail) {
        if (!ok) {
            ledger.fail("unexpected result " + result + " (" + detail + ") for " + this);
        }
    }

    private void release() {
        if (block >= 0) {
            shadow.unlock(block);
        }
        StormShadow.fill(buffer, POISON);
        home.add(this);
    }

    @Override
    public String toString() {
        return op + " image " + image + " block " + block + " stamp " + stamp;
    }
}
