package org.aioemu.bench.workload;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * The timers of a job's measured main phase: a sample every averaging window (ticks stay on a fixed grid
 * from the measurement's start, so late timers do not drift), which also publishes the progress fraction,
 * and the rate_min check every second (fio's default ratecycle), which fails the job when a direction moved
 * fewer bytes than its minimum. Both stop once {@code active} turns false. Loop only.
 */
final class Periodic {
    /** Fails the job with an errno and message. */
    interface Failure {
        void fail(int errno, String message);
    }

    private final AioContext ctx;
    private final JobOptions o;
    private final JobStats stats;
    private final StatsRecorder rec;
    private final Progress progress;
    private final BooleanSupplier active;
    private final DoubleSupplier fraction;
    private final Failure failure;
    private final long[] rateMinBytes = new long[3];

    Periodic(AioContext ctx, JobOptions o, StatsRecorder rec, Progress progress, BooleanSupplier active,
             DoubleSupplier fraction, Failure failure) {
        this.ctx = ctx;
        this.o = o;
        this.stats = rec.stats;
        this.rec = rec;
        this.progress = progress;
        this.active = active;
        this.fraction = fraction;
        this.failure = failure;
    }

    /** Measurement starts at {@code now}: the first window and rate cycle begin. */
    void start(long now) {
        scheduleTick(now + rec.windowNanos());
        for (int d = 0; d < 3; d++) {
            rateMinBytes[d] = stats.direction(d).bytes;
        }
        if (o.rateMin[0] > 0 || o.rateMin[1] > 0 || o.rateMin[2] > 0) {
            ctx.schedule(this::checkRateMin, 1, TimeUnit.SECONDS);
        }
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

    private void checkRateMin() {
        if (!active.getAsBoolean()) {
            return;
        }
        for (int d = 0; d < 3; d++) {
            long bytes = stats.direction(d).bytes;
            long got = bytes - rateMinBytes[d];
            rateMinBytes[d] = bytes;
            if (o.rateMin[d] > 0 && got < o.rateMin[d]) {
                failure.fail(Errno.EIO, o.name + ": min rate " + o.rateMin[d] + " not met, got " + got / 1024 + " KiB/sec");
                return;
            }
        }
        ctx.schedule(this::checkRateMin, 1, TimeUnit.SECONDS);
    }
}
