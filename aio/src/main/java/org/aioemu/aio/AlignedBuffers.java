package org.aioemu.aio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native buffers fit for {@code O_DIRECT}: page-aligned, so they satisfy any logical block size up to
 * 4096. Stateless; any thread.
 */
public final class AlignedBuffers {
    /** The alignment of every buffer from {@link #allocate}: a page. */
    public static final long ALIGNMENT = 4096;

    private AlignedBuffers() {
    }

    /**
     * A zeroed native buffer of {@code size} bytes whose address is a multiple of 4096, living as long
     * as {@code arena}. Use a shared arena when the buffer will be handed to worker threads.
     */
    public static MemorySegment allocate(Arena arena, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative buffer size: " + size);
        }
        return arena.allocate(size, ALIGNMENT);
    }

    /**
     * True if {@code segment} is native and both its address and its size are multiples of
     * {@code alignment} (a positive number; 1 accepts every native segment). Heap segments are never
     * aligned: they cannot take part in native I/O at all.
     */
    public static boolean isAligned(MemorySegment segment, long alignment) {
        if (alignment <= 0) {
            throw new IllegalArgumentException("alignment must be positive: " + alignment);
        }
        return segment.isNative()
                && segment.address() % alignment == 0
                && segment.byteSize() % alignment == 0;
    }
}
