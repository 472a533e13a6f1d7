package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ThreadPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Future.cancel on a backend request: true only if the request never touched the image, and on return, true or
 * false, the request is over and its buffer the caller's again. Checked against the file over randomized rounds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockBackendCancelTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void aTrueCancelMeansNothingWasWrittenAndEveryCancelLeavesTheBufferFree() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        int cancelledTotal = 0;
        int landedTotal = 0;
        // One worker, so most of a burst waits in the queue where a cancel can still stop it.
        try (AioContext ctx = AioContext.builder().threadPool(ThreadPoolConfig.defaults().withLimits(0, 1)).build();
             Arena arena = Arena.ofShared()) {
            for (int round = 0; round < 40; round++) {
                Path image = dir.resolve("c" + round + ".raw");
                int n = 8 + rnd.nextInt(57);
                boolean[] cancelled = new boolean[n];
                try (BlockBackend disk = BlockBackend.create(ctx, image, (long) n * BLOCK, BlockBackendOptions.defaults())) {
                    List<MemorySegment> buffers = new ArrayList<>();
                    List<CompletableFuture<Integer>> writes = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        MemorySegment b = arena.allocate(BLOCK);
                        b.fill((byte) (i + 1));
                        buffers.add(b);
                        writes.add(disk.write((long) i * BLOCK, b));
                    }
                    for (int i = n - 1; i >= 0; i--) { // newest first: they are the likeliest still queued
                        if (rnd.nextInt(4) == 0) {
                            continue;
                        }
                        CompletableFuture<Integer> w = writes.get(i);
                        cancelled[i] = w.cancel(true);
                        assertTrue(w.isDone(), "cancel returns once the request is over");
                        assertEquals(cancelled[i], w.isCancelled());
                        // The buffer is the caller's now: scribbling on it must not reach the file.
                        buffers.get(i).fill((byte) 0x7f);
                    }
                    for (int i = 0; i < n; i++) {
                        CompletableFuture<Integer> w = writes.get(i);
                        if (cancelled[i]) {
                            assertThrows(CancellationException.class, w::join);
                        } else {
                            assertEquals(BLOCK, ctx.await(w));
                        }
                    }
                }
                byte[] file = Files.readAllBytes(image);
                for (int i = 0; i < n; i++) {
                    byte got = file[i * BLOCK + rnd.nextInt(BLOCK)];
                    if (cancelled[i]) {
                        assertEquals(0, got, "round " + round + ": a cancelled write wrote nothing at block " + i);
                        cancelledTotal++;
                    } else {
                        assertEquals((byte) (i + 1), got, "round " + round + ": block " + i + " holds its write, not the scribble");
                        landedTotal++;
                    }
                }
            }
        }
        assertTrue(cancelledTotal > 0, "some writes were stopped in the queue");
        assertTrue(landedTotal > 0, "some writes ran before their cancel");
    }

    @Test
    void cancellingADoneRequestReturnsFalse() throws Exception {
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("d.raw"), BLOCK, BlockBackendOptions.defaults())) {
            CompletableFuture<Integer> w = disk.write(0, arena.allocate(BLOCK));
            assertEquals(BLOCK, ctx.await(w));
            assertFalse(w.cancel(true));
            assertFalse(w.isCancelled());
            // Stages made from the future are ordinary ones.
            int plusOne = ctx.await(disk.read(0, arena.allocate(BLOCK)).thenApply(r -> r + 1));
            assertEquals(BLOCK + 1, plusOne);
            MemorySegment back = arena.allocate(BLOCK);
            ctx.await(disk.read(0, back));
            assertEquals(0, back.get(ValueLayout.JAVA_BYTE, 0));
        }
    }
}
