package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storm: two application threads keep 2 × {@value #SLOTS} requests in flight (reads, writes, write-zeroes, flushes,
 * out-of-range reads, and future-form writes of which a third are cancelled) on three images — two raw (one of them
 * on a failing disk: injected EIO, EAGAIN, short transfers and stalls), one lz4 —
 * while a chaos thread resizes the pool and closes and reopens backends under them with random engines, and every
 * round ends by closing the whole context mid-storm. A new context, pool model and set of engines opens the same
 * images for the next round. Checked for every request: it completed exactly once (a second completion fails a CAS,
 * a lost one leaves its slot out when the round ends), with the result its operation calls for (EBADF only from a
 * closed backend, EINVAL for the range), reads returning exactly the last completed write of their block across
 * every close and reopen, cancelled writes leaving no trace, no buffer written after its request completed (a poison
 * pattern between requests), no thread left behind, and the lz4 image passing its check afterwards.
 *
 * <p>Size: {@code -Dstorm.requests=N} (default 10^6, the CI form; the README's long form runs 10^7), and
 * {@code -Dstorm.seed=S} replays a failure's seed (printed with it).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BlockStormTest {
    private static final long REQUESTS = Long.getLong("storm.requests", 1_000_000);
    private static final long PER_ROUND = 125_000;
    private static final int SUBMITTERS = 2;
    private static final int SLOTS = 48;
    private static final int BLOCKS = 256;
    private static final String[] FORMATS = {"raw", "raw", "lz4"};
    /**
     * Image 1's disk fails: EIO for 1 % of reads and writes (the request fails; a failed write leaves the block as it
     * was), EAGAIN for 2 % of anything and short transfers for 2 % of reads and writes (which the backend must hide:
     * it retries and continues), and 1 ms stalls for 0.5 % (on a loop timer, which a close must not lose).
     */
    private static final String FAULTY = "read:errno=EIO:prob=0.01:seed=1;write:errno=EIO:prob=0.01:seed=2;"
            + "any:errno=EAGAIN:prob=0.02:seed=3;read:short=1024:prob=0.02:seed=4;write:short=512:prob=0.02:seed=5;"
            + "any:delay=1:prob=0.005:seed=6";
    static final int FAULTY_IMAGE = 1;

    @TempDir
    Path dir;

    private final StormLedger ledger = new StormLedger();
    private final AtomicLong stamps = new AtomicLong();
    private final List<StormSlot> allSlots = new ArrayList<>();

    @Test
    void everyRequestCompletesOnceWithItsResultThroughClosesCancelsAndResizes() throws Exception {
        long seed = Long.getLong("storm.seed", System.nanoTime());
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        // tmpfs where there is one: flushes there cost nothing, so the storm exercises the engine, not the disk.
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "aioemu-storm") : dir;
        try (Arena arena = Arena.ofShared()) {
            Path[] images = createImages(base);
            StormShadow[] shadows = new StormShadow[images.length];
            for (int i = 0; i < shadows.length; i++) {
                shadows[i] = new StormShadow(BLOCKS);
            }
            List<BlockingQueue<StormSlot>> homes = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                BlockingQueue<StormSlot> home = new ArrayBlockingQueue<>(SLOTS);
                for (int k = 0; k < SLOTS; k++) {
                    StormSlot slot = new StormSlot(arena.allocate(StormShadow.BLOCK, StormShadow.BLOCK), home, ledger);
                    home.add(slot);
                    allSlots.add(slot);
                }
                homes.add(home);
            }
            long rounds = Math.max(4, (REQUESTS + PER_ROUND - 1) / PER_ROUND);
            for (int round = 0; round < rounds && ledger.failureCount() == 0; round++) {
                runRound(new SplittableRandom(seed * 31 + round), images, shadows, homes,
                        REQUESTS * (round + 1) / rounds);
            }
            assertEquals(List.of(), ledger.failures(), "seed " + seed + ": " + ledger);
            assertTrue(ledger.completed.sum() >= REQUESTS, ledger.toString());
            assertTrue(ledger.cancelled.sum() > 0 && ledger.refusedClosed.sum() > 0 && ledger.backendReopens.sum() > 0
                    && ledger.poolResizes.sum() > 0 && ledger.injectedErrors.sum() > 0, "the storm did not exercise everything: " + ledger);
            Lz4Images.CheckResult check = Lz4Images.check(images[2], false);
            assertTrue(check.corruptions().isEmpty(), "lz4 image after the storm: " + check);
            System.out.println("storm, seed " + seed + ": " + ledger);
        } finally {
            if (!base.equals(dir)) {
                try (Stream<Path> files = Files.walk(base)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        assertNoThreadLeft(before);
    }

    private static Path[] createImages(Path base) throws IOException {
        Path[] images = new Path[FORMATS.length];
        long size = (long) BLOCKS * StormShadow.BLOCK;
        for (int i = 0; i < images.length; i++) {
            images[i] = base.resolve("storm" + i + "." + FORMATS[i]);
            if (FORMATS[i].equals("lz4")) {
                Lz4Images.create(images[i], size, Lz4Images.DEFAULT_CLUSTER_SIZE);
            } else {
                try (RandomAccessFile f = new RandomAccessFile(images[i].toFile(), "rw")) {
                    f.setLength(size);
                }
            }
        }
        return images;
    }

    /** One context's life: storm until the ledger reaches {@code completedTarget}, then close the context mid-storm. */
    private void runRound(SplittableRandom rnd, Path[] images, StormShadow[] shadows, List<BlockingQueue<StormSlot>> homes,
            long completedTarget) throws Exception {
        ThreadPoolConfig pool = ThreadPoolConfig.defaults().withModel(rnd.nextBoolean() ? PoolModel.QUEUE : PoolModel.RINGS)
                .withLimits(0, 1 + rnd.nextInt(6)).withIdleTimeout(Duration.ofMillis(2 + rnd.nextInt(40)))
                .withWorkerSpinNanos(rnd.nextBoolean() ? 0 : ThreadPoolConfig.DEFAULT_WORKER_SPIN_NANOS);
        AioContext ctx = AioContext.builder().threadPool(pool).build();
        ledger.contextClosing = false;
        FaultInjection[] faults = {FaultInjection.none(), FaultInjection.parse(FAULTY), FaultInjection.none()};
        StormBackends backends = new StormBackends(ctx, images, FORMATS, faults, rnd);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> submitters = new ArrayList<>();
        Throwable[] crashed = new Throwable[SUBMITTERS];
        for (int s = 0; s < SUBMITTERS; s++) {
            int index = s;
            SplittableRandom own = rnd.split();
            BlockingQueue<StormSlot> home = homes.get(s);
            Thread t = new Thread(() -> {
                try {
                    submit(ctx, backends, shadows, home, own, stop);
                } catch (Throwable e) {
                    crashed[index] = e;
                }
            }, "storm-submitter-" + s);
            t.start();
            submitters.add(t);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try {
            while (ledger.completed.sum() < completedTarget && ledger.failureCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1 + rnd.nextInt(4));
                int action = rnd.nextInt(10);
                if (action < 4) {
                    ctx.threadPool().setLimits(rnd.nextInt(3), 1 + rnd.nextInt(8) + 2);
                    ledger.poolResizes.increment();
                } else if (action < 6) {
                    backends.reopen(rnd.nextInt(images.length), rnd);
                    ledger.backendReopens.increment();
                }
            }
        } finally {
            ledger.contextClosing = true;
            ctx.close(); // mid-storm: the submitters are still handing requests over
            stop.set(true);
            for (Thread t : submitters) {
                t.join();
            }
        }
        for (Throwable t : crashed) {
            if (t != null) {
                throw new AssertionError("a submitter crashed with " + backends.describe(), t);
            }
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (BlockingQueue<StormSlot> home : homes) {
            while (home.size() < SLOTS && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
        }
        List<String> lost = allSlots.stream().filter(StormSlot::inFlight).map(StormSlot::toString).toList();
        if (!lost.isEmpty()) {
            ledger.fail(lost.size() + " requests never completed after their context closed (" + backends.describe()
                    + "): " + lost.subList(0, Math.min(8, lost.size())));
        }
    }

    /** A submitter: takes a free slot, picks an operation and a block it may own, hands the request over. */
    private void submit(AioContext ctx, StormBackends backends, StormShadow[] shadows, BlockingQueue<StormSlot> home,
            SplittableRandom rnd, AtomicBoolean stop) throws InterruptedException {
        while (!stop.get()) {
            StormSlot s = home.poll(5, TimeUnit.MILLISECONDS);
            if (s == null) {
                continue;
            }
            s.take();
            s.image = rnd.nextInt(shadows.length);
            s.shadow = shadows[s.image];
            s.backends = backends;
            s.block = -1;
            int dice = rnd.nextInt(100);
            if (dice < 4) {
                s.op = StormSlot.Op.FLUSH;
            } else if (dice < 7) {
                s.op = StormSlot.Op.OUT_OF_RANGE;
            } else {
                int block = rnd.nextInt(BLOCKS);
                if (!s.shadow.tryLock(block)) {
                    s.refused(); // another request owns the block; try again with another
                    continue;
                }
                s.block = block;
                s.op = dice < 50 ? StormSlot.Op.READ : dice < 82 ? StormSlot.Op.WRITE
                        : dice < 87 ? StormSlot.Op.ZEROES : StormSlot.Op.FUTURE_WRITE;
            }
            if (s.op == StormSlot.Op.WRITE || s.op == StormSlot.Op.FUTURE_WRITE) {
                s.stamp = stamps.incrementAndGet();
                StormShadow.fill(s.buffer, s.stamp);
            }
            if (s.op == StormSlot.Op.FUTURE_WRITE) {
                writeWithFuture(s, backends, rnd);
                continue;
            }
            try {
                ctx.execute(s);
            } catch (RejectedExecutionException e) {
                ledger.refusedByContext.increment();
                s.refused();
            }
        }
    }

    private void writeWithFuture(StormSlot s, StormBackends backends, SplittableRandom rnd) {
        CompletableFuture<Integer> f = backends.current(s.image).write((long) s.block * StormShadow.BLOCK, s.buffer);
        f.whenComplete(s::futureDone);
        if (rnd.nextInt(3) == 0) {
            try {
                if (f.cancel(true) && !f.isCancelled()) {
                    ledger.fail("cancel returned true for a future that is not cancelled: " + s);
                }
            } catch (RejectedExecutionException e) {
                if (!ledger.contextClosing) {
                    ledger.fail("cancel refused while the context is open: " + e);
                }
            }
        }
    }

    /** Every thread the storm started has ended (the pools' workers, the loops, anything they started). */
    private static void assertNoThreadLeft(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> left;
        do {
            left = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive() && !jvmOwned(t.getName())) {
                    left.add(t.getName());
                }
            }
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left, "threads left after every context closed");
    }

    /** Threads the JDK starts on its own schedule, which outlive any test. */
    private static boolean jvmOwned(String name) {
        return name.startsWith("ForkJoinPool.commonPool") || name.equals("process reaper")
                || name.equals("Attach Listener") || name.equals("Common-Cleaner");
    }
}
