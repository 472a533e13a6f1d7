package org.aioemu.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BlockingTask;
import org.aioemu.engine.IntCompletion;
import org.aioemu.engine.ThreadPool;
import org.aioemu.engine.PoolModel;
import org.aioemu.engine.ThreadPoolConfig;
import org.aioemu.engine.Transport;
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
 * A task that does nothing, submitted from the loop to the pool and completed back on the loop: the
 * pure cost of the thread pool (queue, worker wake-ups, done stack, completion bottom half) at queue
 * depth 1 and 16. Run with {@code -prof gc} for allocation per round trip, and with
 * {@code -p workerSpinNanos=0,20000,50000} to compare spin windows (-1 is the pool's default), and
 * {@code -p transport=EPOLL} to leave out Netty's io_uring handler, which allocates a little per loop
 * iteration of its own (visible at depth 1, where every round trip is a loop iteration). Both dispatch
 * models run by default ({@code pool}: one shared queue, or a ring per worker).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ThreadPoolRoundTripBenchmark {
    static final int BATCH = 10_000;

    @Param({"1", "16", "64"})
    int depth;

    /** The pool's dispatch model: queue or rings. */
    @Param({"queue", "rings"})
    String pool;

    /**
     * The loop's poll-max-ns: 0 turns adaptive polling off (the loop blocks as soon as it is idle), 65536 is
     * the default. Compare with {@code -p pollMaxNs=0,65536}.
     */
    @Param({"65536"})
    long pollMaxNs;

    /** ThreadPoolConfig.workerSpinNanos; -1 for the default. */
    @Param({"-1"})
    long workerSpinNanos;

    /** The loop's transport (AUTO: io_uring where available). */
    @Param({"AUTO"})
    String transport;

    private AioContext ctx;
    private Driver driver;

    @Setup(Level.Trial)
    public void setup() {
        ThreadPoolConfig config = ThreadPoolConfig.defaults().withModel(PoolModel.parse(pool));
        if (workerSpinNanos >= 0) {
            config = config.withWorkerSpinNanos(workerSpinNanos);
        }
        ctx = AioContext.builder().transport(Transport.valueOf(transport)).threadPool(config).pollMaxNs(pollMaxNs)
                .build();
        driver = new Driver(ctx, ctx.threadPool(), depth);
        driver.startCpuClock();
    }

    @TearDown(Level.Trial)
    public void teardown() {
        driver.printCpuPerOp(ctx);
        ctx.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void nullTaskRoundTrip() {
        driver.runBatch(BATCH);
    }

    /** Per-slot completions made once, so the loop side allocates nothing of its own per op. */
    static final class Driver extends LoopDriver {
        private static final BlockingTask NULL_TASK = () -> 0;
        private final ThreadPool pool;
        private final IntCompletion[] completions;

        Driver(AioContext ctx, ThreadPool pool, int depth) {
            super(ctx, depth);
            this.pool = pool;
            this.completions = new IntCompletion[depth];
            for (int i = 0; i < depth; i++) {
                int slot = i;
                completions[i] = r -> completed(slot);
            }
        }

        @Override
        void issue(int slot) {
            pool.submit(NULL_TASK, completions[slot]);
        }
    }
}
