package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many requests at depth 32 against aioemu's server: random reads, writes (some FUA), trims and flushes over a small
 * region, never two at once on one block, on each of the client's transports; every request completes exactly once, every read returns what the last
 * write (or trim) left there, and the image file ends up equal to the model. Seeded, so a failure repeats.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdClientStressTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;
    private static final int DEPTH = 32;
    private static final int MAX_RUN = 4;

    @TempDir
    Path dir;

    /** One request of the run: what it was, and how often it completed. */
    private static final class Op {
        final char kind;
        final int first;
        final int count;
        final int bufferIndex;
        final byte[] expected;
        final AtomicInteger completions = new AtomicInteger();
        volatile String failure;

        Op(char kind, int first, int count, int bufferIndex, byte[] expected) {
            this.kind = kind;
            this.first = first;
            this.count = count;
            this.bufferIndex = bufferIndex;
            this.expected = expected;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"IO_URING", "EPOLL", "NIO"})
    void depth32RandomRequestsAllCompleteOnceWithTheRightData(String transport) throws Exception {
        Transport t = Transport.valueOf(transport);
        assumeTrue(AioContext.isAvailable(t), transport + " is not available here");
        long seed = t.ordinal();
        Path image = dir.resolve("s.raw");
        int total = 3000;
        try (Arena arena = Arena.ofShared(); AioContext serverCtx = AioContext.create();
             BlockBackend disk = BlockBackend.create(serverCtx, image, (long) BLOCK * BLOCKS, BlockBackendOptions.defaults());
             AioContext clientCtx = AioContext.builder().transport(t).build()) {
            NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0));
            try (NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
                MemorySegment[] buffers = new MemorySegment[DEPTH];
                for (int i = 0; i < DEPTH; i++) {
                    buffers[i] = arena.allocate((long) BLOCK * MAX_RUN, BLOCK);
                }
                Driver d = new Driver(c, buffers, new SplittableRandom(seed), total);
                clientCtx.execute(d::issue);
                d.done.get(90, TimeUnit.SECONDS);
                Thread.sleep(100); // room for a duplicate completion to show
                assertEquals(total, d.ops.size());
                for (Op op : d.ops) {
                    assertEquals(1, op.completions.get(), op.kind + " of blocks " + op.first + "+" + op.count);
                    assertNull(op.failure, op.failure);
                }
                assertEquals(DEPTH, d.maxInFlight, "the client had the full depth in flight");
                byte[] file = Files.readAllBytes(image);
                for (int b = 0; b < BLOCKS; b++) {
                    assertArrayEquals(d.model[b], java.util.Arrays.copyOfRange(file, b * BLOCK, (b + 1) * BLOCK), "block " + b);
                }
            } finally {
                server.close();
            }
        }
    }

    /** Issues and checks the requests, on the client's loop only. */
    private static final class Driver {
        final NbdClient c;
        final MemorySegment[] buffers;
        final SplittableRandom random;
        final int total;
        final byte[][] model = new byte[BLOCKS][BLOCK];
        final boolean[] busy = new boolean[BLOCKS];
        final boolean[] bufferBusy = new boolean[DEPTH];
        final List<Op> ops = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        int inFlight;
        int completed;
        int maxInFlight;

        Driver(NbdClient c, MemorySegment[] buffers, SplittableRandom random, int total) {
            this.c = c;
            this.buffers = buffers;
            this.random = random;
            this.total = total;
        }

        void issue() {
            while (inFlight < DEPTH && ops.size() < total) {
                int count = 1 + random.nextInt(MAX_RUN);
                int first = random.nextInt(BLOCKS - count + 1);
                boolean free = true;
                for (int b = first; b < first + count; b++) {
                    free &= !busy[b];
                }
                if (!free) {
                    continue; // another request has one of these blocks: pick again
                }
                int buf = 0;
                while (bufferBusy[buf]) {
                    buf++;
                }
                int roll = random.nextInt(100);
                char kind = roll < 45 ? 'w' : roll < 90 ? 'r' : roll < 95 ? 't' : 'f';
                long offset = (long) first * BLOCK;
                int length = count * BLOCK;
                MemorySegment seg = buffers[buf].asSlice(0, length);
                byte[] expected = null;
                if (kind == 'w') {
                    byte[] data = new byte[length];
                    random.nextBytes(data);
                    MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_BYTE, 0, length);
                    for (int i = 0; i < count; i++) {
                        model[first + i] = java.util.Arrays.copyOfRange(data, i * BLOCK, (i + 1) * BLOCK);
                    }
                } else if (kind == 't') {
                    for (int i = 0; i < count; i++) {
                        model[first + i] = new byte[BLOCK];
                    }
                } else if (kind == 'r') {
                    expected = new byte[length];
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(model[first + i], 0, expected, i * BLOCK, BLOCK);
                    }
                    seg.fill((byte) 0x5a); // stale bytes must not pass for data
                }
                Op op = new Op(kind, first, kind == 'f' ? 0 : count, buf, expected);
                for (int b = first; b < first + op.count; b++) {
                    busy[b] = true;
                }
                bufferBusy[buf] = true;
                ops.add(op);
                inFlight++;
                maxInFlight = Math.max(maxInFlight, c.inFlight() + 1);
                org.aioemu.blockdev.BlockCompletion done = (result, detail) -> completed(op, seg, result, detail, length);
                switch (kind) {
                    case 'w' -> c.write(offset, seg, random.nextInt(8) == 0, done);
                    case 'r' -> c.read(offset, seg, done);
                    case 't' -> c.trim(offset, length, done);
                    default -> c.flush(done);
                }
            }
        }

        void completed(Op op, MemorySegment seg, int result, String detail, int length) {
            if (op.completions.incrementAndGet() > 1) {
                return;
            }
            int want = op.kind == 'r' || op.kind == 'w' ? length : 0;
            if (result != want) {
                op.failure = op.kind + " completed with " + result + " (" + detail + "), not " + want;
            } else if (op.kind == 'r' && !java.util.Arrays.equals(op.expected, seg.toArray(ValueLayout.JAVA_BYTE))) {
                op.failure = "read of blocks " + op.first + "+" + op.count + " returned other data";
            }
            for (int b = op.first; b < op.first + op.count; b++) {
                busy[b] = false;
            }
            bufferBusy[op.bufferIndex] = false;
            inFlight--;
            completed++;
            if (completed == total) {
                done.complete(null);
            } else {
                issue();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aLargeIssueBurstGrowsTheSlotTable() throws Exception {
        Path image = dir.resolve("g.raw");
        try (Arena arena = Arena.ofShared(); AioContext serverCtx = AioContext.create();
             BlockBackend disk = BlockBackend.create(serverCtx, image, 1 << 20, BlockBackendOptions.defaults());
             AioContext clientCtx = AioContext.create()) {
            NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0));
            try (NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
                int n = 500; // more than the table's first 64 slots
                AtomicInteger ok = new AtomicInteger();
                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Void> all = new CompletableFuture<>();
                MemorySegment buf = arena.allocate(512);
                clientCtx.execute(() -> {
                    for (int i = 0; i < n; i++) {
                        c.read((long) i * 512 % (1 << 20), buf, (r, d) -> {
                            if (r == 512 && ok.incrementAndGet() == n) {
                                all.complete(null);
                            }
                        });
                    }
                    sent.set(c.inFlight());
                });
                all.get(30, TimeUnit.SECONDS);
                assertEquals(n, ok.get());
                assertEquals(n, sent.get(), "all were in flight at once");
            } finally {
                server.close();
            }
        }
    }
}
