package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where requests go: sequential with holes, the random map, seeds, sequencing and distributions. */
class OffsetsTest {
    @TempDir
    Path dir;

    private JobOptions job(RwMode rw, long size) {
        JobOptions o = Jobs.job("o", dir);
        o.rw = rw;
        o.size = size;
        o.ioengine = "null";
        o.aioEngine = "null";
        return o;
    }

    private static List<Long> offsets(Jobs.Recorded r) {
        return r.ops().stream().map(TraceOp::offset).toList();
    }

    @Test
    void sequentialOffsetsAdvanceByTheBlockSize() {
        Jobs.Recorded r = Jobs.record(job(RwMode.READ, 64 * 1024));
        List<Long> off = offsets(r);
        assertEquals(16, off.size());
        for (int i = 0; i < 16; i++) {
            assertEquals(i * 4096L, off.get(i));
        }
    }

    @Test
    void sequentialSkipLeavesAHoleAfterEachRequestAndWraps() {
        JobOptions o = job(RwMode.WRITE, 64 * 1024);
        o.rwSequencer = 4096; // rw=write:4k
        List<Long> off = offsets(Jobs.record(o));
        assertEquals(16, off.size(), "size-based: the job still moves size bytes");
        for (int i = 0; i < 8; i++) {
            assertEquals(i * 8192L, off.get(i));
            assertEquals(i * 8192L, off.get(i + 8), "second pass after the wrap, as fio does");
        }
    }

    @Test
    void aNegativeSkipReadsBackwardsInFiosOrder() {
        // fio 3.33, --rw=read:-8k --bs=4k: the offsets its write_iolog records.
        JobOptions o = job(RwMode.READ, 64 * 1024);
        o.rwSequencer = -8192;
        List<Long> expected = new java.util.ArrayList<>(List.of(0L));
        for (long k = 56; k >= 4; k -= 4) {
            expected.add(k * 1024);
        }
        expected.add(0L);
        assertEquals(expected, offsets(Jobs.record(o)));
        JobOptions inside = job(RwMode.READ, 32 * 1024);
        inside.rwSequencer = -8192;
        inside.offset = 16 * 1024;
        inside.ioengine = "psync"; // a real file: the null engine's virtual files have no offset
        inside.aioEngine = "sync";
        List<Long> kib = offsets(Jobs.record(inside)).stream().map(x -> x / 1024).toList();
        assertEquals(List.of(24L, 20L, 16L, 40L, 36L, 32L, 28L, 24L), kib, "fio's sequence within --offset=16k --size=32k");
    }

    @Test
    void allrandrepeatFixesTheSequenceWhateverRandrepeatAndRandseedSayAndOffChangesNothing() {
        JobOptions a = job(RwMode.RANDREAD, 256 * 1024);
        a.randrepeat = false;
        a.allrandrepeat = true;
        JobOptions b = job(RwMode.RANDREAD, 256 * 1024);
        b.randseed = 99;
        b.randseedGiven = true;
        b.allrandrepeat = true;
        assertEquals(offsets(Jobs.record(a)), offsets(Jobs.record(b)), "fio's fixed seed overrides both");
        JobOptions c = job(RwMode.RANDREAD, 256 * 1024);
        c.allrandrepeat = false; // randrepeat stays on by default: as repeatable as before
        assertEquals(offsets(Jobs.record(c)), offsets(Jobs.record(job(RwMode.RANDREAD, 256 * 1024))));
        assertNotEquals(offsets(Jobs.record(a)), offsets(Jobs.record(c)));
    }

    /** A 40 MiB file read in 256 KiB blocks with {@code zones} set: the offsets, in blocks. */
    private List<Long> zoned(RwMode rw, long offset, long zoneSize, long zoneRange, long zoneSkip) throws Exception {
        Path f = dir.resolve("z" + rw + offset + zoneRange + zoneSkip);
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(40 << 20);
        }
        JobOptions o = job(rw, 16 << 20);
        o.filename = f.toString();
        o.directory = null;
        o.ioengine = "psync";
        o.aioEngine = "sync";
        o.bs[0] = 256 << 10;
        o.offset = offset;
        o.zoneStrided = true;
        o.zoneSize = zoneSize;
        o.zoneRange = zoneRange;
        o.zoneSkip = zoneSkip;
        return offsets(Jobs.record(o)).stream().map(x -> x / (256 << 10)).toList();
    }

    private static List<Long> zones(long first, long step, long lastStart, int total) {
        List<Long> out = new java.util.ArrayList<>();
        for (long z = first; out.size() < total; z = z + step > lastStart ? first : z + step) {
            for (int k = 0; k < 4 && out.size() < total; k++) {
                out.add(z + k);
            }
        }
        return out;
    }

    @Test
    void stridedZonesWalkTheWholeFileAsFio333Does() throws Exception {
        // fio 3.33's write_iolog for the same options on a 40 MiB file, --size=16m --bs=256k (offsets in blocks):
        // zonesize=1m zoneskip=2m: 0-3, 12-15, ... 156-159, then 0-3 and 12-15 again (64 reads).
        assertEquals(zones(0, 12, 156, 64), zoned(RwMode.READ, 0, 1 << 20, 0, 2 << 20));
        // zonesize=1m zonerange=4m: 0-3, 16-19, ... 144-147, then from 0 again.
        assertEquals(zones(0, 16, 144, 64), zoned(RwMode.READ, 0, 1 << 20, 4 << 20, 0));
        // offset=4m zonesize=1m zoneskip=2m: from 16-19 in steps of 12 to 148-151, wrapping to 16.
        assertEquals(zones(16, 12, 148, 64), zoned(RwMode.READ, 4 << 20, 1 << 20, 0, 2 << 20));
        // randread zonesize=1m zonerange=4m: four random blocks within each 4 MiB range, range after range.
        List<Long> rand = zoned(RwMode.RANDREAD, 0, 1 << 20, 4 << 20, 0);
        assertEquals(64, rand.size());
        for (int i = 0; i < 64; i++) {
            long zone = (i / 4) % 10;
            assertTrue(rand.get(i) >= zone * 16 && rand.get(i) < zone * 16 + 16, "read " + i + " at " + rand.get(i));
        }
    }

    private List<String> files(String service, int n) {
        JobOptions o = job(RwMode.READ, 3 * 16 * 4096); // three files of 16 blocks
        o.nrfiles = 3;
        o.ioengine = "psync"; // real files: the null engine has one virtual file
        o.aioEngine = "sync";
        o.fileService = service;
        o.fileServiceN = n;
        return Jobs.record(o).ops().stream().map(op -> op.file().substring(op.file().length() - 1)).toList();
    }

    @Test
    void rwSequencerIdenticalRepeatsEachRandomOffsetAndOffsetAlignRoundsPercentOffsets() throws Exception {
        JobOptions o = job(RwMode.RANDREAD, 256 * 1024);
        o.rwSequencer = 4; // rw=randread:4
        o.rwSequencerIdentical = true;
        o.norandommap = true;
        List<Long> off = offsets(Jobs.record(o));
        assertEquals(64, off.size());
        for (int i = 0; i < 64; i += 4) {
            assertEquals(1, new HashSet<>(off.subList(i, i + 4)).size(), "the same offset four times: " + off.subList(i, i + 4));
        }
        assertTrue(new HashSet<>(off).size() > 4, "and a new random one after each four");
        JobOptions pct = job(RwMode.READ, 10 << 20);
        pct.filename = "p";
        pct.offsetPercent = 33;
        assertEquals(3457024L, JobFiles.resolve(pct, 0, 1, 4096, 4096).getFirst().offset(), "33% of 10 MiB to 4 KiB");
        pct.offsetAlign = 1 << 20;
        assertEquals(3L << 20, JobFiles.resolve(pct, 0, 1, 4096, 4096).getFirst().offset(), "offset_align=1m");
    }

    @Test
    void fileServiceTypesPickFilesAsFio() {
        List<String> rr = files("roundrobin", 1);
        assertEquals(List.of("0", "1", "2", "0", "1", "2"), rr.subList(0, 6), "fio's default: one request each");
        assertEquals(List.of("0", "0", "1", "1", "2", "2", "0"), files("roundrobin", 2).subList(0, 7), "roundrobin:2");
        List<String> seq = files("sequential", 1);
        assertEquals(48, seq.size());
        for (int i = 0; i < 48; i++) {
            assertEquals(String.valueOf(i / 16), seq.get(i), "sequential: one file to its end, then the next");
        }
        List<String> rnd = files("random", 1);
        assertEquals(48, rnd.size());
        Map<String, Long> counts = new HashMap<>();
        rnd.forEach(f -> counts.merge(f, 1L, Long::sum));
        assertEquals(Set.of("0", "1", "2"), counts.keySet(), "random: every file drawn: " + counts);
        assertNotEquals(rr, rnd, "and not in turn");
        List<String> rnd4 = files("random", 4);
        for (int i = 0; i < 48; i += 4) {
            assertEquals(1, new HashSet<>(rnd4.subList(i, i + 4)).size(), "random:4 stays 4 requests on a file");
        }
    }

    @Test
    void filenameFormatNamesTheJobsFilesAndCanShareOneBetweenClones() {
        JobOptions o = job(RwMode.READ, 1 << 20);
        o.nrfiles = 2;
        assertEquals(List.of("o.1.0", "o.1.1"), JobFiles.names(o, 1), "fio's default");
        o.filenameFormat = "data.$jobname-$filenum.$jobnum";
        assertEquals(List.of("data.o-0.3", "data.o-1.3"), JobFiles.names(o, 3));
        o.nrfiles = 1;
        o.filenameFormat = "shared";
        assertEquals(JobFiles.names(o, 0), JobFiles.names(o, 5), "no $jobnum: every clone on one file");
    }

    @Test
    void offsetIncrementShiftsEachCloneOfAJobAsFioDoes() throws Exception {
        // fio 3.33, numjobs=3 offset_increment=4m size=1m: the clones read from 0, 4m and 8m (write_iolog).
        JobOptions o = job(RwMode.READ, 1 << 20);
        o.filename = "shared";
        o.offsetIncrement = 4 << 20;
        for (int clone = 0; clone < 3; clone++) {
            FileSpec f = JobFiles.resolve(o, clone, 1, 4096, 4096).getFirst();
            assertEquals(clone * (4L << 20), f.offset(), "clone " + clone);
            assertEquals(1 << 20, f.region());
        }
        JobOptions pct = job(RwMode.READ, 8 << 20);
        pct.filename = "shared";
        pct.offsetIncrementPercent = 25;
        assertEquals(2L << 20, JobFiles.resolve(pct, 1, 1, 4096, 4096).getFirst().offset(), "25% of the 8 MiB size");
    }

    @Test
    void randomMapTouchesEveryBlockExactlyOnce() {
        JobOptions o = job(RwMode.RANDREAD, 4 << 20);
        Jobs.Recorded r = Jobs.record(o);
        List<Long> off = offsets(r);
        assertEquals(1024, off.size());
        Set<Long> distinct = new HashSet<>(off);
        assertEquals(1024, distinct.size(), "no block twice");
        for (long b = 0; b < 1024; b++) {
            assertTrue(distinct.contains(b * 4096), "block " + b);
        }
        assertNotEquals(0L, off.get(1) - off.get(0) - 4096, "not sequential");
    }

    @Test
    void randomMapIsSharedByReadsAndWritesAndSpansFiles() {
        JobOptions o = job(RwMode.RANDRW, 2 << 20);
        o.ioengine = "psync";
        o.aioEngine = "threads";
        o.nrfiles = 2;
        Jobs.Recorded r = Jobs.record(o);
        assertEquals(512, r.ops().size());
        Set<String> distinct = new HashSet<>();
        for (TraceOp op : r.ops()) {
            assertTrue(distinct.add(op.file() + "@" + op.offset()), "repeat " + op);
        }
    }

    @Test
    void norandommapRepeatsBlocks() {
        JobOptions o = job(RwMode.RANDREAD, 4 << 20);
        o.norandommap = true;
        List<Long> off = offsets(Jobs.record(o));
        assertEquals(1024, off.size());
        assertTrue(new HashSet<>(off).size() < 1000, "about 1 - 1/e of the blocks: repeats expected");
    }

    @Test
    void sameSeedGivesTheSameSequenceAndAnotherSeedAnother() {
        JobOptions a = job(RwMode.RANDRW, 1 << 20);
        a.randseed = 42;
        a.randseedGiven = true;
        JobOptions b = a.copy();
        JobOptions c = a.copy();
        c.randseed = 43;
        List<TraceOp> ra = strip(Jobs.record(a).ops());
        List<TraceOp> rb = strip(Jobs.record(b).ops());
        List<TraceOp> rc = strip(Jobs.record(c).ops());
        assertEquals(ra, rb);
        assertNotEquals(ra, rc);
    }

    @Test
    void loopsRepeatTheSameRandomSequenceWithRandrepeat() {
        JobOptions o = job(RwMode.RANDREAD, 256 * 1024);
        o.loops = 2;
        List<Long> off = offsets(Jobs.record(o));
        assertEquals(128, off.size());
        assertEquals(off.subList(0, 64), off.subList(64, 128));
    }

    private static List<TraceOp> strip(List<TraceOp> ops) {
        return ops.stream().map(op -> new TraceOp(0, op.file(), op.action(), op.offset(), op.length())).toList();
    }

    @Test
    void randomSequencerKeepsNMinusOneSequentialAfterEachRandomOffset() {
        JobOptions o = job(RwMode.RANDREAD, 4 << 20);
        o.rwSequencer = 4; // randread:4
        o.norandommap = true;
        List<Long> off = offsets(Jobs.record(o));
        int sequential = 0;
        for (int i = 1; i < off.size(); i++) {
            if (off.get(i) == off.get(i - 1) + 4096) {
                sequential++;
            }
        }
        // 3 of every 4 follow their predecessor (a few fewer at the region's end)
        assertTrue(sequential >= 740 && sequential <= 770, "sequential " + sequential);
    }

    @Test
    void percentageRandomMixesRandomAndSequential() {
        JobOptions o = job(RwMode.RANDREAD, 16 << 20);
        o.percentageRandom[0] = 25;
        o.norandommap = true;
        List<Long> off = offsets(Jobs.record(o));
        int sequential = 0;
        for (int i = 1; i < off.size(); i++) {
            if (off.get(i) == off.get(i - 1) + 4096) {
                sequential++;
            }
        }
        double share = sequential / (double) (off.size() - 1);
        assertTrue(share > 0.70 && share < 0.80, "sequential share " + share);
    }

    @Test
    void zipfParetoAndNormalSkewTheOffsets() {
        Map<JobOptions.Distribution, Double> param = Map.of(JobOptions.Distribution.ZIPF, 1.2,
                JobOptions.Distribution.PARETO, 0.2, JobOptions.Distribution.NORMAL, 10.0);
        for (var e : param.entrySet()) {
            JobOptions o = job(RwMode.RANDREAD, 40L << 20); // 10240 blocks
            o.randomDistribution = e.getKey();
            o.randomDistributionParam = e.getValue();
            List<Long> off = offsets(Jobs.record(o));
            assertEquals(10240, off.size());
            Map<Long, Integer> hits = new HashMap<>();
            off.forEach(x -> hits.merge(x / 4096, 1, Integer::sum));
            long firstTenth = off.stream().filter(x -> x / 4096 < 1024).count();
            long middleFifth = off.stream().filter(x -> x / 4096 >= 4096 && x / 4096 < 6144).count();
            switch (e.getKey()) {
                case ZIPF -> {
                    assertTrue(firstTenth > 0.6 * off.size(), "zipf first tenth " + firstTenth);
                    assertTrue(hits.getOrDefault(0L, 0) > 1000, "rank 1 is the hottest: " + hits.get(0L));
                }
                case PARETO -> {
                    long firstFifth = off.stream().filter(x -> x / 4096 < 2048).count();
                    double share = firstFifth / (double) off.size();
                    assertTrue(share > 0.76 && share < 0.84, "pareto 0.2: 80% in the first 20%: " + share);
                }
                default -> {
                    // sigma 10% of the range: +-1 sigma around the middle holds about 68%
                    double share = middleFifth / (double) off.size();
                    assertTrue(share > 0.64 && share < 0.72, "normal middle fifth " + share);
                }
            }
        }
    }
}
