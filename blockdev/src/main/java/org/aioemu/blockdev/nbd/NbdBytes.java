package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies between Netty buffers and the caller's memory segments without making an object per copy: a direct buffer
 * with a known address is reached through one segment over all of memory (made once), a heap buffer through its
 * array; only a buffer with neither (a composite one, or direct memory without Unsafe) takes a wrapping NIO view.
 * Stateless; any thread.
 */
final class NbdBytes {
    /** All of the address space, as the source or target of a copy at a buffer's address (bounds are the buffer's). */
    private static final MemorySegment EVERYWHERE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private NbdBytes() {
    }

    /** Copies {@code n} bytes from {@code src} at its reader index into {@code dst} at {@code dstOffset}, and skips them. */
    static void read(ByteBuf src, MemorySegment dst, long dstOffset, int n) {
        int at = src.readerIndex();
        if (src.hasMemoryAddress()) {
            MemorySegment.copy(EVERYWHERE, src.memoryAddress() + at, dst, dstOffset, n);
        } else if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + at, dst, ValueLayout.JAVA_BYTE, dstOffset, n);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(src.nioBuffer(at, n)), 0, dst, dstOffset, n);
        }
        src.skipBytes(n);
    }

    /** Appends the whole of {@code src} ({@code n} bytes) to {@code dst}, which has room for it. */
    static void write(MemorySegment src, ByteBuf dst, int n) {
        int at = dst.writerIndex();
        dst.ensureWritable(n);
        if (dst.hasMemoryAddress()) {
            MemorySegment.copy(src, 0, EVERYWHERE, dst.memoryAddress() + at, n);
        } else if (dst.hasArray()) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, dst.array(), dst.arrayOffset() + at, n);
        } else {
            MemorySegment.copy(src, 0, MemorySegment.ofBuffer(dst.nioBuffer(at, n)), 0, n);
        }
        dst.writerIndex(at + n);
    }
}
