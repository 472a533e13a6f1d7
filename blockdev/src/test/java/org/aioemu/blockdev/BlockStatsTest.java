package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend's statistics count each completed request once by kind, with bytes and latency; drain waits for all. */
class BlockStatsTest {
    @TempDir
    Path dir;

    @Test
    void requestsAreCountedByKindAndDrainWaitsForThemAll() throws Exception {
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("s.raw"), 1 << 20, BlockBackendOptions.defaults())) {
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                writes.add(disk.write(i * 4096L, arena.allocate(4096)));
            }
            disk.drain();
            assertEquals(0, disk.inFlight());
            for (CompletableFuture<Integer> w : writes) {
                assertTrue(w.isDone(), "drain returned with a write still pending");
            }
            for (int i = 0; i < 5; i++) {
                ctx.await(disk.read(i * 8192L, arena.allocate(8192)));
            }
            ctx.await(disk.flush());
            ctx.await(disk.discard(0, 65536));
            ctx.await(disk.writeZeroes(65536, 4096));
            BlockStats.OpStats w = disk.stats(BlockStats.Op.WRITE);
            assertEquals(64, w.ops());
            assertEquals(64 * 4096, w.bytes());
            assertEquals(0, w.failed());
            assertTrue(w.p50Nanos() > 0 && w.p50Nanos() <= w.p99Nanos() && w.p99Nanos() <= w.maxNanos() * 1.01, w.toString());
            BlockStats.OpStats r = disk.stats(BlockStats.Op.READ);
            assertEquals(5, r.ops());
            assertEquals(5 * 8192, r.bytes());
            assertEquals(1, disk.stats(BlockStats.Op.FLUSH).ops());
            assertEquals(1, disk.stats(BlockStats.Op.DISCARD).ops());
            assertEquals(65536, disk.stats(BlockStats.Op.DISCARD).bytes());
            assertEquals(1, disk.stats(BlockStats.Op.WRITE_ZEROES).ops());
        }
    }
}
