package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A nested wait and the transport: it reaps completions (io_uring CQEs, epoll events) and blocks in the
 * transport, so a completion, a bottom half or a timer wakes it; it does not re-enter the transport from
 * inside the transport's own run, nor touch it while a Netty channel is registered. Each case runs on
 * io_uring and epoll with a pipe: a handle that reads (io_uring) or watches (epoll) its read end, and a
 * test thread that writes a byte. Rechecks are an hour apart, so only a real wake-up ends a sleep.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedLoopTransportTest {
    private AioContext ctx;
    private Pipe pipe;

    @AfterEach
    void stop() throws Exception {
        if (ctx != null) {
            NestedLoopTest.closeWithin(ctx, Duration.ofSeconds(10));
        }
        if (pipe != null) {
            pipe.closeFds();
        }
    }

    private void start(Transport t) throws Exception {
        Assumptions.assumeTrue(AioContext.isAvailable(t), t + " is not available here");
        ctx = AioContext.builder().transport(t).recheckInterval(Duration.ofHours(1)).build();
        pipe = t == Transport.IO_URING ? new UringPipe() : new EpollPipe();
        pipe.register(ctx);
    }

    /** The brief's wake-up by a completion: a byte arrives while the nested wait sleeps in the transport. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL"})
    void aCompletionArrivingWhileItSleepsEndsANestedWait(Transport t) throws Exception {
        start(t);
        AtomicBoolean returned = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        ctx.execute(() -> {
            pipe.arm();
            waiting.countDown();
            ctx.runUntil(() -> pipe.handled.get() == 1);
            returned.set(true);
        });
        waiting.await();
        Thread.sleep(20); // most likely asleep in the transport by now
        pipe.writeByte();
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the completion never reached the wait");
    }

    /**
     * A bottom half scheduled from another thread wakes a nested wait asleep in the transport; twenty times
     * in a row, so a wake-up used up by one wait (a transport's wake-up flag left set) shows.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL"})
    void aBottomHalfWakesANestedWaitAsleepInTheTransport(Transport t) throws Exception {
        start(t);
        ctx.execute(pipe::arm); // a request in flight, so the waits sleep in the transport
        AtomicBoolean flag = new AtomicBoolean();
        BottomHalf setFlag = ctx.newBottomHalf(() -> flag.set(true));
        for (int round = 0; round < 20; round++) {
            flag.set(false);
            AtomicBoolean returned = new AtomicBoolean();
            CountDownLatch waiting = new CountDownLatch(1);
            ctx.execute(() -> {
                waiting.countDown();
                ctx.runUntil(flag::get);
                returned.set(true);
            });
            waiting.await();
            Thread.sleep(2);
            setFlag.schedule();
            assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "round " + round + ": the wait slept on");
        }
    }

    /** A timer wakes a nested wait asleep in the transport at its deadline. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL"})
    void aTimerWakesANestedWaitAsleepInTheTransport(Transport t) throws Exception {
        start(t);
        AtomicBoolean flag = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        ctx.execute(() -> {
            pipe.arm();
            ctx.schedule(() -> flag.set(true), 20, TimeUnit.MILLISECONDS);
            ctx.runUntil(flag::get);
            returned.set(true);
        });
        assertTrue(ctx.runUntil(returned::get, Duration.ofSeconds(10)), "the timer never woke the wait");
    }

    /**
     * A wait started in the handle's own handle() must not run the transport again (its handler is not
     * re-entrant): bottom halves still run there, a completion only comes after the callback returns.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL"})
    void aNestedWaitInsideTheTransportsRunLeavesTheTransportAlone(Transport t) throws Exception {
        start(t);
        AtomicReference<String> inside = new AtomicReference<>();
        AtomicBoolean bhRan = new AtomicBoolean();
        BottomHalf bh = ctx.newBottomHalf(() -> bhRan.set(true));
        pipe.onHandle = n -> {
            if (n != 1) {
                return;
            }
            pipe.arm();
            writeQuietly(pipe);
            bh.schedule();
            boolean gotBh = ctx.runUntil(bhRan::get, Duration.ofSeconds(5));
            boolean gotSecond = ctx.runUntil(() -> pipe.handled.get() >= 2, Duration.ofMillis(50));
            inside.set("bottom half " + gotBh + ", second completion inside " + gotSecond);
        };
        ctx.execute(pipe::arm);
        pipe.writeByte();
        assertTrue(ctx.runUntil(() -> pipe.handled.get() >= 2, Duration.ofSeconds(10)), "second completion lost");
        assertEquals("bottom half true, second completion inside false", inside.get());
    }

    /** While a Netty channel is registered, a nested wait leaves the transport (and so channel I/O) alone. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"IO_URING", "EPOLL"})
    void whileANettyChannelIsRegisteredANestedWaitLeavesTheTransportAlone(Transport t) throws Exception {
        start(t);
        io.netty.channel.Channel server = t == Transport.IO_URING ? new IoUringServerSocketChannel()
                : new EpollServerSocketChannel();
        ChannelFuture registered = ctx.ioEventLoop().register(server);
        registered.sync();
        server.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        CompletableFuture<Boolean> withChannel = new CompletableFuture<>();
        ctx.execute(() -> {
            pipe.arm();
            writeQuietly(pipe);
            withChannel.complete(ctx.runUntil(() -> pipe.handled.get() == 1, Duration.ofMillis(50)));
        });
        assertFalse(withChannel.get(10, TimeUnit.SECONDS), "a nested wait reaped the transport beside a channel");
        assertTrue(ctx.runUntil(() -> pipe.handled.get() == 1, Duration.ofSeconds(10)));
        server.close().sync();
        CompletableFuture<Boolean> withoutChannel = new CompletableFuture<>();
        ctx.execute(() -> {
            pipe.arm();
            writeQuietly(pipe);
            withoutChannel.complete(ctx.runUntil(() -> pipe.handled.get() == 2, Duration.ofSeconds(5)));
        });
        assertTrue(withoutChannel.get(10, TimeUnit.SECONDS), "the channel's close did not give the transport back");
    }

    private static void writeQuietly(Pipe p) {
        try {
            p.writeByte();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // --- the pipe handles ---------------------------------------------------------------------------------

    /** A pipe and a handle on its read end; {@code handled} counts completions, {@code onHandle} sees each. */
    private abstract static class Pipe {
        final FileDescriptor[] fds;
        final AtomicInteger handled = new AtomicInteger();
        final Arena arena = Arena.ofShared();
        final MemorySegment buf = arena.allocate(64);
        volatile java.util.function.IntConsumer onHandle = n -> { };
        IoRegistration registration;
        /**
         * Scheduled after each completion: waiters off the loop are re-checked after bottom halves, not after
         * a handle's callback (the engine's handles deliver through a bottom half too).
         */
        BottomHalf recheckWaiters;

        Pipe() throws IOException {
            fds = FileDescriptor.pipe();
        }

        void register(AioContext ctx) throws Exception {
            recheckWaiters = ctx.newBottomHalf(() -> { });
            registration = ctx.ioEventLoop().register((io.netty.channel.IoHandle) this).sync().getNow();
        }

        /** Loop: ask for the next completion. */
        abstract void arm();

        void writeByte() throws IOException {
            MemorySegment one = arena.allocate(1);
            assertEquals(1, fds[1].writeAddress(one.address(), 0, 1));
        }

        void completed() {
            onHandle.accept(handled.incrementAndGet());
            recheckWaiters.schedule();
        }

        void closeFds() throws IOException {
            fds[0].close();
            fds[1].close();
            // The arena stays open: an io_uring read may still be in the kernel until the ring is gone.
        }
    }

    /** io_uring: one READ SQE per arm; its CQE is the completion. */
    private static final class UringPipe extends Pipe implements IoUringIoHandle {
        UringPipe() throws IOException {
        }

        @Override
        void arm() {
            long ud = registration.submit(new IoUringIoOps((byte) 22, (byte) 0, (short) 0, fds[0].intValue(), 0L,
                    buf.address(), 1, 0, (short) 1, (short) 0, (short) 0, 0, 0L));
            assertTrue(ud != 0, "submit refused");
        }

        @Override
        public void handle(IoRegistration r, IoEvent e) {
            assertEquals(1, ((IoUringIoEvent) e).res());
            completed();
        }

        @Override
        public void close() {
            registration.cancel();
        }
    }

    /** epoll: level-triggered EPOLLIN on the read end; each event reads its byte. */
    private static final class EpollPipe extends Pipe implements EpollIoHandle {
        EpollPipe() throws IOException {
        }

        @Override
        public FileDescriptor fd() {
            return fds[0];
        }

        private boolean interested;

        /** The interest stays (level-triggered): each byte written is one event, once it is read. */
        @Override
        void arm() {
            if (!interested) {
                try {
                    registration.submit(EpollIoOps.EPOLLIN);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                interested = true;
            }
        }

        @Override
        public void handle(IoRegistration r, IoEvent e) {
            try {
                assertEquals(1, fds[0].readAddress(buf.address(), 0, 1));
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
            completed();
        }

        @Override
        public void close() {
            try {
                registration.cancel();
            } catch (Exception e) {
                assertNull(e);
            }
        }
    }
}
