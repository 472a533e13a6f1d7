package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify_only: a later run of a writing job checks what the first one wrote, without writing. */
class VerifyOnlyTest {
    @TempDir
    Path dir;

    private JobOptions job(boolean verifyOnly) {
        JobOptions o = Jobs.job("v", dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.bs[JobOptions.WRITE] = 8192;
        o.verify = JobOptions.Verify.CRC32C;
        o.verifyOnly = verifyOnly;
        return o;
    }

    @Test
    void aSecondRunReadsBackWhatTheFirstWroteAndWritesNothing() throws Exception {
        JobStats wrote = Jobs.run(job(false));
        assertEquals(0, wrote.error, wrote.errorMessage);
        Path file = dir.resolve("v.0.0");
        byte[] before = Files.readAllBytes(file);

        JobStats checked = Jobs.run(job(true));
        assertEquals(0, checked.error, checked.errorMessage);
        assertEquals(0, checked.write.ios, "verify_only writes nothing");
        assertEquals(wrote.write.ios, checked.read.ios, "every block written is read back");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the file is unchanged");

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(5 * 8192 + 100);
            raf.write(new byte[] {1, 2, 3, 4});
        }
        JobStats corrupt = Jobs.run(job(true));
        assertEquals(84, corrupt.error, "EILSEQ, as fio reports a verify failure: " + corrupt.errorMessage);
    }

    @Test
    void jobsItCannotCheckAreRefusedBeforeAnythingIsTouched() {
        JobOptions missing = job(true);
        JobStats s = Jobs.run(missing);
        assertTrue(s.errorMessage.contains("does not exist: there is nothing to verify"), s.errorMessage);
        assertTrue(!Files.exists(dir.resolve("v.0.0")), "nothing laid out");

        JobOptions timed = job(true);
        timed.timeBased = true;
        timed.runtimeNanos = 1_000_000_000L;
        assertTrue(Jobs.run(timed).errorMessage.contains("time_based"));

        JobOptions reader = job(true);
        reader.rw = RwMode.RANDREAD;
        assertTrue(Jobs.run(reader).errorMessage.contains("does not write"));
    }
}
