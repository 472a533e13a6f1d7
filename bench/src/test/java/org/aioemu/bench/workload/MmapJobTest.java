package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ioengine=mmap: jobs run through a shared mapping, check their data, and move what fio's mmap engine moves. */
class MmapJobTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void writtenDataVerifiesThroughTheMapping() {
        JobOptions o = Jobs.job("m", dir);
        o.rw = RwMode.RANDRW;
        o.size = 2 << 20;
        o.aioEngine = "mmap";
        o.ioengine = "mmap";
        o.verify = JobOptions.Verify.CRC32C;
        o.fsync = 16;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.ios > 0 && s.read.ios >= s.write.ios, "reads " + s.read.ios + ", writes " + s.write.ios);
        assertTrue(s.sync.ios > 0, "fsync=16 became msyncs");
    }

    @Test
    void sizeBoundJobsMoveWhatFiosMmapEngineMoves() throws Exception {
        Assumptions.assumeTrue(org.aioemu.bench.FioPeer.available(), "fio is not on the PATH");
        for (String rw : new String[] {"write", "randread", "randrw"}) {
            List<String> cmd = new ArrayList<>(List.of("fio", "--output-format=terse", "--terse-version=3", "--name=f",
                    "--ioengine=mmap", "--rw=" + rw, "--bs=4k", "--size=4m", "--randrepeat=1", "--filename=" + dir.resolve("fio.img")));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String[] f = out.substring(out.indexOf("3;")).split(";");
            long fioBytes = (Long.parseLong(f[5]) + Long.parseLong(f[46])) * 1024; // read KiB, write KiB (terse v3)
            JobOptions o = Jobs.job("a-" + rw, dir);
            o.rw = RwMode.valueOf(rw.toUpperCase(java.util.Locale.ROOT));
            o.size = 4 << 20;
            o.aioEngine = "mmap";
            o.ioengine = "mmap";
            JobStats s = Jobs.run(o);
            assertEquals(0, s.error, rw + ": " + s.errorMessage);
            assertEquals(fioBytes, s.read.bytes + s.write.bytes, rw + ": bytes moved");
        }
    }
}
