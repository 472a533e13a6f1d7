package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * mmap(2), msync(2) and munmap(2) for the mmap engine. Like {@link LibC}, every call returns the kernel's answer
 * as a number (or a segment) and -errno on failure, and nothing retries. Threading: any thread.
 */
final class Mmap {
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MS_SYNC = 4;

    private static final MethodHandle MMAP = LibC.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MSYNC = LibC.downcall("msync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MUNMAP = LibC.downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private Mmap() {
    }

    /**
     * Maps {@code length} bytes of {@code fd} from offset 0, shared, readable (and writable if asked). Returns the
     * mapping as a segment of that length, or null with the errno in {@code errno[0]}.
     */
    @SuppressWarnings("restricted") // a mapping is native memory the kernel hands back: its size is ours to state
    static MemorySegment map(int fd, long length, boolean writable, int[] errno) {
        MemorySegment capture = LibC.capture();
        try {
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(capture, MemorySegment.NULL, length,
                    PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0L);
            if (addr.address() == -1L) { // MAP_FAILED
                errno[0] = LibC.capturedErrno(capture);
                return null;
            }
            return addr.reinterpret(length);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap downcall failed", t);
        }
    }

    /** msync(MS_SYNC) of the whole mapping: 0 or -errno. */
    static int sync(MemorySegment mapping) {
        MemorySegment capture = LibC.capture();
        try {
            int r = (int) MSYNC.invokeExact(capture, mapping, mapping.byteSize(), MS_SYNC);
            return r == 0 ? 0 : -LibC.capturedErrno(capture);
        } catch (Throwable t) {
            throw new IllegalStateException("msync downcall failed", t);
        }
    }

    /** munmap of the whole mapping: 0 or -errno. The segment must not be touched afterwards. */
    static int unmap(MemorySegment mapping) {
        MemorySegment capture = LibC.capture();
        try {
            int r = (int) MUNMAP.invokeExact(capture, mapping, mapping.byteSize());
            return r == 0 ? 0 : -LibC.capturedErrno(capture);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap downcall failed", t);
        }
    }
}
