package org.aioemu.blockdev.examples;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.BlockIOException;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;

/**
 * The README's embedding example, whole and compiled by the build (EmbeddingExampleTest runs it): a 1 GiB disk
 * image kept between runs, a block written and read back through futures, and a request past the end failing
 * with its errno. Run it with {@code java ... EmbeddingExample disk.raw}.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    public static void main(String[] args) throws ErrnoException, ExecutionException {
        Path image = Path.of(args.length > 0 ? args[0] : "disk.raw");
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.openOrCreate(ctx, image, 1L << 30, BlockBackendOptions.defaults());
             Arena arena = Arena.ofShared()) {                    // I/O buffers: native memory any thread may use
            MemorySegment buf = AlignedBuffers.allocate(arena, 4096);
            buf.setString(0, "hello from aioemu");
            ctx.await(disk.write(0, buf));                         // futures complete on the loop thread
            ctx.await(disk.flush());
            MemorySegment back = AlignedBuffers.allocate(arena, 4096);
            ctx.await(disk.read(0, back));
            System.out.println(back.getString(0));                 // hello from aioemu
            try {
                ctx.await(disk.read(disk.size(), back));           // past the end
            } catch (ExecutionException e) {
                BlockIOException io = (BlockIOException) e.getCause();
                System.out.println(io.errno() + " " + io.getMessage()); // 22 read of 4096 bytes at offset ... EINVAL ...
            }
        }
    }
}
