package org.aioemu.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BlockingTask;
import org.aioemu.engine.IntCompletion;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPool;
import org.aioemu.engine.ThreadPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB random preads of a page-cached 64 MiB raw image through {@link BlockBackend}: the threads engine
 * (a pool worker runs each pread) against the sync engine (the loop runs it) and the io_uring engine
 * (READ SQEs through the loop's own ring), at depth 1, 16 and 64. {@code -p engine=threads -p pool=queue,rings}
 * compares the pool's dispatch models, {@code -p workerSpinNanos=0,50000} its spin bounds (-1: the default).
 *
 * <p>{@code -p blockEvery=100}: one request in that many is, instead of a read, a pool task that sleeps
 * {@code blockMicros} (5 ms) on the threads engine's pool (with the other engines it runs on the context's
 * pool beside them): a slow request among fast ones, which must not stall the reads queued behind it.
 * Compare its score with {@code blockEvery=0} in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PoolPreadBenchmark {
    static final int BATCH = 10_000;
    static final long IMAGE_SIZE = 64L << 20;
    static final int BLOCK = 4096;

    @Param({"threads", "sync", "io_uring"})
    String engine;

    @Param({"1", "16", "64"})
    int depth;

    /**
     * The threads engine's dispatch model: queue or rings; other engines have no pool, so compare the models with
     * {@code -p engine=threads -p pool=queue,rings}.
     */
    @Param({"queue"})
    String pool;

    /** Every this many requests, one is a sleeping pool task instead of a read (0: none). Threads engine only. */
    @Param({"0"})
    int blockEvery;

    /** How long such a task sleeps, in µs. */
    @Param({"5000"})
    int blockMicros;

    /**
     * Whether the threads engine's loop may serve a cached read itself (ThreadPoolConfig.inlineAttempts, the
     * product's default {@code auto}). Off here by default, since this benchmark is about the pool's hand-off;
     * {@code -p inline=auto,off} shows what reading on the loop gains.
     */
    @Param({"off"})
    String inline;

    /** ThreadPoolConfig.workerSpinNanos for the threads engine; -1 for the default. */
    @Param({"-1"})
    long workerSpinNanos;

    private Path image;
    private AioContext ctx;
    private BlockBackend backend;
    private Arena arena;
    private Driver driver;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        image = ImageFiles.dataImage("pread.raw", IMAGE_SIZE);
        ThreadPoolConfig config = ThreadPoolConfig.defaults().withModel(PoolModel.parse(pool))
                .withInlineAttempts(switch (inline) {
                    case "auto" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("inline: expected auto or off, got " + inline);
                });
        if (workerSpinNanos >= 0) {
            config = config.withWorkerSpinNanos(workerSpinNanos);
        }
        ctx = AioContext.builder().threadPool(config).build();
        backend = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true).withEngine(engine));
        arena = Arena.ofShared();
        driver = new Driver(ctx, backend, arena, depth, blockEvery, blockMicros * 1000L);
    }

    @TearDown(Level.Trial)
    public void teardown() throws Exception {
        backend.close();
        ctx.close();
        arena.close();
        ImageFiles.delete(image);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void pread4k() {
        driver.runBatch(BATCH);
    }

    static final class Driver extends LoopDriver {
        private final BlockBackend backend;
        private final MemorySegment[] buffers;
        private final BlockCompletion[] completions;
        private final IntCompletion[] slept;
        private final SplittableRandom rnd = new SplittableRandom(42);
        private final int blockEvery;
        private final ThreadPool pool;
        private final BlockingTask sleep;
        private long count;

        Driver(AioContext ctx, BlockBackend backend, Arena arena, int depth, int blockEvery, long blockNanos) {
            super(ctx, depth);
            this.backend = backend;
            this.blockEvery = blockEvery;
            this.pool = blockEvery > 0 ? ctx.threadPool() : null; // the pool the threads engine's reads run on
            this.sleep = () -> {
                java.util.concurrent.locks.LockSupport.parkNanos(blockNanos);
                return 0;
            };
            this.buffers = new MemorySegment[depth];
            this.completions = new BlockCompletion[depth];
            this.slept = new IntCompletion[depth];
            for (int i = 0; i < depth; i++) {
                int slot = i;
                buffers[i] = AlignedBuffers.allocate(arena, BLOCK);
                completions[i] = (r, detail) -> {
                    if (r != BLOCK) {
                        throw new IllegalStateException("pread returned " + r + ": " + detail);
                    }
                    completed(slot);
                };
                slept[i] = r -> completed(slot);
            }
        }

        @Override
        void issue(int slot) {
            if (blockEvery > 0 && ++count % blockEvery == 0) {
                pool.submit(sleep, slept[slot]);
                return;
            }
            long offset = rnd.nextLong(IMAGE_SIZE / BLOCK) * BLOCK;
            backend.read(offset, buffers[slot], completions[slot]);
        }
    }
}
