package org.aioemu.bench.workload;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.aioemu.engine.AioContext;

/**
 * The timers of a job's measured main phase: a sample every averaging window (ticks stay on a fixed grid
 * from the measurement's start, so late timers do not drift), which also publishes the progress fraction.
 * It stops once {@code active} turns false. Loop only.
 */
final class Periodic {
    private final AioContext ctx;
    private final StatsRecorder rec;
    private final Progress progress;
    private final BooleanSupplier active;
    private final DoubleSupplier fraction;

    Periodic(AioContext ctx, StatsRecorder rec, Progress progress, BooleanSupplier active, DoubleSupplier fraction) {
        this.ctx = ctx;
        this.rec = rec;
        this.progress = progress;
        this.active = active;
        this.fraction = fraction;
    }

    /** Measurement starts at {@code now}: the first window begins. */
    void start(long now) {
        scheduleTick(now + rec.windowNanos());
    }

    private void scheduleTick(long at) {
        ctx.schedule(() -> onTick(at), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTick(long at) {
        if (!active.getAsBoolean()) {
            return;
        }
        rec.tick(System.nanoTime());
        progress.fraction(fraction.getAsDouble());
        scheduleTick(at + rec.windowNanos());
    }
}
