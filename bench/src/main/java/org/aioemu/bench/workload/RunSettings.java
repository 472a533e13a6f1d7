package org.aioemu.bench.workload;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * How {@link WorkloadRunner} runs: where notices go ("Laying out IO file ..."), who receives the live
 * status line and whether to produce it, and the pluggable data, trace and log components.
 *
 * <p>Immutable; start from {@link #defaults()} and chain the {@code with} methods.
 */
public final class RunSettings {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private final StatusListener statusListener;
    private final PrintStream notices;
    private final boolean printStatus;
    private final DataFactory data;
    private final TraceSource traceSource;
    private final TraceSinkFactory traceSinks;
    private final LogSinkFactory logSinks;

    private RunSettings(StatusListener statusListener, PrintStream notices, boolean printStatus, DataFactory data,
                        TraceSource traceSource, TraceSinkFactory traceSinks, LogSinkFactory logSinks) {
        this.statusListener = statusListener;
        this.notices = notices;
        this.printStatus = printStatus;
        this.data = data;
        this.traceSource = traceSource;
        this.traceSinks = traceSinks;
        this.logSinks = logSinks;
    }

    /** No status, notices discarded, built-in data, trace and log components. */
    public static RunSettings defaults() {
        return new RunSettings(line -> { }, DISCARD, false, DataFactory.builtIn(), TraceSource.builtIn(),
                TraceSinkFactory.builtIn(), LogSinkFactory.builtIn());
    }

    /** Receives the status line about once a second when {@link #printStatus()} is on. */
    public RunSettings withStatusListener(StatusListener l) {
        return new RunSettings(Objects.requireNonNull(l, "listener"), notices, printStatus, data, traceSource, traceSinks, logSinks);
    }

    /** Where fio's notices go (file layout, warnings); not the report. */
    public RunSettings withNotices(PrintStream out) {
        return new RunSettings(statusListener, Objects.requireNonNull(out, "notices"), printStatus, data, traceSource, traceSinks, logSinks);
    }

    public RunSettings withPrintStatus(boolean on) {
        return new RunSettings(statusListener, notices, on, data, traceSource, traceSinks, logSinks);
    }

    public RunSettings withData(DataFactory d) {
        return new RunSettings(statusListener, notices, printStatus, Objects.requireNonNull(d, "data"), traceSource, traceSinks, logSinks);
    }

    public RunSettings withTraceSource(TraceSource s) {
        return new RunSettings(statusListener, notices, printStatus, data, Objects.requireNonNull(s, "traceSource"), traceSinks, logSinks);
    }

    public RunSettings withTraceSinks(TraceSinkFactory f) {
        return new RunSettings(statusListener, notices, printStatus, data, traceSource, Objects.requireNonNull(f, "traceSinks"), logSinks);
    }

    public RunSettings withLogSinks(LogSinkFactory f) {
        return new RunSettings(statusListener, notices, printStatus, data, traceSource, traceSinks, Objects.requireNonNull(f, "logSinks"));
    }

    public StatusListener statusListener() {
        return statusListener;
    }

    public PrintStream notices() {
        return notices;
    }

    public boolean printStatus() {
        return printStatus;
    }

    public DataFactory data() {
        return data;
    }

    public TraceSource traceSource() {
        return traceSource;
    }

    public TraceSinkFactory traceSinks() {
        return traceSinks;
    }

    public LogSinkFactory logSinks() {
        return logSinks;
    }
}
