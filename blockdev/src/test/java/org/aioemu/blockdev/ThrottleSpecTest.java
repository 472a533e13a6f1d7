package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The throttle driver as a block spec names it: stacked over raw, lz4 and other filters with the data intact, shared
 * by name, refused clearly when misused; and every request completing exactly once under a random mixed load.
 */
class ThrottleSpecTest extends ContextFixture {
    private static final int SIZE = 1 << 20;

    /** Random writes then reads through {@code spec}, compared with a model of the image. */
    private void roundTrip(BlockSpec spec) throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] model = new byte[SIZE];
        try (BlockBackend disk = BlockBackend.open(ctx, spec)) {
            for (int i = 0; i < 40; i++) {
                int len = 512 * (1 + rnd.nextInt(32));
                long off = 512L * rnd.nextInt((SIZE - len) / 512);
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                System.arraycopy(data, 0, model, (int) off, len);
                MemorySegment buf = arena.allocate(len, 4096);
                MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, len);
                assertEquals(len, disk.write(off, buf).get(10, TimeUnit.SECONDS));
            }
            MemorySegment all = arena.allocate(SIZE, 4096);
            assertEquals(SIZE, disk.read(0, all).get(10, TimeUnit.SECONDS));
            assertArrayEquals(model, all.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    @Timeout(60)
    void stacksOverRawLz4AndAWindowWithTheDataIntact() throws Exception {
        Path raw = dir.resolve("disk.raw");
        RawImage.create(raw, SIZE);
        roundTrip(BlockSpec.parse("driver=throttle,throttling.iops-total=2000,file.driver=raw,file.filename=" + raw));
        Path lz4 = dir.resolve("disk.lz4");
        Lz4Images.create(lz4, SIZE, 65536);
        roundTrip(BlockSpec.parse("driver=throttle,throttling.bps-total=64M,file.driver=lz4,file.filename=" + lz4));
        // under a raw window and over a throttle of its own: two filters, two sets of limits
        Path big = dir.resolve("big.raw");
        RawImage.create(big, 2 * SIZE);
        roundTrip(BlockSpec.parse("driver=raw,offset=1M,size=1M,file.driver=throttle,file.throttling.iops-write=500,"
                + "file.file.driver=throttle,file.file.throttling.bps-total=32M,file.file.file.driver=file,"
                + "file.file.file.filename=" + big));
    }

    @Test
    void misuseIsRefusedWithOneClearLine() {
        assertEquals("the throttle driver needs a file node (file.driver=...)", assertThrows(
                IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse(
                        "driver=throttle,throttling.iops-total=5"))).getMessage());
        String unknown = assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse(
                "driver=throttle,throttling.iops=5,file.driver=null-co"))).getMessage();
        assertTrue(unknown.startsWith("block driver 'throttle' does not take the option throttling.iops (it takes: "),
                unknown);
        assertEquals("throttling option iops-total=5x: expected a whole number from 0 to 1000000000000000 (k, M, G, T"
                + " multiply by 1024)", assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx,
                BlockSpec.parse("driver=throttle,throttling.iops-total=5x,file.driver=null-co"))).getMessage());
    }

    @Test
    void aNamedGroupKeepsItsLimitsAndSpansLoops() throws Exception {
        String name = "spec-" + System.nanoTime();
        String member = "driver=throttle,throttle-group=" + name + ",throttling.iops-total=100,file.driver=null-co";
        try (BlockBackend first = BlockBackend.open(ctx, BlockSpec.parse(member))) {
            String other = assertThrows(IllegalArgumentException.class, () -> BlockBackend.open(ctx, BlockSpec.parse(
                    member.replace("100", "200")))).getMessage();
            assertEquals("throttle group '" + name + "' already has the limits iops-total=100; a member gives"
                    + " iops-total=200 (give the same, or none)", other);
            try (AioContext elsewhere = AioContext.create();
                 BlockBackend second = BlockBackend.open(elsewhere, BlockSpec.parse(member))) {
                assertEquals(2, ThrottleGroup.named(name, null).members()); // a group spans loops, as in QEMU
                assertEquals(512, second.read(0, arena.allocate(512)).get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, ThrottleGroup.named(name, null).members());
        }
        // once its last member is closed the name is free again, for other limits
        try (BlockBackend again = BlockBackend.open(ctx, BlockSpec.parse(member.replace("100", "300")))) {
            assertEquals(300, ThrottleGroup.named(name, null).limits().iopsTotal().avg());
        }
    }

    @Test
    void anEmbeddersGroupIsSharedByPassingIt() throws Exception {
        ThrottleGroup g = ThrottleGroup.create("mine", ThrottleLimits.NONE.with("iops-total", 100).check());
        Path image = dir.resolve("a.raw");
        try (BlockBackend a = BlockBackend.create(ctx, image, SIZE, BlockBackendOptions.defaults().withThrottle(g));
             BlockBackend b = BlockBackend.open(ctx, BlockSpec.parse("driver=null-co"), g)) {
            assertEquals(2, g.members());
            assertEquals("raw", a.format());
            assertEquals(512, a.write(0, arena.allocate(512)).get(5, TimeUnit.SECONDS));
            assertEquals(512, b.read(0, arena.allocate(512)).get(5, TimeUnit.SECONDS));
        }
        assertEquals(0, g.members());
        assertThrows(IllegalArgumentException.class, () -> ThrottleGroup.create("bad",
                ThrottleLimits.NONE.with("iops-total-max", 5)));
    }

    /**
     * Two backends of one group and one of its own, under random reads, vectored reads and writes, discards,
     * write-zeroes, flushes and cancels from the loop: every request completes exactly once, with its real result
     * or ECANCELED, and closing with requests still held back loses none.
     */
    @Test
    @Timeout(60)
    void everyRequestCompletesExactlyOnceUnderARandomMixedLoad() throws Exception {
        String name = "mixed-" + System.nanoTime();
        BlockBackend[] disks = {
                BlockBackend.open(ctx, BlockSpec.parse("driver=throttle,throttle-group=" + name
                        + ",throttling.iops-total=3000,throttling.bps-total=16M,throttling.iops-size=16k,file.driver=null-co")),
                BlockBackend.open(ctx, BlockSpec.parse("driver=throttle,throttle-group=" + name + ",file.driver=null-co")),
                BlockBackend.open(ctx, BlockSpec.parse("driver=throttle,throttling.iops-read=500,throttling.iops-write=500,"
                        + "throttling.iops-write-max=2000,file.driver=null-co")),
        };
        int n = 3000;
        int[] completions = new int[n];
        int[] results = new int[n];
        SplittableRandom rnd = new SplittableRandom(99);
        MemorySegment buf = arena.allocate(65536, 4096);
        MemorySegment[] iov = {buf.asSlice(0, 4096), buf.asSlice(4096, 8192), buf.asSlice(16384, 512)};
        CompletableFuture<Void> issued = new CompletableFuture<>();
        ctx.execute(() -> {
            for (int i = 0; i < n; i++) {
                int id = i;
                BlockBackend d = disks[rnd.nextInt(disks.length)];
                BlockCompletion c = (r, detail) -> {
                    completions[id]++;
                    results[id] = r;
                };
                long off = 512L * rnd.nextInt(1000);
                int len = 512 * (1 + rnd.nextInt(128));
                switch (rnd.nextInt(7)) {
                    case 0 -> d.read(off, buf.asSlice(0, len), c);
                    case 1 -> d.readv(off, iov, 1 + rnd.nextInt(3), c);
                    case 2 -> d.write(off, buf.asSlice(0, len), c);
                    case 3 -> d.writev(off, iov, 1 + rnd.nextInt(3), RequestFlags.NONE, c);
                    case 4 -> d.discard(off, len, c);
                    case 5 -> d.writeZeroes(off, len, c);
                    default -> d.flush(c);
                }
            }
            issued.complete(null);
        });
        issued.get(10, TimeUnit.SECONDS);
        Thread.sleep(300); // some have run, most wait
        for (BlockBackend d : disks) {
            d.close(); // lets everything still held back go
        }
        int[] seen = CompletableFuture.supplyAsync(completions::clone, ctx::execute).get(5, TimeUnit.SECONDS);
        int[] got = CompletableFuture.supplyAsync(results::clone, ctx::execute).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i], "request " + i + " completed " + seen[i] + " times");
            assertTrue(got[i] >= 0, "request " + i + " failed with " + got[i]);
        }
    }

    /**
     * One group over three loops, members closing in random order while the others' requests wait (so a grant or
     * the timer may be on the loop of the member that leaves): every request of every member completes exactly once,
     * with its real result, over several randomized rounds.
     */
    @Test
    @Timeout(120)
    void acrossLoopsEveryRequestCompletesOnceWhileMembersLeave() throws Exception {
        for (int round = 0; round < 6; round++) {
            SplittableRandom rnd = new SplittableRandom(1000 + round);
            String name = "loops-mixed-" + System.nanoTime();
            String spec = "driver=throttle,throttle-group=" + name + ",throttling.iops-total=" + (1000 + rnd.nextInt(4000))
                    + ",throttling.bps-total=32M,file.driver=null-co";
            AioContext[] loops = {ctx, AioContext.create(), AioContext.create()};
            try {
                BlockBackend[] disks = new BlockBackend[loops.length];
                int n = 800;
                int[][] completions = new int[loops.length][n];
                int[][] results = new int[loops.length][n];
                for (int k = 0; k < loops.length; k++) {
                    disks[k] = BlockBackend.open(loops[k], BlockSpec.parse(spec));
                }
                MemorySegment buf = arena.allocate(65536, 4096);
                List<CompletableFuture<Void>> issued = new java.util.ArrayList<>();
                for (int k = 0; k < loops.length; k++) {
                    int member = k;
                    long seed = rnd.nextLong();
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    issued.add(done);
                    loops[k].execute(() -> { // each member's requests from its own loop, its arrays its own
                        SplittableRandom r = new SplittableRandom(seed);
                        for (int i = 0; i < n; i++) {
                            int id = i;
                            BlockCompletion c = (res, detail) -> {
                                completions[member][id]++;
                                results[member][id] = res;
                            };
                            long off = 512L * r.nextInt(1000);
                            int len = 512 * (1 + r.nextInt(64));
                            switch (r.nextInt(4)) {
                                case 0 -> disks[member].read(off, buf.asSlice(0, len), c);
                                case 1 -> disks[member].write(off, buf.asSlice(0, len), c);
                                case 2 -> disks[member].writeZeroes(off, len, c);
                                default -> disks[member].flush(c);
                            }
                        }
                        done.complete(null);
                    });
                }
                CompletableFuture.allOf(issued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                Thread.sleep(100 + rnd.nextInt(300));
                List<Integer> order = new java.util.ArrayList<>(List.of(0, 1, 2));
                java.util.Collections.shuffle(order, new java.util.Random(rnd.nextLong()));
                for (int k : order) {
                    disks[k].close(); // lets its waiting requests go; the others' go on under the limits
                    Thread.sleep(rnd.nextInt(50));
                }
                for (int k = 0; k < loops.length; k++) {
                    int member = k;
                    int[] seen = CompletableFuture.supplyAsync(() -> completions[member].clone(), loops[k]::execute)
                            .get(5, TimeUnit.SECONDS);
                    int[] got = CompletableFuture.supplyAsync(() -> results[member].clone(), loops[k]::execute)
                            .get(5, TimeUnit.SECONDS);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen[i], "round " + round + ", member " + k + ", request " + i + " completed "
                                + seen[i] + " times");
                        assertTrue(got[i] >= 0, "round " + round + ", member " + k + ", request " + i + ": " + got[i]);
                    }
                }
            } finally {
                loops[1].close();
                loops[2].close();
            }
        }
    }

    /** Cancelling at random while requests wait: each completes once, ECANCELED exactly when the cancel took. */
    @Test
    @Timeout(30)
    void cancelledWaitingRequestsCompleteOnceWithEcanceled() throws Exception {
        ThrottleGroup g = ThrottleGroup.create(null, ThrottleLimits.NONE.with("iops-total", 200).check());
        int n = 400;
        int[] completions = new int[n];
        int[] results = new int[n];
        boolean[] cancelTook = new boolean[n];
        MemorySegment buf = arena.allocate(4096);
        CompletableFuture<ThrottleFilter> made = new CompletableFuture<>();
        ctx.execute(() -> {
            ThrottleFilter f = new ThrottleFilter(ctx, new NullDriver(ctx, SIZE, true), g);
            SplittableRandom rnd = new SplittableRandom(5);
            BlockCompletion[] cs = new BlockCompletion[n];
            for (int i = 0; i < n; i++) {
                int id = i;
                cs[i] = (r, detail) -> {
                    completions[id]++;
                    results[id] = r;
                };
                f.read(4096L * i, buf, cs[i]);
            }
            for (int i = 0; i < n; i++) {
                if (rnd.nextBoolean()) {
                    cancelTook[i] = f.cancel(cs[i]);
                }
            }
            made.complete(f);
        });
        ThrottleFilter f = made.get(5, TimeUnit.SECONDS);
        Thread.sleep(200);
        CompletableFuture.runAsync(f::drainBegin, ctx::execute).get(5, TimeUnit.SECONDS);
        ctx.runUntil(() -> f.inFlight() == 0);
        CompletableFuture.runAsync(f::close, ctx::execute).get(5, TimeUnit.SECONDS);
        int[] seen = CompletableFuture.supplyAsync(completions::clone, ctx::execute).get(5, TimeUnit.SECONDS);
        int[] got = CompletableFuture.supplyAsync(results::clone, ctx::execute).get(5, TimeUnit.SECONDS);
        int took = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i], "request " + i + " completed " + seen[i] + " times");
            assertEquals(cancelTook[i] ? -Errno.ECANCELED : 4096, got[i], "request " + i);
            took += cancelTook[i] ? 1 : 0;
        }
        assertTrue(took > 100, "only " + took + " cancels took, of about 180 waiting requests asked");
        assertEquals(0, g.members());
    }
}
