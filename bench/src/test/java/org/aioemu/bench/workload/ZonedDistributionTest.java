package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.bench.job.JobFileParser;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/** fio's zoned and zoned_abs random distributions: each zone gets its share of accesses, uniformly within. */
class ZonedDistributionTest {
    private static JobOptions parse(String options) {
        List<JobOptions> jobs = new JobFileParser(java.util.Map.of()).parse(Path.of("z.fio"), "[z]\n" + options + "\n");
        return jobs.getFirst();
    }

    /** Shares of {@code draws} samples falling in [bounds[i], bounds[i+1]). */
    private static double[] shares(Distributions dist, long[] bounds, int draws) {
        SplittableRandom r = new SplittableRandom(7);
        double[] out = new double[bounds.length - 1];
        for (int k = 0; k < draws; k++) {
            long v = dist.next(r);
            for (int i = 0; i < out.length; i++) {
                if (v >= bounds[i] && v < bounds[i + 1]) {
                    out[i] += 1.0 / draws;
                }
            }
        }
        return out;
    }

    @Test
    void fiosRandZonesExample() {
        // rand-zones.fio: 50% of accesses to the first 5%, 30% to the next 15%, 20% to the remaining 80%.
        JobOptions o = parse("random_distribution=zoned:50/5:30/15:20/");
        Distributions d = Distributions.zoned(o.zones[JobOptions.READ], 1000, 4096);
        double[] s = shares(d, new long[] {0, 50, 200, 1000}, 200_000);
        assertEquals(0.5, s[0], 0.01);
        assertEquals(0.3, s[1], 0.01);
        assertEquals(0.2, s[2], 0.01);
        assertEquals(1.0, s[0] + s[1] + s[2], 1e-9, "nothing outside the region");
        // Uniform within a zone: both halves of the first zone get about half of its share.
        double[] halves = shares(d, new long[] {0, 25, 50}, 200_000);
        assertEquals(halves[0], halves[1], 0.01);
    }

    @Test
    void aListPerDirectionAndAbsoluteSizes() {
        JobOptions o = parse("random_distribution=zoned:50/10:50/90,100/50");
        assertEquals(1.0, shares(Distributions.zoned(o.zones[JobOptions.WRITE], 1000, 4096), new long[] {0, 500}, 50_000)[0], 1e-9);
        assertEquals(0.5, shares(Distributions.zoned(o.zones[JobOptions.READ], 1000, 4096), new long[] {0, 100}, 50_000)[0], 0.01);
        assertTrue(o.zones[JobOptions.TRIM] == o.zones[JobOptions.READ], "a direction without a list takes the first");
        JobOptions abs = parse("random_distribution=zoned_abs:60/4m:40/");
        double[] s = shares(Distributions.zoned(abs.zones[JobOptions.READ], 4096, 4096), new long[] {0, 1024, 4096}, 100_000);
        assertEquals(0.6, s[0], 0.01, "4 MiB of 4 KiB slots is the first 1024");
        assertEquals(0.4, s[1], 0.01);
    }

    @Test
    void badSplitsAreClearErrors() {
        for (String[] c : new String[][] {
                {"zoned:50/5:30/15", "access percentages adding up to 100 (these add up to 80)"},
                {"zoned:50/60:50/60", "size percentages adding up to at most 100"},
                {"zoned:", "access%/size pairs after zoned:"},
                {"zoned:50", "access%/size pairs such as zoned:50/5:30/15:20/ (got '50')"},
                {"zoned:100/5,100/5,100/5,100/5", "at most three lists"}}) {
            try {
                parse("random_distribution=" + c[0]);
                throw new AssertionError(c[0] + " was accepted");
            } catch (RuntimeException e) {
                assertTrue(e.getMessage().contains("z.fio:2") && e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            }
        }
    }
}
