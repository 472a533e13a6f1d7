package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockStatusCompletion;

/**
 * One NBD_CMD_BLOCK_STATUS: asks the backend for the extents from the request's offset, one after another, until
 * the range is covered, {@link #MAX_EXTENTS} are found, or one is enough (NBD_CMD_FLAG_REQ_ONE), then hands the
 * {@code base:allocation} descriptors (length, flags: hole and zero for a hole, 0 for data) to {@code done}.
 * Loop only.
 */
final class NbdBlockStatus implements BlockStatusCompletion {
    /** Descriptors per reply: enough for a client to make progress, few enough to answer quickly. */
    static final int MAX_EXTENTS = 64;
    static final int STATE_HOLE = 1;
    static final int STATE_ZERO = 2;

    interface Done {
        /** {@code descriptors} holds (u32 length, u32 flags) pairs; or {@code error} < 0 when the first lookup failed. */
        void done(ByteBuf descriptors, int error, String detail);
    }

    private final BlockBackend backend;
    private final long end;
    private final boolean one;
    private final ByteBuf descriptors;
    private final Done done;
    private long at;
    private int count;

    NbdBlockStatus(BlockBackend backend, long offset, long length, boolean one, ByteBuf descriptors, Done done) {
        this.backend = backend;
        this.at = offset;
        this.end = offset + length;
        this.one = one;
        this.descriptors = descriptors;
        this.done = done;
    }

    void start() {
        backend.blockStatus(at, end - at, this);
    }

    @Override
    public void complete(long length, boolean hole, int error, String detail) {
        if (error < 0 || length <= 0) {
            if (count == 0) {
                done.done(descriptors, error < 0 ? error : -Nbd.EIO, detail);
            } else {
                done.done(descriptors, 0, null); // what was found so far is a valid, shorter answer
            }
            return;
        }
        descriptors.writeInt((int) length).writeInt(hole ? STATE_HOLE | STATE_ZERO : 0);
        count++;
        at += length;
        if (at >= end || one || count >= MAX_EXTENTS) {
            done.done(descriptors, 0, null);
        } else {
            start();
        }
    }
}
