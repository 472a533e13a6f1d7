package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class AlignedBuffersTest {
    @Test
    void allocatesPageAlignedZeroedNativeMemory() {
        try (Arena arena = Arena.ofConfined()) {
            for (long size : new long[] {0, 1, 512, 4095, 4096, 65536 + 3}) {
                MemorySegment segment = AlignedBuffers.allocate(arena, size);
                assertEquals(size, segment.byteSize());
                assertTrue(segment.isNative());
                assertEquals(0, segment.address() % 4096, "size " + size);
                for (long i = 0; i < size; i++) {
                    assertEquals(0, segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(arena, -1));
        }
    }

    @Test
    void isAlignedChecksAddressAndSize() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = AlignedBuffers.allocate(arena, 8192);
            assertTrue(AlignedBuffers.isAligned(page, 4096));
            assertTrue(AlignedBuffers.isAligned(page.asSlice(512, 1024), 512));
            assertFalse(AlignedBuffers.isAligned(page.asSlice(512, 1024), 4096));
            assertFalse(AlignedBuffers.isAligned(page.asSlice(1, 512), 512));
            assertFalse(AlignedBuffers.isAligned(page.asSlice(0, 500), 512));
            assertTrue(AlignedBuffers.isAligned(page.asSlice(3, 7), 1));
            assertFalse(AlignedBuffers.isAligned(MemorySegment.ofArray(new byte[4096]), 1));
            assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.isAligned(page, 0));
        }
    }
}
