package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces on their own. */
class PartsTest {
    @TempDir
    Path dir;

    @Test
    void filenameListSplitsAtUnescapedColons() {
        assertEquals(List.of("a", "b:c", "d"), JobFiles.splitNames("a:b\\:c:d"));
        assertEquals(List.of("/dev/x"), JobFiles.splitNames("/dev/x"));
        assertEquals(List.of("a", "b"), JobFiles.splitNames("a::b:"));
    }

    @Test
    void randomMapFindsFreeBlocksAndRuns() {
        RandomMap m = new RandomMap(130);
        m.mark(0, 64);
        assertEquals(64, m.nextFree(3));
        assertEquals(5, m.freeRun(64, 5));
        m.mark(64, 66);
        assertTrue(m.full());
        assertEquals(-1, m.nextFree(0));
        m.reset();
        m.mark(128, 2);
        assertEquals(0, m.nextFree(129), "wraps");
        assertEquals(2, m.freeRun(126, 5), "stops at a used block");
    }

    @Test
    void zipfMatchesItsProbabilities() {
        long n = 100;
        double theta = 1.2;
        Distributions z = Distributions.of(JobOptions.Distribution.ZIPF, theta, n);
        SplittableRandom r = new SplittableRandom(1);
        long[] hits = new long[(int) n];
        int draws = 400_000;
        for (int i = 0; i < draws; i++) {
            long k = z.next(r);
            assertTrue(k >= 0 && k < n);
            hits[(int) k]++;
        }
        double norm = 0;
        for (int k = 1; k <= n; k++) {
            norm += Math.pow(k, -theta);
        }
        for (int k : new int[] {1, 2, 5, 20}) {
            double expect = Math.pow(k, -theta) / norm;
            assertEquals(expect, hits[k - 1] / (double) draws, expect * 0.05 + 0.001, "rank " + k);
        }
    }

    @Test
    void blockSizesAlignAndSplit() {
        JobOptions o = new JobOptions();
        o.bssplit[0] = new JobOptions.BsSplit[] {new JobOptions.BsSplit(8192, 10), new JobOptions.BsSplit(4096, 90)};
        o.bs[1] = 65536;
        BlockSizes b = new BlockSizes(o, new boolean[] {true, true, false});
        assertEquals(4096, b.min());
        assertEquals(65536, b.max());
        assertEquals(4096, b.align(0));
        assertEquals(65536, b.align(1));
        assertTrue(b.allMultiplesOf(4096, new boolean[] {true, true, false}));
        assertTrue(!b.allMultiplesOf(8192, new boolean[] {true, true, false}));
    }

    @Test
    void builtInDataIsFiosVerifiedBlocksAndBufferContents() {
        JobOptions o = new JobOptions();
        o.verify = JobOptions.Verify.CRC32C;
        WriteDataSource w = DataFactory.builtIn().writer(o, 0, 9);
        ReadChecker c = DataFactory.builtIn().checker(o, 0, 9);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment big = a.allocate(8192);
            w.fill(big, 8192, 8192);
            assertNull(c.check(big, 8192, 8192), "what was written verifies");
            assertTrue(c.check(big, 0, 8192) != null, "the header names its offset: read elsewhere, it fails");
            big.set(ValueLayout.JAVA_BYTE, 4000, (byte) (big.get(ValueLayout.JAVA_BYTE, 4000) ^ 1));
            assertTrue(c.check(big, 8192, 8192) != null, "one flipped bit is found");
            assertNull(DataFactory.builtIn().checker(new JobOptions(), 0, 9), "no checker without verify");

            JobOptions p = new JobOptions();
            p.bufferPattern = new byte[] {1, 2, 3};
            MemorySegment pat = a.allocate(9000);
            DataFactory.builtIn().writer(p, 0, 0).fill(pat, 1, 9000);
            assertArrayEquals(new byte[] {1, 2, 3, 1}, pat.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE),
                    "buffer_pattern repeats from the buffer's start, as fio fills it");
        }
    }

    @Test
    void writtenLogKeepsTheLastWriteOfEachPlace() {
        WrittenLog log = new WrittenLog();
        log.add(0, 0, 4096);
        log.add(0, 4096, 4096);
        log.add(1, 0, 4096);
        log.add(0, 0, 8192);
        int[] keep = log.survivors();
        assertEquals(List.of(2, 3), java.util.Arrays.stream(keep).boxed().toList(), "the 8k write covers both 4k ones");
        assertEquals(8192, log.length(3));
        assertEquals(1, WrittenLog.file(log.key(2)));

        WrittenLog partial = new WrittenLog();
        partial.add(0, 0, 65536);      // 0: overlapped at its end by 2
        partial.add(0, 65536, 4096);   // 1: touches 0 and 2 but overlaps neither
        partial.add(0, 61440, 4096);   // 2: the newest write of its range
        partial.add(0, 131072, 8192);  // 3: overlapped in its middle by 4
        partial.add(0, 135168, 512);   // 4
        partial.add(0, 200000, 4096);  // 5: never overlapped
        assertEquals(List.of(1, 2, 4, 5), java.util.Arrays.stream(partial.survivors()).boxed().toList());
    }

    @Test
    void survivorsNeverOverlapAndEachWasWrittenLastOverItsRange() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            WrittenLog log = new WrittenLog();
            int n = 1 + r.nextInt(300);
            long[] starts = new long[n];
            int[] lens = new int[n];
            for (int i = 0; i < n; i++) {
                starts[i] = r.nextLong(1 << 20) & ~511L;
                lens[i] = 512 * (1 + r.nextInt(32));
                log.add(0, starts[i], lens[i]);
            }
            java.util.Set<Integer> kept = new java.util.HashSet<>();
            for (int k : log.survivors()) {
                kept.add(k);
            }
            for (int i = 0; i < n; i++) {
                boolean overlappedLater = false;
                for (int j = i + 1; j < n && !overlappedLater; j++) {
                    overlappedLater = starts[j] < starts[i] + lens[i] && starts[i] < starts[j] + lens[j];
                }
                assertEquals(!overlappedLater, kept.contains(i), "write " + i + " in round " + round);
            }
        }
    }

    @Test
    void iologTextRoundTrips() throws Exception {
        Path p = dir.resolve("t.log");
        try (TraceSink w = IologTraces.writer(p)) {
            w.add("f");
            w.open("f");
            w.io(5_000, "f", TraceAction.WRITE, 4096, 512);
            w.io(9_000, "f", TraceAction.SYNC, 0, 0);
            w.io(12_000, "f", TraceAction.TRIM, 0, 4096);
            w.close("f");
        }
        // File actions carry the writer's own clock (as fio stamps them); I/O lines the times given.
        List<String> lines = Files.readAllLines(p);
        assertEquals(7, lines.size(), lines.toString());
        assertEquals("fio version 3 iolog", lines.get(0));
        assertTrue(lines.get(1).matches("\\d+ f add"), lines.get(1));
        assertTrue(lines.get(2).matches("\\d+ f open"), lines.get(2));
        assertEquals(List.of("5 f write 4096 512", "9 f sync 0 0", "12 f trim 0 4096"), lines.subList(3, 6));
        assertTrue(lines.get(6).matches("\\d+ f close"), lines.get(6));
        List<TraceOp> ops = IologTraces.read(p).ops();
        assertEquals(new TraceOp(5_000, "f", TraceAction.WRITE, 4096, 512), ops.get(2));
        assertEquals(TraceAction.SYNC, ops.get(3).action());
    }

    @Test
    void unitsAsFioPrintsThem() {
        assertEquals("4MiB", Units.bytes(4 << 20));
        assertEquals("1536B", Units.bytes(1536));
        assertEquals("393MiB/s", Units.rate(393.0 * 1024 * 1024));
        assertEquals("400KiB/s", Units.rate(400 * 1024));
        assertEquals("101k", Units.count(101_000));
        assertEquals("987", Units.count(987));
    }

    @Test
    void rateLimiterSpacesRequestsAndForgivesLittleDebt() {
        JobOptions o = new JobOptions();
        o.rateIops[0] = 1000;
        o.rate[1] = 1 << 20;
        RateLimiter r = new RateLimiter(o);
        long t = 1_000_000_000L;
        assertEquals(0, r.delay(0, t));
        r.charge(0, 4096, t);
        assertEquals(1_000_000, r.delay(0, t));
        r.charge(1, 1 << 20, t);
        assertEquals(1_000_000_000, r.delay(1, t), 1000);
        assertEquals(0, r.delay(2, t), "no limit on trims");
        long later = t + 10_000_000_000L;
        r.charge(0, 4096, later);
        assertEquals(0, r.delay(0, later), "idle time earns at most 100 ms of credit");
        for (int i = 0; i < 100; i++) {
            r.charge(0, 4096, later);
        }
        assertTrue(r.delay(0, later) > 0);
    }
}
