package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancel of a request the io_uring engine holds in its overflow queue (accepted while all 65,536 tags
 * were taken): it is outstanding, so cancel takes it out, says so, and it completes once with -ECANCELED —
 * later, from the delivery bottom half, never inside cancel. The tags are filled as in
 * {@link IoUringEngineBehaviourTest}: every request submitted in one loop task, so none completes between.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IoUringOverflowCancelTest {
    private static final int OVERFLOW = 1000;
    private static final int N = UringSlots.MAX_SLOTS + OVERFLOW;
    /** Small reads: 66,536 of them need no more than 4 MiB of buffers. */
    private static final int SIZE = 64;
    /** The file holds this many distinct blocks; request i reads block i % BLOCKS. */
    private static final int BLOCKS = 1024;

    @TempDir
    Path dir;

    private AioContext ctx;
    private Arena arena;

    @BeforeEach
    void start() {
        Requires.ioUring();
        ctx = AioContext.builder().transport(Transport.IO_URING).build();
        arena = Arena.ofShared();
    }

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.close();
        }
        if (arena != null) {
            arena.close();
        }
    }

    @Test
    void cancelOfARequestWaitingForATagCompletesItOnceWithEcanceled() throws Exception {
        Path path = dir.resolve("overflow");
        byte[] data = TestSupport.randomBytes(new Random(9), BLOCKS * SIZE);
        Files.write(path, data);
        IoUringEngine engine = new IoUringEngine(ctx, 128);
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            MemorySegment all = arena.allocate((long) N * SIZE);
            AioRequest[] reqs = new AioRequest[N];
            for (int i = 0; i < N; i++) {
                reqs[i] = new AioRequest().prepareRead(fh, (long) (i % BLOCKS) * SIZE, all.asSlice((long) i * SIZE, SIZE));
            }
            AtomicIntegerArray calls = new AtomicIntegerArray(N);
            int[] results = new int[N]; // written and read on the loop, or after runUntil returned
            boolean[] cancelled = new boolean[N];
            boolean[] cancelledAgain = new boolean[N];
            AtomicInteger total = new AtomicInteger();
            AtomicInteger insideCancel = new AtomicInteger();
            boolean[] cancelling = new boolean[1]; // loop only: set while cancel runs
            ctx.execute(() -> {
                for (int i = 0; i < N; i++) {
                    int index = i;
                    engine.submit(reqs[i], r -> {
                        if (cancelling[0]) {
                            insideCancel.incrementAndGet();
                        }
                        results[index] = ctx.inLoop() ? r : Integer.MIN_VALUE;
                        calls.incrementAndGet(index);
                        total.incrementAndGet();
                    });
                }
                // Still in the same task: the first 65,536 hold every tag, the rest wait in the overflow queue.
                cancelling[0] = true;
                for (int i = UringSlots.MAX_SLOTS; i < N; i += 2) {
                    cancelled[i] = engine.cancel(reqs[i]);
                    cancelledAgain[i] = engine.cancel(reqs[i]);
                }
                cancelling[0] = false;
            });
            assertTrue(ctx.runUntil(() -> total.get() == N, Duration.ofSeconds(60)), total.get() + " of " + N + " completed");
            assertEquals(0, insideCancel.get(), "completions run inside cancel");
            for (int i = 0; i < N; i++) {
                assertEquals(1, calls.get(i), "completions of request " + i);
                boolean cancelTarget = i >= UringSlots.MAX_SLOTS && (i - UringSlots.MAX_SLOTS) % 2 == 0;
                if (cancelTarget) {
                    assertTrue(cancelled[i], "cancel of overflowed request " + i);
                    assertFalse(cancelledAgain[i], "a second cancel of request " + i + " after its result was decided");
                    assertEquals(-Errno.ECANCELED, results[i], "result of cancelled request " + i);
                } else {
                    assertEquals(SIZE, results[i], "result of request " + i);
                    int block = i % BLOCKS;
                    assertArrayEquals(Arrays.copyOfRange(data, block * SIZE, (block + 1) * SIZE),
                            all.asSlice((long) i * SIZE, SIZE).toArray(ValueLayout.JAVA_BYTE), "data of request " + i);
                }
                assertFalse(engine.cancel(reqs[i]), "cancel of completed request " + i);
            }
            for (AioRequest req : reqs) {
                req.close();
            }
        } finally {
            engine.close();
        }
    }
}
