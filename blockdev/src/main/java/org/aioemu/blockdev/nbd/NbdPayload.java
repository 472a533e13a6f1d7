package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.aioemu.aio.AioRequest;

/**
 * A WRITE's payload arriving over several socket reads, kept in the buffers it arrived in (retained slices of
 * them) rather than copied into one: the write then goes to the image as a vectored pwritev over those pieces,
 * so a payload byte is copied once, by the kernel, as qemu-nbd's and nbdkit's are. A payload in more pieces
 * than one pwritev takes (IOV_MAX), or in heap memory, is merged into one direct buffer first.
 *
 * <p>Threading: the connection's loop only. The pieces are released with {@link #buffer()}'s release, when the
 * write's reply is sent, or by {@link #release} if the connection goes first.
 */
final class NbdPayload {
    final long cookie;
    final int flags;
    final long offset;
    final int length;
    private int remaining;
    private final CompositeByteBuf pieces;

    NbdPayload(ByteBufAllocator alloc, long cookie, int flags, long offset, int length) {
        this.cookie = cookie;
        this.flags = flags;
        this.offset = offset;
        this.length = length;
        this.remaining = length;
        this.pieces = alloc.compositeDirectBuffer(Integer.MAX_VALUE); // never merged behind our back
    }

    /** Takes what the payload still lacks from {@code b} (advancing its reader index); true once it is whole. */
    boolean take(ByteBuf b) {
        int n = Math.min(b.readableBytes(), remaining);
        if (n > 0) {
            pieces.addComponent(true, b.readRetainedSlice(n));
            remaining -= n;
        }
        return remaining == 0;
    }

    /** The whole payload's buffer, owning the pieces (release it to free them). */
    ByteBuf buffer() {
        if (pieces.numComponents() > AioRequest.MAX_IOV_CAPACITY || !allDirect()) {
            pieces.consolidate(); // one direct copy: rare (tiny socket reads, or a heap transport)
        }
        return pieces;
    }

    /** The payload as native segments over {@link #buffer()}'s pieces, in order. */
    MemorySegment[] segments() {
        ByteBuffer[] parts = pieces.nioBuffers();
        MemorySegment[] segs = new MemorySegment[parts.length];
        for (int i = 0; i < parts.length; i++) {
            segs[i] = MemorySegment.ofBuffer(parts[i]);
        }
        return segs;
    }

    private boolean allDirect() {
        for (int i = 0; i < pieces.numComponents(); i++) {
            if (!pieces.component(i).isDirect()) {
                return false;
            }
        }
        return true;
    }

    /** The connection closed before the payload was whole: frees what arrived. */
    void release() {
        pieces.release();
    }
}
