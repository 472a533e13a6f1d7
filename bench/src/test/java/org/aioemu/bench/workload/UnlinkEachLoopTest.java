package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * unlink_each_loop, as fio 3.33 does it: between loops (not after the last) the job's files are removed, and the
 * next loop opens them as the job opens files, a writing job's as new empty files, a read job's failing with ENOENT.
 */
class UnlinkEachLoopTest {
    @TempDir
    Path dir;

    @Test
    void aWritingJobStartsEachLoopOnANewFile() throws Exception {
        // A file larger than the job's size keeps its tail unless it is removed: 4 MiB of 0xAA, the job writes 1 MiB.
        Path file = dir.resolve("w.0.0");
        byte[] old = new byte[4 << 20];
        Arrays.fill(old, (byte) 0xAA);
        Files.write(file, old);
        JobOptions o = job("w", RwMode.WRITE);
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(48, s.write.ios, "3 loops of 16 blocks");
        assertEquals(1 << 20, Files.size(file), "the last loop's new file, which is kept (fio keeps it too)");

        JobOptions kept = job("k", RwMode.WRITE);
        kept.unlinkEachLoop = false;
        Files.write(dir.resolve("k.0.0"), old);
        assertEquals(0, Jobs.run(kept).error);
        assertEquals(4 << 20, Files.size(dir.resolve("k.0.0")), "without the option the file and its tail stay");
    }

    @Test
    void aReadJobFailsItsSecondLoopWithEnoent() throws Exception {
        JobOptions o = job("r", RwMode.READ);
        JobStats s = Jobs.run(o);
        assertEquals(2, s.error, "ENOENT: " + s.errorMessage);
        assertTrue(s.errorMessage.contains("unlink_each_loop"), s.errorMessage);
        assertEquals(16, s.read.ios, "the first loop read the laid-out file");
        assertTrue(Files.notExists(dir.resolve("r.0.0")));
    }

    @Test
    void aVerifyingJobChecksEachLoopBeforeItsFilesGo() {
        for (int backlog : new int[] {0, 3}) {
            JobOptions o = job("v" + backlog, RwMode.RANDWRITE);
            o.verify = JobOptions.Verify.CRC32C;
            o.verifyBacklog = backlog;
            JobStats s = Jobs.run(o);
            assertEquals(0, s.error, s.errorMessage);
            assertEquals(48, s.write.ios);
            assertEquals(48, s.read.ios, "backlog " + backlog + ": every write of every loop read back once");
        }
    }

    @Test
    void fioAgreesOnTotalsAndTheFileLeft() throws Exception {
        FioComparisonTest.needFio();
        Path f = Files.createDirectories(dir.resolve("fio"));
        byte[] old = new byte[4 << 20];
        Files.write(f.resolve("w.0.0"), old);
        Object w = FioComparisonTest.fioJob(f, List.of("--name=w", "--ioengine=psync", "--rw=write", "--size=1m",
                "--bs=64k", "--loops=3", "--unlink_each_loop=1"));
        assertEquals(0, FioComparisonTest.num(w, "error"));
        assertEquals(48, FioComparisonTest.num(w, "write", "total_ios"));
        assertEquals(1 << 20, Files.size(f.resolve("w.0.0")));
        Object r = FioComparisonTest.fioJob(f, List.of("--name=r", "--ioengine=psync", "--rw=read", "--size=1m",
                "--bs=64k", "--loops=3", "--unlink_each_loop=1"));
        assertEquals(2, FioComparisonTest.num(r, "error"));
        assertEquals(16, FioComparisonTest.num(r, "read", "total_ios"));
    }

    private JobOptions job(String name, RwMode rw) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = rw;
        o.size = 1 << 20;
        Arrays.fill(o.bs, 64 << 10);
        o.loops = 3;
        o.unlinkEachLoop = true;
        return o;
    }
}
