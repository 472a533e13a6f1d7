package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the {@link TraceSink} of a job's {@code write_iolog=} file. Runner thread, at job setup. */
@FunctionalInterface
public interface TraceSinkFactory {
    TraceSink open(Path path) throws IOException;

    /** fio's iolog version 3 text. */
    static TraceSinkFactory builtIn() {
        return IologTraces::writer;
    }
}
