package org.aioemu.aio;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.Errno;

/**
 * Turns a CQE's {@code res} into the next step of its request, with the same normalisation as the
 * threads engine's syscall loops ({@link Transfer}, {@link RawIo}), so both engines give one request the
 * same result: EINTR is resubmitted, EAGAIN too (a bounded number of times), a short READ or WRITE is
 * continued from where it stopped, a READ that reaches end of file fills the rest with zeroes, a WRITE
 * that makes no progress is ENOSPC, and WRITE_ZEROES falls back from ZERO_RANGE to punching a hole to
 * writing zeroes when the file system lacks the mode.
 *
 * <p>Stateless; loop thread only, like the slot table it updates. Allocation-free except at end of file
 * (a slice to zero-fill) and on the rare fallback paths.
 */
final class UringResults {
    /** {@link #onCqe}: issue the slot's next SQE (its progress has been updated). No errno is this large. */
    static final int RESUBMIT = Integer.MIN_VALUE;

    private UringResults() {
    }

    /**
     * Applies {@code res} to {@code slot}. Returns {@link #RESUBMIT}, or the request's final result (its
     * length for READ/WRITE, 0 for the others, or -errno).
     */
    static int onCqe(UringSlots slots, int slot, int res) {
        if (res == -Errno.EINTR) {
            return RESUBMIT; // every op: an interrupted syscall is simply retried, as RawIo does
        }
        return switch (slots.phase[slot]) {
            case UringSlots.RW -> readWrite(slots, slot, res);
            case UringSlots.ZERO_RANGE -> RawIo.unsupported(res) ? zeroRangeUnsupported(slots, slot) : res;
            case UringSlots.ZERO_PUNCH -> RawIo.unsupported(res) ? startZeroWrite(slots, slot) : res;
            case UringSlots.ZERO_WRITE -> zeroWrite(slots, slot, res);
            default -> res; // FSYNC, DISCARD: 0 or -errno as the kernel says
        };
    }

    /** The first step of a request that {@link RawIo#check} accepted; false if it has nothing to do (length 0). */
    static boolean start(UringSlots slots, int slot) {
        AioRequest req = slots.request[slot];
        byte phase = switch (req.op()) {
            case READ, WRITE -> UringSlots.RW;
            case FLUSH -> UringSlots.FSYNC;
            case DISCARD -> UringSlots.DISCARD;
            case WRITE_ZEROES -> UringSlots.ZERO_RANGE;
        };
        if (phase != UringSlots.FSYNC && req.length() == 0) {
            return false; // as RawIo: an empty transfer or range succeeds without a syscall
        }
        if (phase == UringSlots.RW && req.iovCount() > 1) {
            Transfer.fillIovec(req.segments(), req.iovCount(), req.nativeIov());
        }
        slots.phase[slot] = phase;
        return true;
    }

    private static int readWrite(UringSlots slots, int slot, int res) {
        AioRequest req = slots.request[slot];
        boolean write = req.op() == AioOp.WRITE;
        long length = req.length();
        if (res > 0) {
            long done = slots.done[slot] + res;
            if (done >= length) {
                return (int) length;
            }
            slots.done[slot] = done; // short transfer: continue after what was done
            if (req.iovCount() > 1) {
                slots.firstIov[slot] = Transfer.advance(req.nativeIov(), slots.firstIov[slot], res);
            }
            return RESUBMIT;
        }
        if (res == 0) {
            if (write) {
                return -Errno.ENOSPC; // no progress and no errno: the device is full
            }
            long done = slots.done[slot];
            if (req.iovCount() == 1) {
                MemorySegment buffer = req.segments()[0];
                buffer.asSlice(done).fill((byte) 0); // end of file: the rest reads as zeroes
            } else {
                Transfer.zeroFill(req.segments(), req.iovCount(), done);
            }
            return (int) length;
        }
        return retryEagain(slots, slot, res);
    }

    /** ZERO_RANGE is not supported here: punch a hole if the range lies within the file, else write zeroes. */
    private static int zeroRangeUnsupported(UringSlots slots, int slot) {
        AioRequest req = slots.request[slot];
        // fstat is a metadata read that does not wait for the disk; this path runs only on file systems
        // without ZERO_RANGE (tmpfs, some network file systems).
        long size = (req.zeroFlags() & AioRequest.ZERO_MAY_UNMAP) != 0 ? LibC.fstatSize(req.file().fd()) : -1;
        if (size >= 0 && req.offset() + req.length() <= size) {
            slots.phase[slot] = UringSlots.ZERO_PUNCH; // a punched hole reads as zeroes but cannot extend the file
            return RESUBMIT;
        }
        return startZeroWrite(slots, slot);
    }

    private static int startZeroWrite(UringSlots slots, int slot) {
        AioRequest req = slots.request[slot];
        if ((req.zeroFlags() & AioRequest.ZERO_NO_FALLBACK) != 0) {
            return RawIo.noFastZero(req);
        }
        int bad = RawIo.checkZeroWrite(req, req.file());
        if (bad != 0) {
            return bad;
        }
        slots.phase[slot] = UringSlots.ZERO_WRITE;
        slots.done[slot] = 0;
        slots.eagain[slot] = 0;
        return RESUBMIT;
    }

    private static int zeroWrite(UringSlots slots, int slot, int res) {
        if (res > 0) {
            long done = slots.done[slot] + res;
            slots.done[slot] = done;
            return done >= slots.request[slot].length() ? 0 : RESUBMIT;
        }
        if (res == 0) {
            return -Errno.ENOSPC;
        }
        return retryEagain(slots, slot, res);
    }

    private static int retryEagain(UringSlots slots, int slot, int res) {
        if (res == -Errno.EAGAIN && ++slots.eagain[slot] <= Transfer.MAX_EAGAIN_RETRIES) {
            return RESUBMIT;
        }
        return res;
    }
}
