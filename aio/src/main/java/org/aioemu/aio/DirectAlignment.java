package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The alignment O_DIRECT needs on an open regular file, found rather than assumed (QEMU's
 * {@code raw_probe_alignment}): the kernel's answer from statx's {@code STATX_DIOALIGN} (Linux 6.1, on file systems
 * that report it), else trial reads of 512, 1024, 2048 and 4096 bytes at offset 0, the first the kernel takes
 * being the alignment. A file too short to read from says nothing; then 4096, which every device takes, is
 * assumed. Block devices are asked with BLKSSZGET instead (see {@link FileHandle#open}).
 *
 * <p>Stateless; any thread; blocks for a read at most four times (at open, not per request).
 */
final class DirectAlignment {
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_DIOALIGN = 0x2000;
    private static final long STATX_SIZE = 256;
    private static final long STX_MASK = 0;
    private static final long STX_DIO_MEM_ALIGN = 152;
    private static final long STX_DIO_OFFSET_ALIGN = 156;
    /** What every device takes: the largest logical block size in use, and the page size of most hosts. */
    static final int SAFE = 4096;

    /** statx(2); null where libc lacks it (glibc before 2.28). */
    private static final MethodHandle STATX = LibC.has("statx")
            ? LibC.downcall("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS))
            : null;

    private DirectAlignment() {
    }

    /** The alignment for {@code fd}, an O_DIRECT descriptor of a regular file: a power of two from 512 to 4096. */
    static int of(int fd) {
        int reported = fromStatx(fd);
        return reported > 0 ? reported : byTrialReads(fd);
    }

    /** The larger of statx's offset and memory alignments, within 512..4096; 0 where statx does not say. */
    static int fromStatx(int fd) {
        if (STATX == null) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            MemorySegment empty = arena.allocateFrom("");
            int r = (int) STATX.invokeExact(LibC.capture(), fd, empty, AT_EMPTY_PATH, STATX_DIOALIGN, buf);
            if (r != 0 || (buf.get(JAVA_INT, STX_MASK) & STATX_DIOALIGN) == 0) {
                return 0;
            }
            int offsetAlign = buf.get(JAVA_INT, STX_DIO_OFFSET_ALIGN);
            int memAlign = buf.get(JAVA_INT, STX_DIO_MEM_ALIGN);
            if (offsetAlign <= 0) {
                return 0; // the file system reports no O_DIRECT support for it: let the trial reads speak
            }
            return clamp(Math.max(offsetAlign, memAlign));
        } catch (Throwable t) {
            return 0; // an answer we cannot read is no answer; the trial reads still give one
        }
    }

    /** The smallest of 512..4096 that an O_DIRECT read at offset 0 accepts; {@link #SAFE} if none can tell. */
    static int byTrialReads(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SAFE, SAFE);
            for (int a = 512; a <= SAFE; a <<= 1) {
                long r;
                do {
                    r = LibC.pread(fd, buf, a, 0);
                } while (r == -org.aioemu.engine.Errno.EINTR);
                if (r == a) {
                    return a;
                }
                if (r >= 0) {
                    return SAFE; // a short read: the file ends before one block, and the kernel did not check
                }
            }
        }
        return SAFE;
    }

    private static int clamp(int a) {
        int p = Integer.highestOneBit(Math.max(a, 1));
        if (p < a) {
            p <<= 1;
        }
        return Math.min(SAFE, Math.max(512, p));
    }
}
