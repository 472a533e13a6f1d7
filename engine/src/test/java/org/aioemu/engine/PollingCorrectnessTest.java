package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Work handed to the loop from other threads still runs, and runs promptly, on every transport with
 * polling off, with a short window (so the loop keeps crossing from polling to blocking, where a lost
 * wake-up would strand work) and with a long one. A lost wake-up shows as a ping that is never answered
 * (and may also hang close(), whose shutdown needs a wake-up too: hence the timeout on its own thread).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PollingCorrectnessTest {
    private static final long PING_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    static Stream<Arguments> configurations() {
        return Stream.of(Transport.IO_URING, Transport.EPOLL, Transport.NIO)
                .flatMap(t -> Stream.of(0L, 20_000L, 1_000_000L).map(max -> Arguments.of(t, max)));
    }

    private static AioContext open(Transport t, long pollMaxNs) {
        assumeTrue(AioContext.isAvailable(t), t + " is not available here");
        return AioContext.builder().transport(t).pollMaxNs(pollMaxNs).build();
    }

    @ParameterizedTest(name = "{0}, poll-max-ns {1}")
    @MethodSource("configurations")
    void pingsByTaskAndBottomHalfFromAnotherThreadAreAllAnswered(Transport t, long pollMaxNs) {
        try (AioContext ctx = open(t, pollMaxNs)) {
            AtomicInteger answered = new AtomicInteger();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Runnable answer = () -> {
                ranOn.set(Thread.currentThread());
                answered.incrementAndGet();
            };
            BottomHalf bh = ctx.newBottomHalf(answer);
            SplittableRandom rnd = new SplittableRandom(pollMaxNs ^ t.ordinal());
            for (int i = 1; i <= 4_000; i++) {
                if ((i & 1) == 0) {
                    bh.schedule();
                } else {
                    ctx.execute(answer);
                }
                long deadline = System.nanoTime() + PING_TIMEOUT_NANOS;
                while (answered.get() != i) {
                    assertTrue(System.nanoTime() - deadline < 0, "ping " + i + " not answered; " + ctx.pollStats());
                    Thread.onSpinWait();
                }
                pause(rnd); // land the next ping anywhere in the loop's poll -> block transition
            }
            assertSame(ctx.loopThread(), ranOn.get());
        }
    }

    @ParameterizedTest(name = "{0}, poll-max-ns {1}")
    @MethodSource("configurations")
    void timersFireOnTimeWhileTheLoopPolls(Transport t, long pollMaxNs) {
        try (AioContext ctx = open(t, pollMaxNs)) {
            PollingIdleTest.roundTrips(ctx, 2_000); // a grown window, if polling is on
            for (int i = 0; i < 20; i++) {
                AtomicLong firedAt = new AtomicLong();
                long start = System.nanoTime();
                ctx.schedule(() -> firedAt.set(System.nanoTime()), 2, TimeUnit.MILLISECONDS);
                assertTrue(ctx.runUntil(() -> firedAt.get() != 0, Duration.ofSeconds(5)), "timer " + i + " never fired");
                long late = firedAt.get() - start - TimeUnit.MILLISECONDS.toNanos(2);
                assertTrue(late >= 0, "timer " + i + " fired early");
                assertTrue(late < TimeUnit.MILLISECONDS.toNanos(500), "timer " + i + " late by " + late + " ns");
            }
        }
    }

    @ParameterizedTest(name = "{0}, poll-max-ns {1}")
    @MethodSource("configurations")
    void poolCompletionsFromOutsideSubmittersAllArriveOnce(Transport t, long pollMaxNs) throws Exception {
        try (AioContext ctx = open(t, pollMaxNs)) {
            ThreadPool pool = ctx.threadPool();
            int perThread = 20_000;
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger offLoop = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            Thread[] submitters = new Thread[2];
            for (int s = 0; s < submitters.length; s++) {
                SplittableRandom rnd = new SplittableRandom(pollMaxNs + s);
                submitters[s] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int expect = i & 0xfff;
                        pool.submit(() -> expect, r -> {
                            if (!ctx.inLoop()) {
                                offLoop.incrementAndGet();
                            }
                            if (r != expect) {
                                wrong.incrementAndGet();
                            }
                            completed.incrementAndGet();
                        });
                        if ((i & 63) == 0) {
                            pause(rnd);
                        }
                    }
                });
                submitters[s].start();
            }
            for (Thread s : submitters) {
                s.join();
            }
            int total = perThread * submitters.length;
            assertTrue(ctx.runUntil(() -> completed.get() == total, Duration.ofSeconds(30)),
                    "completed " + completed.get() + " of " + total + "; " + ctx.pollStats());
            assertEquals(0, offLoop.get(), "completions off the loop");
            assertEquals(0, wrong.get(), "completions with the wrong result");
            Thread.sleep(20);
            assertEquals(total, completed.get(), "a completion arrived twice");
        }
    }

    @ParameterizedTest(name = "poll-max-ns {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 20_000, 1_000_000})
    void readinessOfARegisteredChannelIsSeenWhetherTheLoopPollsOrBlocks(long pollMaxNs) throws Exception {
        try (AioContext ctx = open(Transport.NIO, pollMaxNs)) {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            AtomicLong bytesRead = new AtomicLong();
            ByteBuffer buf = ByteBuffer.allocate(64);
            NioSelectableChannelIoHandle<Pipe.SourceChannel> handle = new NioSelectableChannelIoHandle<>(pipe.source()) {
                @Override
                protected void handle(Pipe.SourceChannel ch, SelectionKey key) {
                    try {
                        int n;
                        while ((n = ch.read(buf.clear())) > 0) {
                            bytesRead.addAndGet(n);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            IoRegistration reg = ctx.ioEventLoop().register(handle).get(5, TimeUnit.SECONDS);
            reg.submit(NioIoOps.READ);
            SplittableRandom rnd = new SplittableRandom(pollMaxNs);
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int i = 1; i <= 2_000; i++) {
                pipe.sink().write(one.clear());
                long deadline = System.nanoTime() + PING_TIMEOUT_NANOS;
                while (bytesRead.get() != i) {
                    assertTrue(System.nanoTime() - deadline < 0, "byte " + i + " not read; " + ctx.pollStats());
                    Thread.onSpinWait();
                }
                pause(rnd);
            }
            if (pollMaxNs >= 1_000_000) {
                // Readiness enqueues no task: only asking the transport while polling finds it.
                assertTrue(ctx.pollStats().hits() > 0, "no wait ended by polling the transport: " + ctx.pollStats());
            }
            ctx.ioEventLoop().submit(reg::cancel).get(5, TimeUnit.SECONDS);
            pipe.sink().close();
            pipe.source().close();
        }
    }

    /** Nothing, a spin of up to ~50 µs, or a park (tens of µs or more), at random. */
    private static void pause(SplittableRandom rnd) {
        switch (rnd.nextInt(3)) {
            case 0 -> { }
            case 1 -> {
                long until = System.nanoTime() + rnd.nextLong(50_000);
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
            }
            default -> LockSupport.parkNanos(rnd.nextLong(1_000, 200_000));
        }
    }
}
