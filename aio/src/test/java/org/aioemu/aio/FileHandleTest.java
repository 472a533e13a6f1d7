package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHandleTest {
    @TempDir
    Path dir;

    @Test
    void sizeAndTruncate() throws Exception {
        Path path = dir.resolve("t.img");
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withCreateNew())) {
            assertEquals(0, file.size());
            file.truncate(1 << 20);
            assertEquals(1 << 20, file.size());
            assertEquals(1 << 20, Files.size(path));
            file.truncate(1000);
            assertEquals(1000, file.size());
            ErrnoException e = assertThrows(ErrnoException.class, () -> file.truncate(-1));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("truncate " + path + " to -1 bytes"), e.getMessage());
        }
    }

    @Test
    void truncatingAReadOnlyHandleFails() throws Exception {
        Path path = dir.resolve("ro.img");
        Files.write(path, new byte[100]);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly())) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> file.truncate(0));
            assertTrue(e.errno() == Errno.EINVAL || e.errno() == Errno.EBADF, e.getMessage());
            assertEquals(100, file.size());
        }
    }

    @Test
    void closeIsIdempotentAndLeavesFdMinusOne() throws Exception {
        FileHandle file = FileHandle.open(dir.resolve("c.img"), OpenOptions.readWrite().withCreate());
        assertTrue(file.fd() >= 0);
        assertFalse(file.isClosed());
        file.close();
        assertEquals(-1, file.fd());
        assertTrue(file.isClosed());
        file.close();
        assertEquals(-1, file.fd());
        assertTrue(file.toString().contains("closed"), file.toString());
    }

    @Test
    void closeReleasesTheDescriptor() throws Exception {
        FileHandle file = FileHandle.open(dir.resolve("d.img"), OpenOptions.readWrite().withCreate());
        int fd = file.fd();
        file.close();
        assertEquals(-Errno.EBADF, LibC.fstatSize(fd));
    }

    @Test
    void propertiesOfABufferedHandle() throws Exception {
        Path path = dir.resolve("p.img");
        OpenOptions options = OpenOptions.readWrite().withCreate();
        try (FileHandle file = FileHandle.open(path, options)) {
            assertSame(path, file.path());
            assertSame(options, file.options());
            assertFalse(file.direct());
            assertFalse(file.readOnly());
            assertEquals(1, file.alignment());
            assertTrue(file.toString().contains(path.toString()), file.toString());
        }
        try (FileHandle file = FileHandle.open(path, OpenOptions.readOnly())) {
            assertTrue(file.readOnly());
        }
    }

    @Test
    void createdFilesGetTheRequestedMode() throws Exception {
        Path path = dir.resolve("m.img");
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withCreateNew().withMode(0600))) {
            assertEquals(0600, file.options().mode());
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(path));
        }
    }

    @Test
    void truncateOptionEmptiesAnExistingFile() throws Exception {
        Path path = dir.resolve("tr.img");
        Files.write(path, new byte[5000]);
        try (FileHandle file = FileHandle.open(path, OpenOptions.readWrite().withTruncate())) {
            assertEquals(0, file.size());
        }
    }

    @Test
    void openWithoutCreateOnAMissingFileNamesPathAndMode() {
        Path path = dir.resolve("missing.img");
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> FileHandle.open(path, OpenOptions.readWrite().withDirect()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().startsWith("open " + path + " (read-write, O_DIRECT)"), e.getMessage());
    }

    @Test
    void openingADirectoryForWritingIsEisdir() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> FileHandle.open(dir, OpenOptions.readWrite()));
        assertEquals(Errno.EISDIR, e.errno());
    }

    /** A file of {@code size} zero bytes written and synced, so its cached pages are clean (DONTNEED drops only those). */
    private static Path syncedFile(Path in, String name, int size) throws Exception {
        Path f = in.resolve(name);
        Files.write(f, new byte[size]);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return f;
    }

    /** One page read through an iovec: whether a page is cached is whether an RWF_NOWAIT read of it succeeds. */
    private static final class PageProbe {
        private final java.lang.foreign.MemorySegment iov;

        PageProbe(java.lang.foreign.Arena arena) {
            java.lang.foreign.MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
            iov = arena.allocate(LibC.IOVEC_SIZE, 8);
            iov.set(java.lang.foreign.ValueLayout.ADDRESS, LibC.IOVEC_BASE, buf);
            iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, LibC.IOVEC_LEN, 4096);
        }

        /** An RWF_NOWAIT read of the page: 4096 when it is cached, -1 when it would block. */
        long tryRead(FileHandle fh, long offset) {
            return LibC.preadv2NoWait(fh.fd(), iov, 1, offset);
        }

        boolean cached(FileHandle fh, long offset) {
            return tryRead(fh, offset) == 4096;
        }

        /** A blocking read of the page: the bytes read. */
        long read(FileHandle fh, long offset) {
            return LibC.preadv(fh.fd(), iov, 1, offset);
        }
    }

    @Test
    void dropCacheMakesTheNextBufferedReadGoToTheDevice() throws Exception {
        // Not tmpfs (its pages are the file): a directory under target/, on the build's disk.
        Path disk = TestSupport.freshDirectDir();
        try {
            Path f = syncedFile(disk, "cached", 1 << 20);
            try (FileHandle fh = FileHandle.open(f, OpenOptions.readOnly());
                 java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                PageProbe probe = new PageProbe(arena);
                org.junit.jupiter.api.Assumptions.assumeTrue(probe.cached(fh, 512 << 10),
                        "this file system does not serve RWF_NOWAIT reads from its cache, so the cache cannot be seen");
                fh.dropCache();
                assertEquals(-1, probe.tryRead(fh, 512 << 10), "the page is no longer cached");
            }
        } finally {
            TestSupport.deleteTree(disk);
        }
    }

    @Test
    void randomAccessAdviceStopsReadaheadAndSequentialKeepsIt() throws Exception {
        Path disk = TestSupport.freshDirectDir();
        try {
            Path f = syncedFile(disk, "ra", 4 << 20);
            boolean[] neighbourCached = new boolean[2];
            FileHandle.Access[] kinds = {FileHandle.Access.RANDOM, FileHandle.Access.SEQUENTIAL};
            for (int k = 0; k < 2; k++) {
                try (FileHandle fh = FileHandle.open(f, OpenOptions.readOnly());
                     java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    fh.dropCache();
                    fh.adviseAccess(kinds[k]);
                    PageProbe probe = new PageProbe(arena);
                    // The file's start: Linux reads ahead from there unless told the access is random (a first
                    // read elsewhere counts as random whatever the advice).
                    org.junit.jupiter.api.Assumptions.assumeTrue(probe.tryRead(fh, 0) == -1,
                            "this file system serves RWF_NOWAIT reads of uncached pages, so the cache cannot be seen");
                    assertEquals(4096, probe.read(fh, 0), "a blocking read of one page");
                    neighbourCached[k] = probe.cached(fh, 8192);
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(neighbourCached[1], "no readahead here even for sequential access");
            assertFalse(neighbourCached[0], "random access advice: the page after the one read was not read ahead");
        } finally {
            TestSupport.deleteTree(disk);
        }
    }

    @Test
    void aBlockDeviceHasItsDevicesSizeAndDirectIoAlignsToItsSectors() throws Exception {
        Path backing = dir.resolve("disk.img");
        try (var raf = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            raf.setLength(8 << 20);
        }
        for (int sector : new int[] {512, 4096}) {
            try (LoopDevice loop = LoopDevice.attach(backing, sector);
                 FileHandle fh = FileHandle.open(loop.path(), OpenOptions.readOnly().withDirect())) {
                assertTrue(fh.isBlockDevice());
                assertEquals(8 << 20, fh.size(), "BLKGETSIZE64, not the inode's 0");
                assertEquals(sector, fh.alignment(), "O_DIRECT aligned to the logical sector size");
            }
        }
        try (FileHandle plain = FileHandle.open(backing, OpenOptions.readOnly())) {
            assertFalse(plain.isBlockDevice());
            assertEquals(8 << 20, plain.size());
        }
    }
}
