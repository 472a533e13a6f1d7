package org.aioemu.bench.workload;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;
import org.aioemu.engine.AioContext;

/**
 * How {@link WorkloadRunner} runs: where notices go ("Laying out IO file ..."), who receives the live
 * status line and whether to produce it, the pluggable data, trace and log components, and how each job's
 * {@link AioContext} is tuned (adaptive polling, worker spinning).
 *
 * <p>Immutable; start from {@link #defaults()} and chain the {@code with} methods.
 */
public record RunSettings(StatusListener statusListener, PrintStream notices, boolean printStatus, DataFactory data,
                          TraceSource traceSource, TraceSinkFactory traceSinks, LogSinkFactory logSinks,
                          Consumer<AioContext.Builder> contextTuning) {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    public RunSettings {
        Objects.requireNonNull(statusListener, "listener");
        Objects.requireNonNull(notices, "notices");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(traceSource, "traceSource");
        Objects.requireNonNull(traceSinks, "traceSinks");
        Objects.requireNonNull(logSinks, "logSinks");
        Objects.requireNonNull(contextTuning, "contextTuning");
    }

    /** No status, notices discarded, built-in data, trace and log components, contexts at their defaults. */
    public static RunSettings defaults() {
        return new RunSettings(line -> { }, DISCARD, false, DataFactory.builtIn(), TraceSource.builtIn(),
                TraceSinkFactory.builtIn(), LogSinkFactory.builtIn(), b -> { });
    }

    /** Receives the status line about once a second when {@link #printStatus()} is on. */
    public RunSettings withStatusListener(StatusListener l) {
        return new RunSettings(l, notices, printStatus, data, traceSource, traceSinks, logSinks, contextTuning);
    }

    /** Where fio's notices go (file layout, warnings); not the report. */
    public RunSettings withNotices(PrintStream out) {
        return new RunSettings(statusListener, out, printStatus, data, traceSource, traceSinks, logSinks, contextTuning);
    }

    public RunSettings withPrintStatus(boolean on) {
        return new RunSettings(statusListener, notices, on, data, traceSource, traceSinks, logSinks, contextTuning);
    }

    public RunSettings withData(DataFactory d) {
        return new RunSettings(statusListener, notices, printStatus, d, traceSource, traceSinks, logSinks, contextTuning);
    }

    public RunSettings withTraceSource(TraceSource s) {
        return new RunSettings(statusListener, notices, printStatus, data, s, traceSinks, logSinks, contextTuning);
    }

    public RunSettings withTraceSinks(TraceSinkFactory f) {
        return new RunSettings(statusListener, notices, printStatus, data, traceSource, f, logSinks, contextTuning);
    }

    public RunSettings withLogSinks(LogSinkFactory f) {
        return new RunSettings(statusListener, notices, printStatus, data, traceSource, traceSinks, f, contextTuning);
    }

    /** Applied to each job's {@link AioContext.Builder} before it is built: polling and worker spinning knobs. */
    public RunSettings withContextTuning(Consumer<AioContext.Builder> t) {
        return new RunSettings(statusListener, notices, printStatus, data, traceSource, traceSinks, logSinks, t);
    }

}
