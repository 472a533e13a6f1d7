package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The futures' own waits (join and get spin briefly before they park): from several application threads at once,
 * at depth, every future's wait returns its own result once, with the data in place when it returns.
 */
class BlockRequestFutureTest {
    @TempDir
    Path dir;

    @Test
    void joinAndGetFromManyThreadsReturnEachRequestsResultWithItsDataInPlace() throws Exception {
        int threads = 4;
        int perThread = 5000;
        int depth = 32;
        long region = 1 << 20;
        try (AioContext ctx = AioContext.create();
             BlockBackend disk = BlockBackend.create(ctx, dir.resolve("f.raw"), threads * region, BlockBackendOptions.defaults());
             Arena arena = Arena.ofShared()) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(CompletableFuture.runAsync(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    MemorySegment[] bufs = new MemorySegment[depth];
                    CompletableFuture<Integer>[] inFlight = new CompletableFuture[depth];
                    long[] offsets = new long[depth];
                    boolean[] reads = new boolean[depth];
                    for (int i = 0; i < depth; i++) {
                        bufs[i] = arena.allocate(512);
                    }
                    try {
                        for (int i = 0; i < perThread + depth; i++) {
                            int slot = i % depth;
                            if (inFlight[slot] != null) {
                                int r = i % 2 == 0 ? inFlight[slot].join() : inFlight[slot].get();
                                assertEquals(512, r);
                                if (reads[slot]) {
                                    // The block holds the byte its offset says: written below before any read of it.
                                    byte want = (byte) (offsets[slot] / 512);
                                    byte got = bufs[slot].get(ValueLayout.JAVA_BYTE, 0);
                                    assertTrue(got == want || got == 0, "block " + offsets[slot] + ": " + got);
                                }
                            }
                            if (i >= perThread) {
                                continue;
                            }
                            long off = id * region + 512L * rnd.nextInt((int) (region / 512));
                            offsets[slot] = off;
                            reads[slot] = rnd.nextBoolean();
                            if (reads[slot]) {
                                inFlight[slot] = disk.read(off, bufs[slot]);
                            } else {
                                bufs[slot].fill((byte) (off / 512));
                                inFlight[slot] = disk.write(off, bufs[slot]);
                            }
                        }
                    } catch (InterruptedException | ExecutionException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (CompletableFuture<Void> f : done) {
                f.get();
            }
            assertEquals(0, disk.inFlight());
            long ops = disk.stats(BlockStats.Op.READ).ops() + disk.stats(BlockStats.Op.WRITE).ops();
            assertEquals((long) threads * perThread, ops, "every request ran once");
        }
    }
}
