package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void sequentialWriteThenRead() {
        JobOptions w = Jobs.job("w", dir);
        w.rw = JobOptions.RwMode.WRITE;
        w.size = 1 << 20;
        JobStats s = Jobs.run(w);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.write.ios);
        assertEquals(1 << 20, s.write.bytes);
    }
}
