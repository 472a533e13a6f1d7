package org.aioemu.aio;

import java.lang.foreign.MemorySegment;

/**
 * Prepares the SQE for a slot's next step, in the terms of Netty's {@code IoUringIoOps}. Netty keeps its opcode
 * constants package-private, so the kernel's values are spelled out here (include/uapi/linux/io_uring.h).
 *
 * <p>Field mapping of {@code IoUringIoOps(opcode, flags, ioPrio, fd, union1, union2, len, union3, data,
 * union4, personality, union5, union6)} onto the kernel's {@code struct io_uring_sqe}: union1 is
 * {@code off}, union2 is {@code addr}, union3 is the op flags ({@code rw_flags}, {@code fsync_flags},
 * {@code cancel_flags}), {@code data} the tag the CQE brings back (our slot number).
 *
 * <p>The tag is passed as a sign-extended 16-bit value: Netty 4.2.18 packs a value that fits in a
 * {@code short} into the SQE's user data next to its registration id (its fast path, no lookup table) and
 * hands it back as {@code IoUringIoEvent.userData()}; a wider value would go through its slower map of
 * pending ops. (The {@code short} constructor and {@code data()} say the same but are deprecated.)
 *
 * <p>The fields of the next SQE are computed into this object (one per queue, owned by the loop thread,
 * reused) rather than returned as a fresh {@code IoUringIoOps}: the queue then allocates the
 * {@code IoUringIoOps} right at its {@code IoRegistration.submit} call, which copies it into the ring and
 * drops it. With the allocation next to the call the JIT scalar-replaces it reliably; built behind a
 * bigger method that may be compiled on its own, it escaped in some compilations (72 B per request).
 */
final class UringSqe {
    static final byte IORING_OP_READV = 1;
    static final byte IORING_OP_WRITEV = 2;
    static final byte IORING_OP_FSYNC = 3;
    static final byte IORING_OP_SYNC_FILE_RANGE = 8;
    static final byte IORING_OP_ASYNC_CANCEL = 14;
    static final byte IORING_OP_FALLOCATE = 17;
    static final byte IORING_OP_READ = 22;
    static final byte IORING_OP_WRITE = 23;
    /** {@code fsync_flags}: sync data only, fdatasync(2)'s semantics. */
    static final int IORING_FSYNC_DATASYNC = 1;

    // The SQE being prepared: written by prepare*, read by the queue right after. Loop only.
    byte opcode;
    int fd;
    /** {@code off}. */
    long off;
    /** {@code addr}. */
    long addr;
    int len;
    /** {@code rw_flags} / {@code fsync_flags} / {@code cancel_flags}. */
    int opFlags;
    /** The tag the CQE brings back. */
    long data;

    /** Prepares the SQE for the step {@code slot} is at (its phase and progress). */
    void prepare(UringSlots slots, int slot) {
        AioRequest req = slots.request[slot];
        int fd = req.file().fd();
        long data = tag(slot);
        switch (slots.phase[slot]) {
            case UringSlots.RW -> readWrite(slots, slot, req, fd, data);
            case UringSlots.FSYNC -> {
                if (req.syncRangeFlags() != 0) {
                    // The SQE's len is 32-bit: a longer range becomes 0, the kernel's "to the end of the file".
                    int len = req.length() > 0xffff_ffffL ? 0 : (int) req.length();
                    set(IORING_OP_SYNC_FILE_RANGE, fd, req.offset(), 0, len, req.syncRangeFlags(), data);
                } else {
                    set(IORING_OP_FSYNC, fd, 0, 0, 0, req.datasyncOnly() ? IORING_FSYNC_DATASYNC : 0, data);
                }
            }
            case UringSlots.DISCARD, UringSlots.ZERO_PUNCH ->
                    fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, req.offset(), req.length(), data);
            case UringSlots.ZERO_RANGE -> fallocate(fd, LibC.FALLOC_FL_ZERO_RANGE, req.offset(), req.length(), data);
            case UringSlots.ZERO_WRITE -> {
                MemorySegment zeroes = RawIo.zeroes();
                long done = slots.done[slot];
                int chunk = (int) Math.min(req.length() - done, zeroes.byteSize());
                set(IORING_OP_WRITE, fd, req.offset() + done, zeroes.address(), chunk, 0, data);
            }
            default -> throw new IllegalStateException("slot " + slot + " has no step to issue (phase " + slots.phase[slot] + ")");
        }
    }

    /** Prepares an ASYNC_CANCEL of the SQE whose user data is {@code target}; its CQE carries {@code slot} too. */
    void prepareCancel(long target, int slot) {
        set(IORING_OP_ASYNC_CANCEL, -1, 0, target, 0, 0, tag(slot));
    }

    /**
     * READ/WRITE at the request's offset plus what is done. One segment: the buffer address advanced by
     * what is done. Several: READV/WRITEV over the request's native iovec array from the first entry with
     * bytes left ({@link Transfer#advance} trims the entry cut in half in place).
     */
    private void readWrite(UringSlots slots, int slot, AioRequest req, int fd, long data) {
        boolean write = req.op() == AioOp.WRITE;
        long done = slots.done[slot];
        long offset = req.offset() + done;
        if (req.iovCount() == 1) {
            MemorySegment buffer = req.segments()[0];
            set(write ? IORING_OP_WRITE : IORING_OP_READ, fd, offset, buffer.address() + done,
                    (int) (buffer.byteSize() - done), 0, data);
            return;
        }
        int first = slots.firstIov[slot];
        long iov = req.nativeIov().address() + first * LibC.IOVEC_SIZE;
        set(write ? IORING_OP_WRITEV : IORING_OP_READV, fd, offset, iov, req.iovCount() - first, 0, data);
    }

    /** The SQE tag for {@code slot}: its low 16 bits, sign-extended, so that Netty takes its fast path. */
    static long tag(int slot) {
        return (short) slot;
    }

    /** The slot a CQE's user data names. */
    static int slot(long userData) {
        return (int) userData & 0xFFFF;
    }

    /** fallocate's SQE: the mode goes in {@code len} and the length in {@code addr}, as liburing lays it out. */
    private void fallocate(int fd, int mode, long offset, long length, long data) {
        set(IORING_OP_FALLOCATE, fd, offset, length, mode, 0, data);
    }

    private void set(byte opcode, int fd, long off, long addr, int len, int opFlags, long data) {
        this.opcode = opcode;
        this.fd = fd;
        this.off = off;
        this.addr = addr;
        this.len = len;
        this.opFlags = opFlags;
        this.data = data;
    }
}
