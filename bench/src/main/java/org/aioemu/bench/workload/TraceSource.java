package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an I/O trace for {@code read_iolog}. The built-in reader ({@link #builtIn()}) understands fio's
 * iolog versions 2 and 3 and blktrace binaries (told apart by the blktrace magic, as fio does).
 */
@FunctionalInterface
public interface TraceSource {
    /** The trace. Runner thread, at job setup. */
    Trace read(Path path) throws IOException;

    static TraceSource builtIn() {
        return IologTraces::read;
    }
}
