package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an I/O trace for {@code read_iolog}. The built-in reader ({@link #builtIn()}) understands fio's
 * iolog versions 2 and 3; the integrator may plug in the iolog package's IologReader instead.
 */
@FunctionalInterface
public interface TraceSource {
    /** The trace's operations in file order. Runner thread, at job setup. */
    List<TraceOp> read(Path path) throws IOException;

    static TraceSource builtIn() {
        return IologTraces::read;
    }
}
