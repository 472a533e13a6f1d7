package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block status of a raw image from the file system's holes: data where it was written, holes elsewhere. */
class BlockStatusTest {
    @TempDir
    Path dir;

    @Test
    void holesAndDataAreToldApartWithTheirExtents() throws Exception {
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("s.raw"), 8 << 20, BlockBackendOptions.defaults())) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 1);
            ctx.await(disk.write(1 << 20, buf));
            ctx.await(disk.flush());
            BlockStatus start = ctx.await(disk.blockStatus(0, 8 << 20));
            assumeTrue(!start.allocated(), "the file system of " + dir + " reports no holes (all data)");
            assertEquals(new BlockStatus(0, 1 << 20, false, true), start, "a hole up to the write");
            BlockStatus data = ctx.await(disk.blockStatus(1 << 20, 7 << 20));
            assertTrue(data.allocated() && !data.zero());
            assertEquals(65536, data.length(), "the written 64 KiB");
            BlockStatus tail = ctx.await(disk.blockStatus((1 << 20) + 65536, (7 << 20) - 65536));
            assertFalse(tail.allocated());
            assertEquals((7 << 20) - 65536, tail.length(), "a hole to the end");
            assertEquals(4096, ctx.await(disk.blockStatus(0, 4096)).length(), "never longer than asked");
            ExecutionException past = assertThrows(ExecutionException.class, () -> ctx.await(disk.blockStatus(8 << 20, 1)));
            assertEquals(Errno.EINVAL, ((BlockIOException) past.getCause()).errno());
        }
    }
}
