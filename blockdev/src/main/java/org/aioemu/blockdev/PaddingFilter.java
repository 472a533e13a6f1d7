package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * Makes an image that needs aligned requests (O_DIRECT) take any request, as QEMU's block layer pads requests to
 * the request alignment: a misaligned read goes through an aligned bounce buffer; a misaligned write reads the
 * partly covered first and last blocks, lays the data over them in a bounce buffer and writes whole blocks
 * (read-modify-write); a buffer at a misaligned address is copied. Aligned requests pass straight through.
 *
 * <p>Ordering: a read-modify-write is <em>serialising</em>. It starts only when no modifying request overlapping its
 * blocks is in flight, and modifying requests overlapping a serialising one wait behind it, in arrival order — so
 * two misaligned writes into one block cannot both read the old block and lose one another's bytes, and an aligned
 * write is never overwritten by a stale copy of its block (QEMU's serialising tracked requests). Reads are not
 * ordered: a read racing a write may see either, as on any disk.
 *
 * <p>Threading: loop only, as every {@link BlockDriver}. The aligned path allocates nothing (tracking nodes are
 * pooled); the padded path allocates its closures and slices, and takes bounce buffers from a {@link BouncePool}.
 */
final class PaddingFilter extends FilterDriver {
    private final long align;
    private final BouncePool bounces;
    /** Modifying requests in flight, in an intrusive list; waiting ones in {@link #waiting}, oldest first. */
    private Tracked inFlightHead;
    private final ArrayDeque<Tracked> waiting = new ArrayDeque<>();
    private final ArrayDeque<Tracked> freeNodes = new ArrayDeque<>();
    /** {@link #startWaiting}'s pass over the waiting requests. */
    private final java.util.ArrayList<Tracked> scratch = new java.util.ArrayList<>();
    /** Completions this filter owes itself (refusals, cancels), counted in flight until they run. */
    private final LoopDeferred deferred;
    /** Serialising requests in flight or waiting: while zero, nothing needs an overlap scan. */
    private int serialising;

    PaddingFilter(AioContext ctx, BlockDriver child) {
        super(child);
        this.align = child.requestAlignment();
        this.bounces = new BouncePool(align);
        this.deferred = new LoopDeferred(ctx);
    }

    @Override
    public int inFlight() {
        return child.inFlight() + waiting.size() + deferred.pending();
    }

    // --- reads ------------------------------------------------------------------------------------------

    private boolean aligned(long offset, long length) {
        return offset % align == 0 && length % align == 0;
    }

    private boolean aligned(MemorySegment s) {
        return s.address() % align == 0 && s.byteSize() % align == 0;
    }

    private boolean aligned(MemorySegment[] iov, int count) {
        for (int i = 0; i < count; i++) {
            if (!aligned(iov[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        if (offset % align == 0 && aligned(buffer)) {
            child.read(offset, buffer, completion);
        } else {
            paddedRead(offset, new MemorySegment[]{buffer}, 1, completion);
        }
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        if (offset % align == 0 && aligned(iov, count)) {
            child.readv(offset, iov, count, completion);
        } else {
            paddedRead(offset, iov.clone(), count, completion);
        }
    }

    /** Reads the whole blocks around the range into a bounce buffer, then copies the range out to the buffers. */
    private void paddedRead(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        long length = RequestArguments.total(iov, count);
        long start = alignDown(offset);
        long end = alignUp(offset + length);
        MemorySegment bounce = bounces.take(end - start);
        child.read(start, bounce.asSlice(0, end - start), (result, detail) -> {
            if (result >= 0) {
                long got = Math.max(0, Math.min(length, result - (offset - start))); // short only at the image's end
                scatter(bounce, offset - start, iov, count, got);
                result = (int) got;
            }
            bounces.give(bounce);
            completion.complete(result, detail);
        });
    }

    // --- modifications ------------------------------------------------------------------------------------

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        boolean fast = offset % align == 0 && aligned(buffer);
        Tracked t = track(Tracked.WRITE, offset, buffer.byteSize(), flags, completion, !fast && !aligned(offset, buffer.byteSize()));
        t.buffer = buffer;
        t.padded = !fast;
        submitOrWait(t);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        long length = RequestArguments.total(iov, count);
        boolean fast = offset % align == 0 && aligned(iov, count);
        Tracked t = track(Tracked.WRITE, offset, length, flags, completion, !fast && !aligned(offset, length));
        t.padded = !fast;
        t.count = count;
        boolean straight = fast && !t.waits;
        // A straight request is handed over before the caller has its array back; one kept past the call needs a copy.
        t.iov = straight ? iov : java.util.Arrays.copyOf(iov, count);
        submitOrWait(t);
        if (straight) {
            t.iov = null;
        }
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        submitOrWait(track(Tracked.DISCARD, offset, length, flags, completion, false));
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        submitOrWait(track(Tracked.ZEROES, offset, length, flags, completion, false));
    }

    @Override
    public boolean cancel(BlockCompletion completion) {
        for (Tracked t : waiting) {
            if (t.user == completion) {
                waiting.remove(t);
                if (t.serialising) {
                    serialising--;
                }
                recycle(t);
                deferred.later(() -> completion.complete(-Errno.ECANCELED, "cancelled while waiting for an overlapping request"));
                return true;
            }
        }
        for (Tracked t = inFlightHead; t != null; t = t.next) {
            if (t.user == completion) {
                return child.cancel(t);
            }
        }
        return child.cancel(completion);
    }

    /** A tracking node for a modifying request, and whether it must wait for an overlapping one. */
    private Tracked track(int kind, long offset, long length, int flags, BlockCompletion user, boolean serialises) {
        Tracked t = freeNodes.pollFirst();
        if (t == null) {
            t = new Tracked();
        }
        t.kind = kind;
        t.offset = offset;
        t.length = length;
        t.flags = flags;
        t.user = user;
        t.start = alignDown(offset);
        t.end = alignUp(offset + length);
        t.serialising = serialises;
        if (serialises) {
            serialising++;
        }
        t.waits = serialising > 0 && conflicts(t);
        return t;
    }

    /**
     * Whether {@code t} must wait: an overlapping request in flight or already waiting, where either is serialising
     * (between two plain requests the order is the caller's business). Scans only while a serialising request exists.
     */
    private boolean conflicts(Tracked t) {
        return overlapsSerialising(t, inFlightHead) || overlapsWaiting(t);
    }

    private void submitOrWait(Tracked t) {
        if (t.waits) {
            waiting.addLast(t);
        } else {
            begin(t);
        }
    }

    /** Links {@code t} in flight and hands it to the child, padded or straight. */
    private void begin(Tracked t) {
        t.waits = false;
        t.prev = null;
        t.next = inFlightHead;
        if (inFlightHead != null) {
            inFlightHead.prev = t;
        }
        inFlightHead = t;
        switch (t.kind) {
            case Tracked.WRITE -> {
                if (t.padded) {
                    paddedWrite(t);
                } else if (t.iov != null) {
                    child.writev(t.offset, t.iov, t.count, t.flags, t);
                } else {
                    child.write(t.offset, t.buffer, t.flags, t);
                }
            }
            case Tracked.DISCARD -> child.discard(t.offset, t.length, t.flags, t);
            default -> child.writeZeroes(t.offset, t.length, t.flags, t);
        }
    }

    /**
     * Read-modify-write: reads the partly covered first and last blocks into a bounce buffer (both at once), lays the
     * data over them and writes the whole blocks. Refused with EINVAL where the blocks would run past the image's end
     * (an O_DIRECT image whose size is not a multiple of the alignment): writing them would grow the image.
     */
    private void paddedWrite(Tracked t) {
        long size = child.size();
        if (t.end > size) {
            String why = "a write at offset " + t.offset + " length " + t.length + " would need the whole " + align
                    + "-byte block past the image's end (" + size + " bytes, not a multiple of the O_DIRECT alignment)";
            completeLater(t, -Errno.EINVAL, why);
            return;
        }
        long span = t.end - t.start;
        MemorySegment pooled = bounces.take(span); // given back whole: the pool keeps only buffers of its sizes
        MemorySegment bounce = pooled.asSlice(0, span);
        boolean head = t.offset != t.start;
        boolean tail = t.offset + t.length != t.end;
        long lastBlock = t.end - align;
        int[] pending = {(head ? 1 : 0) + (tail && (!head || lastBlock != t.start) ? 1 : 0)};
        int[] firstError = {0};
        String[] errorDetail = {null};
        Runnable writeBack = () -> {
            if (firstError[0] < 0) {
                bounces.give(pooled);
                t.complete(firstError[0], errorDetail[0]);
                return;
            }
            gather(t, bounce, t.offset - t.start);
            child.write(t.start, bounce, t.flags, (result, detail) -> {
                bounces.give(pooled);
                t.complete(result < 0 ? result : (int) t.length, detail);
            });
        };
        if (pending[0] == 0) {
            writeBack.run();
            return;
        }
        BlockCompletion blockRead = (result, detail) -> {
            if (result < 0 && firstError[0] == 0) {
                firstError[0] = result;
                errorDetail[0] = detail;
            }
            if (--pending[0] == 0) {
                writeBack.run();
            }
        };
        if (head) {
            child.read(t.start, bounce.asSlice(0, align), blockRead);
        }
        if (tail && (!head || lastBlock != t.start)) {
            child.read(lastBlock, bounce.asSlice(lastBlock - t.start, align), blockRead);
        }
    }

    /** Loop: {@code t} completed; unlink it, tell its caller, then start the waiting requests it was holding back. */
    private void finished(Tracked t, int result, String detail) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            inFlightHead = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        if (t.serialising) {
            serialising--;
        }
        BlockCompletion user = t.user;
        recycle(t);
        user.complete(result, detail);
        if (!waiting.isEmpty()) {
            startWaiting();
        }
    }

    /** Completes {@code t} on a later loop task (never inside the call), counted in flight until then. */
    private void completeLater(Tracked t, int result, String detail) {
        deferred.later(() -> t.complete(result, detail));
    }

    /**
     * Starts, oldest first, each waiting request that conflicts neither with one in flight (those started in this
     * pass included) nor with an older one still waiting; a younger waiting request never holds back an older one.
     */
    private void startWaiting() {
        scratch.addAll(waiting);
        waiting.clear(); // refilled, oldest first, with the ones that must go on waiting
        for (Tracked t : scratch) {
            if (overlapsSerialising(t, inFlightHead) || overlapsWaiting(t)) {
                waiting.addLast(t);
            } else {
                begin(t);
            }
        }
        scratch.clear();
    }

    /** Whether {@code t} and one of the in-flight list from {@code x} overlap where either is serialising. */
    private static boolean overlapsSerialising(Tracked t, Tracked x) {
        for (; x != null; x = x.next) {
            if (x != t && (x.serialising || t.serialising) && x.start < t.end && t.start < x.end) {
                return true;
            }
        }
        return false;
    }

    private boolean overlapsWaiting(Tracked t) {
        for (Tracked x : waiting) {
            if (x != t && (x.serialising || t.serialising) && x.start < t.end && t.start < x.end) {
                return true;
            }
        }
        return false;
    }

    private void recycle(Tracked t) {
        t.user = null;
        t.buffer = null;
        t.iov = null;
        t.next = t.prev = null;
        freeNodes.addFirst(t);
    }

    // --- bytes ----------------------------------------------------------------------------------------------

    private long alignDown(long x) {
        return x - x % align;
    }

    private long alignUp(long x) {
        long r = x % align;
        return r == 0 ? x : x + align - r;
    }


    /** Copies {@code n} bytes from {@code bounce} at {@code at} into the buffers in turn. */
    private static void scatter(MemorySegment bounce, long at, MemorySegment[] iov, int count, long n) {
        for (int i = 0; i < count && n > 0; i++) {
            long part = Math.min(n, iov[i].byteSize());
            MemorySegment.copy(bounce, at, iov[i], 0, part);
            at += part;
            n -= part;
        }
    }

    /** Copies the write's data (its buffer or buffers) into {@code bounce} at {@code at}. */
    private static void gather(Tracked t, MemorySegment bounce, long at) {
        if (t.iov == null) {
            MemorySegment.copy(t.buffer, 0, bounce, at, t.buffer.byteSize());
            return;
        }
        for (int i = 0; i < t.count; i++) {
            MemorySegment.copy(t.iov[i], 0, bounce, at, t.iov[i].byteSize());
            at += t.iov[i].byteSize();
        }
    }

    /** A modifying request while it is tracked: its range in whole blocks, and the completion the child calls. */
    private final class Tracked implements BlockCompletion {
        static final int WRITE = 0;
        static final int DISCARD = 1;
        static final int ZEROES = 2;

        int kind;
        long offset;
        long length;
        int flags;
        BlockCompletion user;
        MemorySegment buffer;
        MemorySegment[] iov;
        int count;
        /** The range in whole blocks, for the overlap checks. */
        long start;
        long end;
        boolean serialising;
        boolean padded;
        boolean waits;
        Tracked prev;
        Tracked next;

        @Override
        public void complete(int result, String detail) {
            finished(this, result, detail);
        }
    }
}
