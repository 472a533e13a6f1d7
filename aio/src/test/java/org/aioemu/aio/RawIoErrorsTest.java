package org.aioemu.aio;

import static org.aioemu.aio.TestSupport.segmentOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errno results: EBADF, EINVAL, ENOSPC, EFAULT from RawIo; ENOENT and EEXIST from open. */
class RawIoErrorsTest {
    @TempDir
    Path dir;

    private Path path;
    private Arena arena;
    private AioRequest req;
    private MemorySegment buffer;

    @BeforeEach
    void setUp() throws Exception {
        path = dir.resolve("data.img");
        Files.write(path, new byte[8192]);
        arena = Arena.ofConfined();
        req = new AioRequest();
        buffer = AlignedBuffers.allocate(arena, 4096);
    }

    @AfterEach
    void tearDown() {
        req.close();
        arena.close();
    }

    @Test
    void requestsOnAClosedHandleAreEbadf() throws Exception {
        FileHandle file = FileHandle.open(path, OpenOptions.readWrite());
        file.close();
        assertEquals(-1, file.fd());
        assertEquals(-Errno.EBADF, RawIo.execute(req.prepareRead(file, 0, buffer)));
        assertTrue(req.errorDetail().contains("closed"), req.errorDetail());
        assertEquals(-Errno.EBADF, RawIo.execute(req.prepareWrite(file, 0, buffer, buffer)));
        assertEquals(-Errno.EBADF, RawIo.execute(req.prepareFlush(file, true)));
        assertEquals(-Errno.EBADF, RawIo.execute(req.prepareDiscard(file, 0, 4096)));
        assertEquals(-Errno.EBADF, RawIo.execute(req.prepareWriteZeroes(file, 0, 4096)));
        assertEquals(-Errno.EBADF, req.result());
        ErrnoException e = assertThrows(ErrnoException.class, file::size);
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void modificationsThroughAReadOnlyHandleAreEbadf() throws Exception {
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly())) {
            assertEquals(-Errno.EBADF, RawIo.execute(req.prepareWrite(file, 0, buffer)));
            assertTrue(req.errorDetail().contains("read-only"), req.errorDetail());
            assertEquals(-Errno.EBADF, RawIo.execute(req.prepareDiscard(file, 0, 4096)));
            assertEquals(-Errno.EBADF, RawIo.execute(req.prepareWriteZeroes(file, 0, 4096)));
            // Reading and flushing stay allowed, and the kernel agrees about the write.
            assertEquals(4096, RawIo.execute(req.prepareRead(file, 0, buffer)));
            assertEquals(0, RawIo.execute(req.prepareFlush(file, false)));
            assertEquals(-Errno.EBADF, LibC.pwrite(file.fd(), buffer, 4096, 0));
        }
    }

    @Test
    void negativeOffsetsAreEinval() throws Exception {
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite())) {
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(file, -1, buffer)));
            assertEquals("negative offset -1", req.errorDetail());
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareWrite(file, -4096, buffer, buffer)));
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareDiscard(file, -1, 4096)));
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareWriteZeroes(file, -1, 4096)));
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareDiscard(file, 0, -1)));
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(file, Long.MAX_VALUE - 10, buffer)));
            assertEquals(8192, file.size());
        }
    }

    @Test
    void writingToDevFullIsEnospc() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is not writable here");
        try (FileHandle file = FileHandle.open(full, OpenOptions.readWrite())) {
            assertEquals(-Errno.ENOSPC, RawIo.execute(req.prepareWrite(file, 0, buffer)));
            assertEquals("pwrite failed: ENOSPC (No space left on device)", req.errorDetail());
            assertEquals(-Errno.ENOSPC, RawIo.execute(req.prepareWrite(file, 4096, buffer, buffer)));
            assertEquals("pwritev failed: ENOSPC (No space left on device)", req.errorDetail());
            // /dev/full reads as zeroes, like /dev/zero.
            buffer.fill((byte) 1);
            assertEquals(4096, RawIo.execute(req.prepareRead(file, 0, buffer)));
            assertEquals(0, buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4095));
        }
    }

    @Test
    void openingAMissingFileIsEnoentNamingThePath() {
        Path missing = dir.resolve("no/such/file.img");
        ErrnoException e = assertThrows(ErrnoException.class, () -> FileHandle.open(missing, OpenOptions.readOnly()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open " + missing + " (read-only): ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void createNewOnAnExistingFileIsEexist() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> FileHandle.open(path, OpenOptions.readWrite().withCreateNew()));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.getMessage().startsWith("open " + path + " (read-write, create-new)"), e.getMessage());
    }

    @Test
    void heapAndFreedBuffersAreRefusedBeforeTheKernelSeesThem() throws Exception {
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite())) {
            assertEquals(-Errno.EFAULT, RawIo.execute(req.prepareRead(file, 0, MemorySegment.ofArray(new byte[16]))));
            assertEquals("buffer 0 is a heap segment: I/O needs native memory", req.errorDetail());

            Arena shortLived = Arena.ofConfined();
            MemorySegment freed = segmentOf(shortLived, new byte[64]);
            shortLived.close();
            assertEquals(-Errno.EFAULT, RawIo.execute(req.prepareWrite(file, 0, buffer, freed)));
            assertTrue(req.errorDetail().contains("buffer 1"), req.errorDetail());
        }
    }

    @Test
    void aFailureIsClearedByTheNextSuccess() throws Exception {
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite())) {
            assertEquals(-Errno.EINVAL, RawIo.execute(req.prepareRead(file, -1, buffer)));
            assertNotNull(req.errorDetail());
            req.prepareRead(file, 0, buffer);
            assertEquals(4096, RawIo.execute(req));
            assertEquals(null, req.errorDetail());
            assertEquals(4096, req.result());
        }
    }

    @Test
    void executingAnUnpreparedRequestIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> RawIo.execute(req));
    }
}
