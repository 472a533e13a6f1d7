package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fsync/fdatasync counts and barriers, and data verification. */
class SyncVerifyTest {
    @TempDir
    Path dir;

    private JobOptions writer(String name, long size) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.RANDWRITE;
        o.size = size;
        o.iodepth = 4;
        return o;
    }

    @Test
    void fsyncEveryNWritesAfterTheQueueDrained() {
        JobOptions o = writer("s", 64 * 1024);
        o.fsync = 4;
        Jobs.Recorded r = Jobs.record(o);
        assertEquals(0, r.stats().error, r.stats().errorMessage);
        assertEquals(16, r.stats().write.ios);
        assertEquals(3, r.stats().sync.ios, "none after the last write, as fio");
        List<TraceAction> order = r.ops().stream().map(TraceOp::action).toList();
        assertEquals(19, order.size());
        for (int i = 0; i < order.size(); i++) {
            boolean sync = order.get(i) == TraceAction.SYNC;
            assertEquals((i + 1) % 5 == 0, sync, "a sync after every 4 writes: " + order);
        }
        assertTrue(r.stats().sync.clat().count() == 3);
        o.size = 68 * 1024;
        assertEquals(4, Jobs.run(o).sync.ios);
    }

    @Test
    void fdatasyncAndEndFsync() {
        JobOptions o = writer("d", 64 * 1024);
        o.fdatasync = 8;
        o.endFsync = true;
        o.fsyncOnClose = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(1, s.sync.ios, "one between the two halves; end_fsync is not counted among the job's syncs");
    }

    @Test
    void writeThenVerifyReadsEveryBlockBack() {
        JobOptions o = writer("v", 1 << 20);
        o.verify = JobOptions.Verify.CRC32C;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.write.ios);
        assertEquals(256, s.read.ios, "the verify pass reads each written block once");
        assertEquals(1 << 20, s.read.bytes);
    }

    @Test
    void verifyPatternChecksThePattern() {
        JobOptions o = writer("p", 256 * 1024);
        o.verify = JobOptions.Verify.PATTERN;
        o.verifyPattern = new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x01};
        o.bs[1] = 4000; // not a multiple of the pattern
        o.blocksizeUnaligned = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.read.ios > 0 && s.read.ios == s.write.ios);
    }

    @Test
    void verifyCatchesACorruptedBlockInAnotherJobsData() throws Exception {
        JobOptions w = writer("data", 1 << 20);
        w.verify = JobOptions.Verify.CRC32C;
        w.doVerify = false;
        assertEquals(0, Jobs.run(w).error);
        Path f = dir.resolve("data.0.0");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            for (long off : new long[] {40960 + 100, 81920 + 7}) {
                raf.seek(off);
                int b = raf.read();
                raf.seek(off);
                raf.write(b ^ 0x5a);
            }
        }
        JobOptions r = Jobs.job("data", dir);
        r.rw = RwMode.READ;
        r.size = 1 << 20;
        r.verify = JobOptions.Verify.CRC32C;
        JobStats s = Jobs.run(r);
        assertEquals(JobExecution.EILSEQ, s.error);
        assertTrue(s.errorMessage.contains("at offset 40960 of "), s.errorMessage);
        assertTrue(s.errorMessage.contains("first bad byte at +100"), s.errorMessage);
        assertTrue(s.errorMessage.contains("and 1 more bad blocks"), s.errorMessage);
        assertEquals(256, s.read.ios, "without verify_fatal the job reads on");

        r.verifyFatal = true;
        JobStats fatal = Jobs.run(r);
        assertEquals(JobExecution.EILSEQ, fatal.error);
        assertTrue(fatal.read.ios < 256, "verify_fatal stops at the first bad block: " + fatal.read.ios);
    }

    @Test
    void theVerifyPhaseCatchesABlockWrittenWrong() {
        // A data source that writes one block wrong: the job's own read-back must notice.
        DataFactory builtIn = DataFactory.builtIn();
        DataFactory faulty = new DataFactory() {
            @Override
            public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
                WriteDataSource good = builtIn.writer(job, fileIndex, seed);
                return (buf, offset, length) -> {
                    good.fill(buf, offset, length);
                    if (offset == 12288) {
                        buf.set(ValueLayout.JAVA_BYTE, 1000, (byte) ~buf.get(ValueLayout.JAVA_BYTE, 1000)); // past the header
                    }
                };
            }

            @Override
            public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
                return builtIn.checker(job, fileIndex, seed);
            }
        };
        JobOptions o = writer("bad", 256 * 1024);
        o.verify = JobOptions.Verify.MD5;
        JobStats s = WorkloadRunner.run(List.of(o), RunSettings.defaults().withData(faulty)).getFirst();
        assertEquals(JobExecution.EILSEQ, s.error);
        assertTrue(s.errorMessage.contains("at offset 12288"), s.errorMessage);
        assertTrue(s.errorMessage.contains("bad md5"), s.errorMessage);
    }

    @Test
    void timeBasedOverwritesVerifyTheLastWriteOfEachBlock() {
        JobOptions o = writer("tb", 64 * 1024);
        o.norandommap = true;
        o.timeBased = true;
        o.runtimeNanos = 200_000_000L;
        o.verify = JobOptions.Verify.CRC32C;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.ios > 16);
        assertTrue(s.read.ios <= 16, "one read per written block: " + s.read.ios);
    }
}
