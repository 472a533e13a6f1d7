package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a job's log file. The runner names it as fio does ({@code <prefix>_<kind>.<job number>.log}); the
 * built-in factory writes fio's text format. Runner thread, at job setup.
 */
@FunctionalInterface
public interface LogSinkFactory {
    LogSink open(Path file, LogKind kind) throws IOException;

    static LogSinkFactory builtIn() {
        return IologTraces::openLog;
    }
}
