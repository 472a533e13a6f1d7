package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context closing under open io_uring engines with reads blocked in the kernel: Netty tears the loop
 * down, hands each queue its last CQEs and unregisters it; every request completes once with -ECANCELED,
 * and nothing the queues do then throws into Netty's teardown (which logs it as a warning and stops
 * handling that batch of CQEs, which may hold another engine's).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UringQueueShutdownTest {
    private static final int ENGINES = 2;
    private static final int PER_ENGINE = 4;

    @TempDir
    Path dir;

    /** Netty logs through java.util.logging here; held strongly, as JUL keeps loggers only weakly. */
    private final Logger netty = Logger.getLogger("io.netty");
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Arena arena;

    @BeforeEach
    void start() {
        Requires.ioUring();
        arena = Arena.ofShared();
        netty.addHandler(recorder);
    }

    @AfterEach
    void stop() {
        netty.removeHandler(recorder);
        if (arena != null) {
            arena.close();
        }
    }

    @Test
    void contextCloseUnderEnginesWithReadsInTheKernelCompletesEachOnceAndThrowsNothingIntoNetty() throws Exception {
        Path fifo = Requires.fifo(dir, "fifo");
        int n = ENGINES * PER_ENGINE;
        AioRequest[] reqs = new AioRequest[n];
        for (int i = 0; i < n; i++) {
            reqs[i] = new AioRequest();
        }
        try (FileHandle fh = FileHandle.open(fifo, OpenOptions.readWrite())) {
            for (int round = 0; round < 5; round++) {
                AioContext ctx = AioContext.builder().transport(Transport.IO_URING).build();
                IoUringEngine[] engines = new IoUringEngine[ENGINES];
                for (int e = 0; e < ENGINES; e++) {
                    engines[e] = new IoUringEngine(ctx);
                }
                AtomicIntegerArray calls = new AtomicIntegerArray(n);
                AtomicIntegerArray results = new AtomicIntegerArray(n);
                AtomicInteger submitted = new AtomicInteger();
                ctx.execute(() -> {
                    for (int i = 0; i < n; i++) {
                        int index = i;
                        engines[i % ENGINES].submit(reqs[i].prepareRead(fh, 0, arena.allocate(16)), r -> {
                            results.set(index, ctx.inLoop() ? r : Integer.MIN_VALUE);
                            calls.incrementAndGet(index);
                        });
                    }
                    submitted.set(1);
                });
                assertTrue(ctx.runUntil(() -> submitted.get() == 1, Duration.ofSeconds(10)));
                // Half are being cancelled as the loop shuts down: their ASYNC_CANCELs and the reads' CQEs
                // then arrive while Netty tears the loop down, the other half's in its shutdown drain.
                for (int i = 0; i < n; i += 2) {
                    assertTrue(engines[i % ENGINES].cancel(reqs[i]), "cancel of blocked read " + i);
                }
                ctx.close();
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls.get(i), "round " + round + ": completions of request " + i);
                    assertEquals(-Errno.ECANCELED, results.get(i), "round " + round + ": result of request " + i);
                }
                for (IoUringEngine engine : engines) {
                    engine.close();
                }
            }
        } finally {
            for (AioRequest req : reqs) {
                req.close();
            }
        }
        assertEquals(List.of(), warnings.stream().map(r -> r.getMessage() + ": " + r.getThrown()).toList(),
                "warnings Netty logged while the loop shut down");
    }
}
