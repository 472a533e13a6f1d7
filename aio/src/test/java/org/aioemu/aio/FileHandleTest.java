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

    @Test
    void dropCacheMakesTheNextBufferedReadGoToTheDevice() throws Exception {
        // Not tmpfs (its pages are the file): a directory under target/, on the build's disk.
        Path disk = TestSupport.freshDirectDir();
        try {
            Path f = disk.resolve("cached");
            Files.write(f, new byte[1 << 20]);
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true); // clean pages: DONTNEED drops only those
            }
            try (FileHandle fh = FileHandle.open(f, OpenOptions.readOnly());
                 java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                java.lang.foreign.MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
                java.lang.foreign.MemorySegment iov = arena.allocate(LibC.IOVEC_SIZE, 8);
                iov.set(java.lang.foreign.ValueLayout.ADDRESS, LibC.IOVEC_BASE, buf);
                iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, LibC.IOVEC_LEN, 4096);
                long warm = LibC.preadv2NoWait(fh.fd(), iov, 1, 512 << 10);
                org.junit.jupiter.api.Assumptions.assumeTrue(warm == 4096,
                        "this file system does not serve RWF_NOWAIT reads from its cache, so the cache cannot be seen");
                fh.dropCache();
                assertEquals(-1, LibC.preadv2NoWait(fh.fd(), iov, 1, 512 << 10), "the page is no longer cached");
            }
        } finally {
            TestSupport.deleteTree(disk);
        }
    }

    @Test
    void randomAccessAdviceStopsReadaheadAndSequentialKeepsIt() throws Exception {
        Path disk = TestSupport.freshDirectDir();
        try {
            Path f = disk.resolve("ra");
            Files.write(f, new byte[4 << 20]);
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            boolean[] neighbourCached = new boolean[2];
            FileHandle.Access[] kinds = {FileHandle.Access.RANDOM, FileHandle.Access.SEQUENTIAL};
            for (int k = 0; k < 2; k++) {
                try (FileHandle fh = FileHandle.open(f, OpenOptions.readOnly());
                     java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    fh.dropCache();
                    fh.adviseAccess(kinds[k]);
                    java.lang.foreign.MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
                    java.lang.foreign.MemorySegment iov = arena.allocate(LibC.IOVEC_SIZE, 8);
                    iov.set(java.lang.foreign.ValueLayout.ADDRESS, LibC.IOVEC_BASE, buf);
                    iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, LibC.IOVEC_LEN, 4096);
                    // The file's start: Linux reads ahead from there unless told the access is random (a first
                    // read elsewhere counts as random whatever the advice).
                    org.junit.jupiter.api.Assumptions.assumeTrue(LibC.preadv2NoWait(fh.fd(), iov, 1, 0) == -1,
                            "this file system serves RWF_NOWAIT reads of uncached pages, so the cache cannot be seen");
                    assertEquals(4096, LibC.preadv(fh.fd(), iov, 1, 0), "a blocking read of one page");
                    neighbourCached[k] = LibC.preadv2NoWait(fh.fd(), iov, 1, 8192) == 4096;
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
