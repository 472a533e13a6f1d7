package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IoUringEngine#close()} from one thread while others submit from off the loop, started together
 * and repeated many times with random timing: close always returns, and every request whose submit
 * returned completes exactly once, on the loop, before close returns. The race this hunts: a submitter
 * that counted itself as hopping, then saw the engine closed and backed out, after the loop had already
 * looked at the count and put off unregistering.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IoUringCloseRaceTest {
    private static final int ITERATIONS = 300;
    private static final int SUBMITTERS = 3;
    /** Requests per submitter, reused once they complete: enough to keep each submitter busy. */
    private static final int PER_SUBMITTER = 8;
    private static final int SIZE = 512;
    private static final long CLOSE_BOUND_SECONDS = 10;

    @TempDir
    Path dir;

    private AioContext ctx;
    private Arena arena;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        Requires.ioUring();
        ctx = AioContext.builder().transport(Transport.IO_URING).build();
        arena = Arena.ofShared();
        threads = Executors.newFixedThreadPool(SUBMITTERS + 1, r -> {
            Thread t = new Thread(r, "close-race");
            t.setDaemon(true); // a close that hangs must not keep the JVM alive
            return t;
        });
    }

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (ctx != null) {
            ctx.close(); // also releases a close() still waiting, should one have hung
        }
        if (arena != null) {
            arena.close();
        }
    }

    @Test
    void closeRacingOffLoopSubmittersReturnsAndCompletesEveryAcceptedRequestOnce() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Path path = dir.resolve("race");
        Files.write(path, new byte[SUBMITTERS * PER_SUBMITTER * SIZE]);
        int n = SUBMITTERS * PER_SUBMITTER;
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            AioRequest[] reqs = new AioRequest[n];
            MemorySegment[] bufs = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                reqs[i] = new AioRequest();
                bufs[i] = arena.allocate(SIZE);
            }
            int accepted = 0;
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                accepted += iteration(fh, reqs, bufs, random.nextLong(), "iteration " + iteration + ", seed " + seed);
            }
            assertTrue(accepted > 0, "no submit was ever accepted: the race was never run, seed " + seed);
            for (AioRequest req : reqs) {
                req.close();
            }
        }
    }

    /** One engine, submitters and a closer released together. Returns how many submits were accepted. */
    private int iteration(FileHandle fh, AioRequest[] reqs, MemorySegment[] bufs, long seed, String what) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        IoUringEngine engine = new IoUringEngine(ctx);
        Round round = new Round(reqs.length);
        CyclicBarrier go = new CyclicBarrier(SUBMITTERS + 1);
        List<Future<?>> submitters = new ArrayList<>();
        for (int s = 0; s < SUBMITTERS; s++) {
            int first = s * PER_SUBMITTER;
            long startDelay = random.nextLong(20_000);
            submitters.add(threads.submit(() -> {
                go.await();
                spin(startDelay);
                round.submitUntilStopped(engine, fh, reqs, bufs, first);
                return null;
            }));
        }
        long closeDelay = random.nextLong(200_000); // lands before, among or after the first submits
        Future<?> closing = threads.submit(() -> {
            go.await();
            spin(closeDelay);
            engine.close();
            return null;
        });
        try {
            closing.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail(what + ": close() did not return within " + CLOSE_BOUND_SECONDS + " s (" + round.accepted.get()
                    + " submits accepted, " + round.completed.get() + " completed, " + round.rejected.get() + " refused)");
        } finally {
            round.stop.set(true);
        }
        for (Future<?> f : submitters) {
            f.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
        }
        // close() returned only after the last completion: nothing may still be in flight, nothing twice, none off the loop.
        assertEquals(0, round.duplicates.get(), what + ": completions of a request not in flight");
        assertEquals(0, round.offLoop.get(), what + ": completions off the loop");
        assertEquals(0, round.wrong.get(), what + ": completions with a result other than " + SIZE);
        assertEquals(round.accepted.get(), round.completed.get(), what + ": accepted submits vs completions");
        for (int i = 0; i < reqs.length; i++) {
            assertEquals(0, round.inFlight.get(i), what + ": request " + i + " accepted but never completed");
        }
        return round.accepted.get();
    }

    /** The counts of one iteration. A request is in flight from just before its submit until its completion. */
    private final class Round {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicIntegerArray inFlight;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger offLoop = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();

        Round(int n) {
            inFlight = new AtomicIntegerArray(n);
        }

        /**
         * Submits this submitter's requests over and over, each again once it has completed, until stopped.
         * After close, every attempt is refused: the submitter keeps trying, so refusals keep racing the
         * loop's drain checks for as long as the close takes.
         */
        void submitUntilStopped(IoUringEngine engine, FileHandle fh, AioRequest[] reqs, MemorySegment[] bufs, int first) {
            for (int k = 0; !stop.get(); k = (k + 1) % PER_SUBMITTER) {
                int i = first + k;
                if (inFlight.get(i) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                inFlight.set(i, 1); // volatile: publishes nothing yet; the completion reads it on the loop
                reqs[i].prepareRead(fh, (long) i * SIZE, bufs[i]);
                try {
                    engine.submit(reqs[i], r -> completed(i, r));
                    accepted.incrementAndGet();
                } catch (IllegalStateException closed) {
                    inFlight.set(i, 0);
                    rejected.incrementAndGet();
                }
            }
        }

        /** On the loop: counts, then frees the request for its submitter (last, so the request is handed back whole). */
        private void completed(int i, int r) {
            if (!ctx.inLoop()) {
                offLoop.incrementAndGet();
            }
            if (r != SIZE) {
                wrong.incrementAndGet();
            }
            completed.incrementAndGet();
            if (!inFlight.compareAndSet(i, 1, 0)) {
                duplicates.incrementAndGet();
            }
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
