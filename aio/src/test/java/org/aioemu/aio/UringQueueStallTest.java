package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's answer to a ring that refuses SQEs (Netty's submit throwing: the kernel accepted none, or
 * io_uring_enter failed): the request goes back to the head of the queue and nothing is lost, whether a
 * CQE or the retry timer restarts it. The refusals come from a registration wrapper, since a real ring
 * refuses only under memory pressure.
 */
class UringQueueStallTest {
    @TempDir
    Path dir;

    /** Delegates to Netty's registration, throwing instead on every {@code period}-th submit and the first. */
    private static final class RefusingRegistration implements IoRegistration {
        final IoRegistration real;
        final int period;
        final AtomicInteger submits = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        RefusingRegistration(IoRegistration real, int period) {
            this.real = real;
            this.period = period;
        }

        @Override
        public <T> T attachment() {
            return real.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            int n = submits.getAndIncrement();
            if (n == 0 || n % period == 0) {
                refused.incrementAndGet();
                throw new RuntimeException("SQ ring full and no submissions accepted (simulated)");
            }
            return real.submit(ops);
        }

        @Override
        public boolean isValid() {
            return real.isValid();
        }

        @Override
        public boolean cancel() {
            return real.cancel();
        }
    }

    @Test
    void refusedSqesAreRetriedAndEveryRequestCompletesOnce() throws Exception {
        Requires.ioUring();
        int n = 500;
        Path path = dir.resolve("stall");
        byte[] data = TestSupport.randomBytes(new Random(8), n * 1024);
        Files.write(path, data);
        try (AioContext ctx = AioContext.builder().transport(Transport.IO_URING).build();
             Arena arena = Arena.ofShared();
             FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
            UringQueue queue = new UringQueue(ctx, 8, new AtomicInteger());
            IoRegistration real = ctx.ioEventLoop().register(queue).syncUninterruptibly().getNow();
            RefusingRegistration refusing = new RefusingRegistration(real, 7);
            AtomicInteger registered = new AtomicInteger();
            ctx.execute(() -> {
                queue.registered(refusing);
                registered.set(1);
            });
            ctx.runUntil(() -> registered.get() == 1);

            AioRequest[] reqs = new AioRequest[n];
            MemorySegment[] bufs = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                bufs[i] = arena.allocate(1024);
                reqs[i] = new AioRequest().prepareRead(fh, i * 1024L, bufs[i]);
            }
            ReadBurst.start(ctx, reqs, 1024, queue::accept).assertAllCompleteOnce(Duration.ofSeconds(30), "refused submissions");
            assertTrue(refusing.refused.get() > n / 7, "refusals: " + refusing.refused.get());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(Arrays.copyOfRange(data, i * 1024, (i + 1) * 1024), bufs[i].toArray(ValueLayout.JAVA_BYTE));
                reqs[i].close();
            }
            ctx.execute(queue::beginClose);
            assertTrue(ctx.runUntil(queue::isUnregistered, Duration.ofSeconds(10)), "unregistered once drained");
        }
    }
}
