package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The page-cache state of a file range, from Linux's cachestat(2) (6.5+; syscall 451 on x86_64 and aarch64): what a
 * test needs to see that writeback happened. {@link #dirtyPages} returns -1 where the kernel lacks the call.
 */
final class CacheStat {
    private static final long SYS_CACHESTAT = 451;
    private static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(1));

    private CacheStat() {
    }

    /** Dirty pages of {@code file} in {@code [offset, offset + length)}, or -1 when cachestat is not available. */
    static long dirtyPages(FileHandle file, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(16, 8);
            range.set(JAVA_LONG, 0, offset);
            range.set(JAVA_LONG, 8, length);
            MemorySegment stat = arena.allocate(40, 8); // nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted
            long r = (long) SYSCALL.invokeExact(SYS_CACHESTAT, file.fd(), range, stat, 0);
            return r < 0 ? -1 : stat.get(JAVA_LONG, 8);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
