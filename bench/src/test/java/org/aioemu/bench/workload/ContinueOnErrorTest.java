package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.aioemu.blockdev.FaultInjection;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's continue_on_error and ignore_error over a disk with injected faults: a job stops at its first error unless
 * told otherwise; told to go on, it does the whole job, counts the errors it passed (total_err, first_error) and
 * ends without an error; only EIO and EILSEQ pass unless ignore_error lists others; and verify catches corrupted
 * reads.
 */
class ContinueOnErrorTest {
    @TempDir
    Path dir;

    /** 256 random 4 KiB writes at depth 1 (so the Nth request is the Nth issued), with {@code rules} injected. */
    private JobOptions writer(String name, String rules) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.iodepth = 1;
        o.faults = FaultInjection.parse(rules);
        return o;
    }

    @Test
    void withoutItTheFirstErrorStopsTheJob() {
        JobStats s = Jobs.run(writer("stop", "write:errno=EIO:nth=10"));
        assertEquals(Errno.EIO, s.error);
        assertTrue(s.errorMessage.contains("injected by fault rule 1"), s.errorMessage);
        assertEquals(9, s.write.ios, "nine writes done, the tenth failed and the job stopped");
        assertEquals(0, s.totalErr);
    }

    @Test
    void withItTheJobGoesOnAndCountsTheErrors() {
        JobOptions o = writer("go", "write:errno=EIO:every=10");
        o.continueOnError = JobOptions.ERRORS_WRITE;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(25, s.totalErr, "every 10th of 256 writes");
        assertEquals(Errno.EIO, s.firstError);
        assertEquals(Errno.EIO, s.reportedError(), "fio reports the first error as the job's");
        assertEquals(256 - 25, s.write.ios, "the failed writes are not counted as done");
    }

    @Test
    void theClassMustMatch() {
        JobOptions o = writer("read-only", "write:errno=EIO:nth=3");
        o.continueOnError = JobOptions.ERRORS_READ;
        JobStats s = Jobs.run(o);
        assertEquals(Errno.EIO, s.error, "a write error is not a read error");
    }

    @Test
    void onlyEioAndEilseqPassUnlessIgnoreErrorSaysOtherwise() {
        JobOptions o = writer("full", "write:errno=ENOSPC:every=50");
        o.continueOnError = JobOptions.ERRORS_ALL;
        assertEquals(Errno.ENOSPC, Jobs.run(o).error, "ENOSPC is fatal by default, as in fio");
        o.ignoreError = new int[][] {null, {Errno.ENOSPC}, null};
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(5, s.totalErr);
        assertEquals(Errno.ENOSPC, s.firstError);
        JobOptions eio = writer("eio", "write:errno=EIO:nth=2");
        eio.continueOnError = JobOptions.ERRORS_ALL;
        eio.ignoreError = new int[][] {null, {Errno.ENOSPC}, null};
        assertEquals(Errno.EIO, Jobs.run(eio).error, "a list given replaces the default one");
    }

    @Test
    void transientErrorsNeverReachTheJob() {
        JobStats s = Jobs.run(writer("eagain", "write:errno=EAGAIN:every=3;write:errno=EINTR:every=7"));
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.write.ios);
    }

    @Test
    void verifyCatchesCorruptedReads() {
        JobOptions o = writer("corrupt", "read:corrupt=1:nth=3");
        o.verify = JobOptions.Verify.CRC32C;
        JobStats s = Jobs.run(o);
        assertEquals(JobExecution.EILSEQ, s.error);
        assertTrue(s.errorMessage.contains("verify failed"), s.errorMessage);
        o.continueOnError = JobOptions.ERRORS_VERIFY;
        JobStats going = Jobs.run(o);
        assertEquals(0, going.error, going.errorMessage);
        assertEquals(1, going.totalErr, "one bad block");
        assertEquals(JobExecution.EILSEQ, going.firstError);
        assertEquals(256, going.read.ios, "every block was read back");
    }
}
