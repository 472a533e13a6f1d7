package org.aioemu.blockdev.lz4;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.aioemu.blockdev.BlockDriver;
import org.aioemu.engine.AioContext;

/**
 * Blocking positional reads through a block driver, for loading an image's metadata at open: each read is started
 * on the loop and waited for there (a nested wait when the caller is the loop, QEMU's nested aio_poll), so the
 * metadata comes through the same node stack as the data — a fault-injection filter under the image sees it too.
 * Opening only; not a data path.
 */
final class DriverSource implements Lz4Metadata.Source {
    private final AioContext ctx;
    private final BlockDriver driver;

    DriverSource(AioContext ctx, BlockDriver driver) {
        this.ctx = ctx;
        this.driver = driver;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        long size = driver.size();
        int want = (int) Math.max(0, Math.min(dst.remaining(), size - position));
        if (want == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(want, 4096);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            Runnable start = () -> driver.read(position, buf, (r, detail) -> done.complete(r));
            int r;
            if (ctx.inLoop()) {
                start.run();
                ctx.runUntil(done::isDone);
                r = done.join();
            } else {
                ctx.execute(start);
                try {
                    r = done.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading the image header", e);
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
            }
            if (r < 0) {
                throw new IOException("reading " + want + " bytes at offset " + position + " of " + driver.description()
                        + " failed: " + org.aioemu.engine.Errno.describe(-r));
            }
            dst.put(buf.asSlice(0, r).asByteBuffer());
            return r;
        }
    }

    @Override
    public long length() {
        return driver.size();
    }
}
