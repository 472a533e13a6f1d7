package org.aioemu.aio;

import static org.aioemu.aio.TestSupport.bytes;
import static org.aioemu.aio.TestSupport.randomBytes;
import static org.aioemu.aio.TestSupport.segmentOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * O_DIRECT: aligned round trips and the alignment checks. The kernel skips the alignment check when
 * reading a hole, so every misalignment test reads or writes where data has been written.
 */
class RawIoDirectTest {
    private static final int SIZE = 256 * 1024;

    private Path dir;
    private Path path;
    private byte[] data;
    private Arena arena;
    private FileHandle direct;
    private AioRequest req;

    @BeforeEach
    void setUp() throws Exception {
        dir = TestSupport.freshDirectDir();
        path = dir.resolve("direct.img");
        data = randomBytes(new Random(7), SIZE);
        Files.write(path, data);
        try {
            direct = FileHandle.open(path, OpenOptions.readWrite().withDirect());
        } catch (ErrnoException e) {
            assumeTrue(e.errno() != Errno.EINVAL, "no O_DIRECT on this file system: " + e.getMessage());
            throw e;
        }
        arena = Arena.ofConfined();
        req = new AioRequest();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (req != null) {
            req.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (arena != null) {
            arena.close();
        }
        TestSupport.deleteTree(dir);
    }

    @Test
    void handleReportsDirectAndDefaultAlignment() {
        assertTrue(direct.direct());
        assertEquals(512, direct.alignment());
    }

    @Test
    void alignedVectoredWriteReadsBackThroughDirectAndBufferedHandles() throws Exception {
        byte[] payload = randomBytes(new Random(8), 64 * 1024);
        MemorySegment[] out = new MemorySegment[4];
        for (int i = 0; i < out.length; i++) {
            out[i] = segmentOf(arena, Arrays.copyOfRange(payload, i * 16 * 1024, (i + 1) * 16 * 1024));
        }
        assertEquals(payload.length, RawIo.execute(req.prepareWrite(direct, 4096, out)), String.valueOf(req.errorDetail()));
        assertEquals(0, RawIo.execute(req.prepareFlush(direct, true)));

        MemorySegment whole = AlignedBuffers.allocate(arena, payload.length);
        assertEquals(payload.length, RawIo.execute(req.prepareRead(direct, 4096, whole)), String.valueOf(req.errorDetail()));
        assertArrayEquals(payload, bytes(whole));

        MemorySegment first = AlignedBuffers.allocate(arena, 512);
        MemorySegment rest = AlignedBuffers.allocate(arena, payload.length - 512);
        assertEquals(payload.length, RawIo.execute(req.prepareRead(direct, 4096, first, rest)));
        assertArrayEquals(payload, RawIoReadWriteTest.gather(new MemorySegment[] {first, rest}));

        byte[] onDisk = Files.readAllBytes(path);
        assertArrayEquals(payload, Arrays.copyOfRange(onDisk, 4096, 4096 + payload.length));
    }

    @Test
    void sectorAlignedButNotPageAlignedSegmentsAreAccepted() {
        MemorySegment page = AlignedBuffers.allocate(arena, 4096);
        MemorySegment sector = page.asSlice(512, 1024); // 512-aligned address and length
        assertEquals(1024, RawIo.execute(req.prepareRead(direct, 1536, sector)), String.valueOf(req.errorDetail()));
        assertArrayEquals(Arrays.copyOfRange(data, 1536, 2560), bytes(sector));
    }

    @Test
    void directReadAtEndOfFileZeroFills() {
        MemorySegment buffer = AlignedBuffers.allocate(arena, 8192).fill((byte) 0x33);
        assertEquals(8192, RawIo.execute(req.prepareRead(direct, SIZE - 4096, buffer)));
        byte[] expected = new byte[8192];
        System.arraycopy(data, SIZE - 4096, expected, 0, 4096);
        assertArrayEquals(expected, bytes(buffer));
    }

    @Test
    void misalignedBufferAddressIsEinvalWithDetail() {
        MemorySegment buffer = AlignedBuffers.allocate(arena, 8192).asSlice(1, 4096);
        assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(direct, 0, buffer)));
        assertEquals(-Errno.EINVAL, req.result());
        assertEquals("O_DIRECT needs 512-byte alignment: buffer 0 address 0x"
                + Long.toHexString(buffer.address()) + " is misaligned", req.errorDetail());

        MemorySegment good = AlignedBuffers.allocate(arena, 4096);
        assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareWrite(direct, 0, good, buffer)));
        assertTrue(req.errorDetail().contains("buffer 1 address"), req.errorDetail());
        assertArrayEquals(Arrays.copyOf(data, 4096), readBuffered(0, 4096), "nothing may have been written");
    }

    @Test
    void misalignedOffsetIsEinvalWithDetail() {
        MemorySegment buffer = AlignedBuffers.allocate(arena, 4096);
        assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(direct, 100, buffer)));
        assertEquals("O_DIRECT needs 512-byte alignment: offset 100 is misaligned", req.errorDetail());
        assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareWrite(direct, 4096 + 256, buffer)));
        assertTrue(req.errorDetail().contains("offset 4352"), req.errorDetail());
    }

    @Test
    void misalignedLengthIsEinvalWithDetail() {
        MemorySegment buffer = AlignedBuffers.allocate(arena, 8192).asSlice(0, 4096 + 100);
        assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(direct, 0, buffer)));
        assertEquals("O_DIRECT needs 512-byte alignment: buffer 0 length 4196 is misaligned", req.errorDetail());
    }

    @Test
    void theKernelAgreesMisalignedDirectReadsOfWrittenDataAreEinval() {
        // Guards the premise of the checks above: without them the kernel itself says EINVAL.
        MemorySegment buffer = AlignedBuffers.allocate(arena, 8192);
        assertEquals(-Errno.EINVAL, LibC.pread(direct.fd(), buffer.asSlice(1), 4096, 0));
        assertEquals(-Errno.EINVAL, LibC.pread(direct.fd(), buffer, 4096, 100));
        assertEquals(4096, LibC.pread(direct.fd(), buffer, 4096, 0));
    }

    @Test
    void customAlignmentIsEnforced() throws Exception {
        try (FileHandle strict = FileHandle.open(path, OpenOptions.readOnly().withDirect().withAlignment(4096))) {
            assertEquals(4096, strict.alignment());
            MemorySegment buffer = AlignedBuffers.allocate(arena, 4096);
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(strict, 512, buffer)));
            assertEquals("O_DIRECT needs 4096-byte alignment: offset 512 is misaligned", req.errorDetail());
            assertEquals(4096, RawIo.execute(req.prepareRead(strict, 8192, buffer)));
            assertArrayEquals(Arrays.copyOfRange(data, 8192, 12288), bytes(buffer));
        }
    }

    @Test
    void writeZeroesByWritingRespectsDirectAlignment() {
        req.prepareWriteZeroes(direct, 4096, 8192);
        assertEquals(0, RawIo.zeroByWriting(req, direct, direct.fd()));
        assertArrayEquals(new byte[8192], readBuffered(4096, 8192));

        req.prepareWriteZeroes(direct, 4096 + 100, 512);
        assertEquals(-Errno.EINVAL, RawIo.zeroByWriting(req, direct, direct.fd()));
        assertNotNull(req.errorDetail());
        assertArrayEquals(Arrays.copyOfRange(data, 12288, 16384), readBuffered(12288, 4096));
    }

    @Test
    void discardAndWriteZeroesWorkOnDirectHandles() {
        assertEquals(0, RawIo.execute(req.prepareDiscard(direct, 0, 4096)));
        assertEquals(0, RawIo.execute(req.prepareWriteZeroes(direct, 8192, 4096)));
        assertArrayEquals(new byte[4096], readBuffered(0, 4096));
        assertArrayEquals(new byte[4096], readBuffered(8192, 4096));
        assertArrayEquals(Arrays.copyOfRange(data, 4096, 8192), readBuffered(4096, 4096));
    }

    private byte[] readBuffered(long offset, int length) {
        try (FileHandle buffered = FileHandle.open(path, OpenOptions.readOnly());
             AioRequest r = new AioRequest(); Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocate(length);
            assertEquals(length, RawIo.execute(r.prepareRead(buffered, offset, buffer)));
            return bytes(buffer);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }
}
