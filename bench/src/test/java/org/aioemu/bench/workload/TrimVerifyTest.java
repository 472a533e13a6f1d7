package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trim_percentage with trim_backlog: some written blocks are trimmed while the job writes, and the verify phase
 * reads them back as zeroes (trim_verify_zero) or leaves them out. fio 3.33 cannot be the reference here: on a
 * write job it aborts (an assertion: trims in a job that does not trim), and with rw=trimwrite its psync engine
 * cannot trim a regular file (ENOTTY).
 */
class TrimVerifyTest {
    @TempDir
    java.nio.file.Path dir;

    private JobOptions job(boolean verifyZero) {
        JobOptions o = Jobs.job("t", dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 2 << 20;
        o.verify = JobOptions.Verify.CRC32C;
        o.trimPercentage = 40;
        o.trimBacklog = 8;
        o.trimVerifyZero = verifyZero;
        return o;
    }

    @Test
    void trimmedBlocksReadBackAsZeroesAndTheRestVerify() {
        JobStats s = Jobs.run(job(true));
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(512, s.write.ios);
        assertTrue(s.trim.ios > 512 * 30 / 100 && s.trim.ios < 512 * 50 / 100, "trims " + s.trim.ios);
        assertEquals(s.write.ios, s.read.ios, "every block read back, trimmed ones as zeroes");
    }

    @Test
    void withoutTrimVerifyZeroTrimmedBlocksAreLeftOut() {
        JobStats s = Jobs.run(job(false));
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(s.write.ios - s.trim.ios, s.read.ios);
    }

    @Test
    void withoutTrimBacklogNothingIsTrimmedAsInFio() {
        JobOptions o = job(true);
        o.trimBacklog = 0;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.trim.ios);
        assertEquals(s.write.ios, s.read.ios);
    }

    @Test
    void aTrimmedBlockThatIsNotZeroIsAVerifyFailure() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            IoSlot s = new IoSlot(0, arena.allocate(4096), null);
            s.set(JobOptions.READ, 0, 0, 4096);
            assertEquals(null, CompletedData.zeroesMismatch(s, 4096));
            s.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 100, (byte) 7);
            String bad = CompletedData.zeroesMismatch(s, 4096);
            assertTrue(bad != null && bad.contains("byte 100 is 0x7"), bad);
        }
    }

    @Test
    void theReadBackOfATrimmedBlockExpectsZeroes() {
        WrittenLog log = new WrittenLog();
        log.add(0, 0, 4096);
        log.add(0, 4096, 4096);
        log.markTrimmed(1);
        IoSlot s = new IoSlot(0, MemorySegment.NULL, null);
        VerifyOps zero = new VerifyOps(log, 0, true);
        assertTrue(zero.next(s));
        assertFalse(s.expectZeroes);
        assertTrue(zero.next(s));
        assertTrue(s.expectZeroes && s.verifying && s.offset == 4096);
        assertFalse(zero.next(s));
        VerifyOps skip = new VerifyOps(log, 0, false);
        assertTrue(skip.next(s));
        assertEquals(0, s.offset);
        assertFalse(skip.next(s), "the trimmed block is left out");
    }
}
