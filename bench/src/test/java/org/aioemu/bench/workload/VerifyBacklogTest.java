package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify_backlog: what a writing job wrote is read back (and checked) while it writes, each block once. */
class VerifyBacklogTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void everyWriteIsReadBackOnceInterleavedWithTheWrites() {
        for (int depth : new int[] {1, 8}) {
            for (long backlog : new long[] {1, 4, 7}) {
                JobOptions o = job("b" + depth + "-" + backlog, depth, backlog);
                Jobs.Recorded r = Jobs.record(o);
                JobStats s = r.stats();
                String what = "depth " + depth + ", backlog " + backlog;
                assertEquals(0, s.error, s.errorMessage);
                assertEquals(s.write.ios, s.read.ios, what + ": each write read back once");
                assertEquals(256, s.write.ios, what);
                // Interleaved: the first read-back comes long before the last write, and no read-back names a
                // place not written before it.
                List<TraceOp> ops = r.ops();
                int firstRead = -1;
                int lastWrite = -1;
                java.util.Set<Long> written = new java.util.HashSet<>();
                for (int i = 0; i < ops.size(); i++) {
                    TraceOp op = ops.get(i);
                    if (op.action() == TraceAction.WRITE) {
                        written.add(op.offset());
                        lastWrite = i;
                    } else if (op.action() == TraceAction.READ) {
                        assertTrue(written.contains(op.offset()), what + ": read-back of unwritten " + op.offset());
                        if (firstRead < 0) {
                            firstRead = i;
                        }
                    }
                }
                assertTrue(firstRead < lastWrite / 2, what + ": first read-back at " + firstRead + " of " + ops.size());
            }
        }
    }

    @Test
    void withoutDoVerifyOnlyTheBacklogReadsBack() throws Exception {
        // Without do_verify, only the backlog reads back: with backlog 1 at depth 1, every block is checked right after
        // its write. (At a greater depth the last writes may still be in flight when the workload ends, and without a
        // verify phase nothing reads them back: fio's async engines leave the same tail.)
        JobOptions o = job("nodo", 1, 1);
        o.doVerify = false;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(s.write.ios, s.read.ios);

        JobOptions off = job("off", 4, 0);
        off.doVerify = false;
        JobStats none = Jobs.run(off);
        assertEquals(0, none.read.ios, "no backlog and no do_verify: nothing read back");
    }

    @Test
    void readBacksAreCheckedAndComeInBatchesOfTheOldestWrites() {
        WrittenLog log = new WrittenLog();
        int[] generated = {0};
        OpSource writes = new OpSource() {
            @Override
            public boolean next(IoSlot s) {
                s.set(JobOptions.WRITE, 0, generated[0]++ * 4096L, 4096);
                s.verifying = false;
                return true;
            }

            @Override
            public double progress() {
                return 0;
            }
        };
        BacklogOps ops = new BacklogOps(writes, log, 3, 2);
        IoSlot s = new IoSlot(0, java.lang.foreign.MemorySegment.NULL, null);
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            assertTrue(ops.next(s));
            seen.append(s.ddir == JobOptions.READ ? "R" + s.offset / 4096 : "W").append(s.verifying ? "v " : " ");
            if (s.ddir == JobOptions.WRITE) {
                log.add(0, s.offset, s.length); // completes at once
            }
        }
        // Three writes make a backlog of 3; a batch of 2 reads back the oldest two; then writes until 3 wait again.
        assertEquals("W W W R0v R1v W W R2v R3v W W R4v ", seen.toString());
        assertEquals(5, ops.verified());
    }

    private JobOptions job(String name, int depth, long backlog) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.iodepth = depth;
        o.verify = JobOptions.Verify.CRC32C;
        o.verifyBacklog = backlog;
        return o;
    }

    @SuppressWarnings("unused")
    private static List<Long> offsets(List<TraceOp> ops) {
        List<Long> out = new ArrayList<>();
        for (TraceOp op : ops) {
            out.add(op.offset());
        }
        return out;
    }
}
