package org.aioemu.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
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
 * {@link BlockBackend}'s two APIs on the same 4 KiB page-cached random reads at one depth: {@code loop}, the
 * allocation-free {@link BlockCompletion} form driven from the loop, and {@code futures}, an application thread
 * keeping {@code depth} futures in flight (it waits for the oldest before it issues the next), which pays a hop
 * onto the loop per submission burst. Compare the two scores of one run: the futures form should stay close.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class BackendFuturesBenchmark {
    static final int BATCH = 10_000;
    static final long IMAGE_SIZE = 64L << 20;
    static final int BLOCK = 4096;

    @Param({"loop", "futures"})
    String api;

    @Param({"threads"})
    String engine;

    @Param({"64"})
    int depth;

    /** O_DIRECT: the image then has a PaddingFilter in front, whose aligned path must stay allocation-free. */
    @Param({"false"})
    boolean direct;

    private Path image;
    private AioContext ctx;
    private BlockBackend backend;
    private Arena arena;
    private MemorySegment[] buffers;
    private CompletableFuture<?>[] inFlight;
    private final SplittableRandom rnd = new SplittableRandom(42);
    private LoopReads loopReads;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        image = ImageFiles.dataImage("futures.raw", IMAGE_SIZE);
        ctx = AioContext.create();
        backend = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true).withEngine(engine)
                .withDirect(direct));
        arena = Arena.ofShared();
        buffers = new MemorySegment[depth];
        for (int i = 0; i < depth; i++) {
            buffers[i] = AlignedBuffers.allocate(arena, BLOCK);
        }
        inFlight = new CompletableFuture<?>[depth];
        loopReads = new LoopReads(ctx, backend, buffers, depth);
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
    public void read4k() {
        if (api.equals("loop")) {
            loopReads.runBatch(BATCH);
            return;
        }
        for (int i = 0; i < BATCH; i++) {
            int slot = i % depth;
            if (inFlight[slot] != null) {
                inFlight[slot].join();
            }
            inFlight[slot] = backend.read(rnd.nextLong(IMAGE_SIZE / BLOCK) * BLOCK, buffers[slot]);
        }
        for (int slot = 0; slot < depth; slot++) {
            inFlight[slot].join();
            inFlight[slot] = null;
        }
    }

    static final class LoopReads extends LoopDriver {
        private final BlockBackend backend;
        private final MemorySegment[] buffers;
        private final BlockCompletion[] completions;
        private final SplittableRandom rnd = new SplittableRandom(43);

        LoopReads(AioContext ctx, BlockBackend backend, MemorySegment[] buffers, int depth) {
            super(ctx, depth);
            this.backend = backend;
            this.buffers = buffers;
            this.completions = new BlockCompletion[depth];
            for (int i = 0; i < depth; i++) {
                int slot = i;
                completions[i] = (r, detail) -> {
                    if (r != BLOCK) {
                        throw new IllegalStateException("read returned " + r + ": " + detail);
                    }
                    completed(slot);
                };
            }
        }

        @Override
        void issue(int slot) {
            backend.read(rnd.nextLong(IMAGE_SIZE / BLOCK) * BLOCK, buffers[slot], completions[slot]);
        }
    }
}
