package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What mix of requests a job issues: directions, block sizes, trims. */
class MixTest {
    @TempDir
    Path dir;

    private JobOptions nullJob(RwMode rw, long size) {
        JobOptions o = Jobs.job("m", dir);
        o.rw = rw;
        o.size = size;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.norandommap = true;
        return o;
    }

    @Test
    void rwmixreadSetsTheShareOfReads() {
        JobOptions o = nullJob(RwMode.RANDRW, 80L << 20); // 20480 requests
        o.rwmixread = 70;
        JobStats s = Jobs.run(o);
        long total = s.read.ios + s.write.ios;
        assertEquals(20480, total);
        double share = s.read.ios / (double) total;
        assertTrue(share > 0.68 && share < 0.72, "read share " + share);
        assertEquals(80L << 20, s.read.bytes + s.write.bytes);
    }

    @Test
    void sequentialMixKeepsAnOffsetPerDirection() {
        JobOptions o = nullJob(RwMode.RW, 1 << 20);
        Jobs.Recorded r = Jobs.record(o);
        for (TraceAction a : List.of(TraceAction.READ, TraceAction.WRITE)) {
            List<TraceOp> ops = r.of(a);
            for (int i = 0; i < ops.size(); i++) {
                assertEquals(i * 4096L, ops.get(i).offset(), a + " #" + i);
            }
        }
    }

    @Test
    void bssplitProportionsHoldOverManyRequests() {
        JobOptions o = nullJob(RwMode.RANDREAD, 1L << 30);
        o.ioSize = 0;
        o.bssplit[0] = new JobOptions.BsSplit[] {
            new JobOptions.BsSplit(4096, 50), new JobOptions.BsSplit(16384, 30), new JobOptions.BsSplit(65536, 0)};
        o.loops = 1;
        o.size = 300L << 20;
        Jobs.Recorded r = Jobs.record(o);
        Map<Long, Long> bySize = r.ops().stream().collect(Collectors.groupingBy(TraceOp::length, Collectors.counting()));
        long n = r.ops().size();
        assertTrue(n > 10_000, "requests " + n);
        assertEquals(0.50, bySize.get(4096L) / (double) n, 0.02);
        assertEquals(0.30, bySize.get(16384L) / (double) n, 0.02);
        assertEquals(0.20, bySize.get(65536L) / (double) n, 0.02, "the unset share takes what is left");
        assertEquals(r.stats().read.bytes, r.ops().stream().mapToLong(TraceOp::length).sum());
        for (TraceOp op : r.ops()) {
            assertEquals(0, op.offset() % 4096, "aligned to the smallest size");
        }
    }

    @Test
    void bsrangeIsUniformInMultiplesOfItsLowEndUnlessUnaligned() {
        JobOptions o = nullJob(RwMode.RANDREAD, 64L << 20);
        o.bsrangeLow[0] = 4096;
        o.bsrangeHigh[0] = 16384;
        Jobs.Recorded r = Jobs.record(o);
        Map<Long, Long> bySize = r.ops().stream().collect(Collectors.groupingBy(TraceOp::length, Collectors.counting()));
        assertEquals(List.of(4096L, 8192L, 12288L, 16384L), bySize.keySet().stream().sorted().toList());
        long n = r.ops().size();
        for (long c : bySize.values()) {
            assertEquals(0.25, c / (double) n, 0.03);
        }
        o.blocksizeUnaligned = true;
        o.ba[0] = 512;
        Jobs.Recorded u = Jobs.record(o);
        assertTrue(u.ops().stream().map(TraceOp::length).distinct().count() > 100, "any size in the range");
        assertTrue(u.ops().stream().allMatch(op -> op.offset() % 512 == 0 && op.length() >= 4096 && op.length() <= 16384));
    }

    @Test
    void perDirectionBlockSizes() {
        JobOptions o = nullJob(RwMode.RANDRW, 16L << 20);
        o.bs[0] = 4096;
        o.bs[1] = 65536;
        Jobs.Recorded r = Jobs.record(o);
        List<TraceOp> ops = r.ops().subList(0, r.ops().size() - 1); // the last may be cut to what is left of size
        assertTrue(ops.stream().filter(op -> op.action() == TraceAction.READ).allMatch(op -> op.length() == 4096));
        assertTrue(ops.stream().filter(op -> op.action() == TraceAction.WRITE).allMatch(op -> op.length() == 65536));
        assertEquals(16L << 20, r.stats().read.bytes + r.stats().write.bytes);
    }

    @Test
    void trimwriteTrimsThenWritesEachBlock() throws Exception {
        JobOptions o = Jobs.job("tw", dir);
        o.rw = RwMode.TRIMWRITE;
        o.size = 256 * 1024;
        o.iodepth = 4;
        Jobs.Recorded r = Jobs.record(o);
        assertEquals(0, r.stats().error, r.stats().errorMessage);
        assertEquals(64, r.stats().trim.ios);
        assertEquals(64, r.stats().write.ios);
        assertEquals(256 * 1024, r.stats().write.bytes);
        // each block: its trim is logged before its write
        for (long b = 0; b < 64; b++) {
            long off = b * 4096;
            int trimAt = indexOf(r.ops(), TraceAction.TRIM, off);
            int writeAt = indexOf(r.ops(), TraceAction.WRITE, off);
            assertTrue(trimAt >= 0 && writeAt > trimAt, "block " + b);
        }
    }

    @Test
    void randomTrimDiscardsWithinAnExistingFile() throws Exception {
        java.nio.file.Files.write(dir.resolve("t"), new byte[1 << 20]);
        JobOptions o = Jobs.job("t", dir);
        o.filename = "t";
        o.rw = RwMode.RANDTRIM;
        o.bs[2] = 65536;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(16, s.trim.ios);
        assertEquals(1 << 20, s.trim.bytes);
        assertEquals(1 << 20, java.nio.file.Files.size(dir.resolve("t")), "trim keeps the size");
    }

    private static int indexOf(List<TraceOp> ops, TraceAction a, long off) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).action() == a && ops.get(i).offset() == off) {
                return i;
            }
        }
        return -1;
    }
}
