package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** random_generator: tausworthe, tausworthe64 and lfsr, as generators and as a job's offsets. */
class RandomGeneratorsTest {
    @TempDir
    Path dir;

    @Test
    void permutationVisitsEveryBlockOncePerCycleForAnySize() {
        SplittableRandom r = new SplittableRandom(42);
        long[] sizes = {1, 2, 3, 5, 64, 1000, 4097, (1 << 20) + 7, 1 + r.nextInt(100_000)};
        for (long n : sizes) {
            BlockPermutation p = new BlockPermutation(n, r.nextLong());
            BitSet seen = new BitSet((int) n);
            long[] first = new long[(int) Math.min(n, 16)];
            for (long i = 0; i < n; i++) {
                long b = p.next();
                assertTrue(b >= 0 && b < n, "block " + b + " of " + n);
                assertFalse(seen.get((int) b), "block " + b + " twice in one cycle of " + n);
                seen.set((int) b);
                if (i < first.length) {
                    first[(int) i] = b;
                }
            }
            assertEquals(n, seen.cardinality());
            for (long f : first) {
                assertEquals(f, p.next(), "the next cycle repeats the order (n=" + n + ")");
            }
        }
    }

    @Test
    void permutationDependsOnTheSeedAndIsNotSequential() {
        BlockPermutation a = new BlockPermutation(1 << 16, 1);
        BlockPermutation b = new BlockPermutation(1 << 16, 2);
        int same = 0;
        int ascending = 0;
        long prev = -1;
        for (int i = 0; i < 1 << 16; i++) {
            long x = a.next();
            if (x == b.next()) {
                same++;
            }
            if (x == prev + 1) {
                ascending++;
            }
            prev = x;
        }
        assertTrue(same < 100, "different seeds, different orders: " + same);
        assertTrue(ascending < 100, "not a sequential walk: " + ascending);
    }

    @Test
    void tauswortheGeneratorsAreUniformAndSeeded() {
        for (String name : List.of("tausworthe", "tausworthe64")) {
            Tausworthe g = Tausworthe.forBlocks(name, 1000, 7);
            int[] buckets = new int[16];
            int n = 160_000;
            Set<Long> distinct = new HashSet<>();
            for (int i = 0; i < n; i++) {
                long v = g.nextLong(16);
                buckets[(int) v]++;
                if (i < 10_000) {
                    distinct.add(g.nextLong());
                }
            }
            double chi = 0;
            for (int c : buckets) {
                chi += Math.pow(c - n / 16.0, 2) / (n / 16.0);
            }
            assertTrue(chi < 40, name + ": chi-square over 16 buckets (15 df) " + chi); // p < 1e-3 rejects
            assertEquals(10_000, distinct.size(), name + ": no repeats in 10,000 64-bit draws");
            assertEquals(Tausworthe.forBlocks(name, 1000, 7).nextLong(), Tausworthe.forBlocks(name, 1000, 7).nextLong());
            assertNotEquals(Tausworthe.forBlocks(name, 1000, 7).nextLong(), Tausworthe.forBlocks(name, 1000, 8).nextLong());
        }
        assertInstanceOf(Tausworthe.Taus88.class, Tausworthe.forBlocks("tausworthe", 1L << 32, 1));
        assertInstanceOf(Tausworthe.Taus258.class, Tausworthe.forBlocks("tausworthe", (1L << 32) + 1, 1),
                "past 2^32 blocks fio switches to tausworthe64");
        assertInstanceOf(Tausworthe.Taus258.class, Tausworthe.forBlocks("tausworthe64", 10, 1));
    }

    private JobOptions job(String generator, boolean norandommap) {
        JobOptions o = Jobs.job("g-" + generator, dir);
        o.rw = RwMode.RANDREAD;
        o.size = 4 << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.randomGenerator = generator;
        o.norandommap = norandommap;
        return o;
    }

    private static List<Long> offsets(JobOptions o) {
        return Jobs.record(o).ops().stream().map(TraceOp::offset).toList();
    }

    @Test
    void lfsrCoversEveryBlockOnceWithoutARandomMap() {
        List<Long> off = offsets(job("lfsr", true));
        assertEquals(1024, off.size());
        Set<Long> distinct = new HashSet<>(off);
        assertEquals(1024, distinct.size(), "lfsr never repeats a block within a pass, even with norandommap");
        for (long b = 0; b < 1024; b++) {
            assertTrue(distinct.contains(b * 4096), "block " + b);
        }

        List<Long> plain = offsets(job("tausworthe", true));
        assertTrue(new HashSet<>(plain).size() < 1000, "norandommap with tausworthe draws with repeats");

        JobOptions twice = job("lfsr", true);
        twice.loops = 2;
        List<Long> both = offsets(twice);
        assertEquals(2048, both.size());
        assertEquals(both.subList(0, 1024), both.subList(1024, 2048), "randrepeat: each loop repeats the order");
    }

    @Test
    void generatorChoiceChangesTheOrderNotTheCoverage() {
        List<Long> t32 = offsets(job("tausworthe", false));
        List<Long> t64 = offsets(job("tausworthe64", false));
        List<Long> lfsr = offsets(job("lfsr", false));
        for (List<Long> l : List.of(t32, t64, lfsr)) {
            assertEquals(1024, new HashSet<>(l).size(), "each block once");
        }
        assertNotEquals(t32, t64);
        assertNotEquals(t32, lfsr);
        assertEquals(t64, offsets(job("tausworthe64", false)), "same seed, same order");
    }
}
