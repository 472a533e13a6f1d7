package org.aioemu.bench.workload;

import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;

/**
 * Picks request sizes per direction: a fixed {@code bs}, a {@code bsrange} (uniform, in multiples of the
 * range's low end — or of {@code ba} — unless blocksize_unaligned), or a {@code bssplit} (weighted: entries
 * without a share split what the others leave of 100%). Loop only after construction.
 */
final class BlockSizes {
    private final int[] fixed = new int[3];
    private final int[] lo = new int[3];
    private final int[] hi = new int[3];
    private final int[] step = new int[3];
    private final int[][] splitSizes = new int[3][];
    /** Cumulative weights, last = total. */
    private final long[][] splitCum = new long[3][];
    private final int[] align = new int[3];
    private final int min;
    private final int max;

    BlockSizes(JobOptions o, boolean[] used) {
        int mn = Integer.MAX_VALUE;
        int mx = 0;
        for (int d = 0; d < 3; d++) {
            int dmin;
            int dmax;
            JobOptions.BsSplit[] split = o.bssplit[d];
            if (split != null && split.length > 0) {
                buildSplit(d, split);
                dmin = Integer.MAX_VALUE;
                dmax = 0;
                for (int s : splitSizes[d]) {
                    dmin = Math.min(dmin, s);
                    dmax = Math.max(dmax, s);
                }
            } else if (o.bsrangeLow[d] > 0 && o.bsrangeHigh[d] > o.bsrangeLow[d]) {
                lo[d] = o.bsrangeLow[d];
                hi[d] = o.bsrangeHigh[d];
                int g = o.blocksizeUnaligned ? 1 : (o.ba[d] > 0 ? o.ba[d] : lo[d]);
                step[d] = g;
                dmin = lo[d];
                dmax = hi[d] - (hi[d] % g);
            } else {
                fixed[d] = o.bsrangeLow[d] > 0 && o.bsrangeLow[d] == o.bsrangeHigh[d] ? o.bsrangeLow[d] : o.bs[d];
                if (fixed[d] <= 0) {
                    throw new IllegalArgumentException("block size must be positive: " + fixed[d]);
                }
                dmin = fixed[d];
                dmax = fixed[d];
            }
            align[d] = o.ba[d] > 0 ? o.ba[d] : (o.blocksizeUnaligned ? 1 : dmin);
            if (used[d]) {
                mn = Math.min(mn, dmin);
                mx = Math.max(mx, dmax);
            }
        }
        this.min = mn == Integer.MAX_VALUE ? o.bs[0] : mn;
        this.max = Math.max(mx, this.min);
    }

    private void buildSplit(int d, JobOptions.BsSplit[] split) {
        int given = 0;
        int unset = 0;
        for (JobOptions.BsSplit s : split) {
            if (s.percent() > 0) {
                given += s.percent();
            } else {
                unset++;
            }
        }
        int share = unset > 0 ? Math.max(0, 100 - given) / unset : 0;
        splitSizes[d] = new int[split.length];
        splitCum[d] = new long[split.length];
        long cum = 0;
        for (int i = 0; i < split.length; i++) {
            splitSizes[d][i] = split[i].blockSize();
            cum += split[i].percent() > 0 ? split[i].percent() : share;
            splitCum[d][i] = cum;
        }
        if (cum == 0) {
            throw new IllegalArgumentException("bssplit has no weight");
        }
    }

    /** A request size for direction {@code d}. */
    int pick(int d, SplittableRandom rnd) {
        if (fixed[d] > 0) {
            return fixed[d];
        }
        long[] cum = splitCum[d];
        if (cum != null) {
            long r = rnd.nextLong(cum[cum.length - 1]);
            for (int i = 0; i < cum.length; i++) {
                if (r < cum[i]) {
                    return splitSizes[d][i];
                }
            }
            return splitSizes[d][cum.length - 1];
        }
        int g = step[d];
        int choices = (hi[d] - lo[d]) / g + 1;
        return lo[d] + g * rnd.nextInt(choices);
    }

    /** Offsets of direction {@code d} are multiples of this (ba=, else the direction's smallest size). */
    int align(int d) {
        return align[d];
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    /** Whether every size of the used directions is a multiple of {@code unit} (the random map's block). */
    boolean allMultiplesOf(int unit, boolean[] used) {
        for (int d = 0; d < 3; d++) {
            if (!used[d]) {
                continue;
            }
            if (fixed[d] > 0 && fixed[d] % unit != 0) {
                return false;
            }
            if (splitSizes[d] != null) {
                for (int s : splitSizes[d]) {
                    if (s % unit != 0) {
                        return false;
                    }
                }
            }
            if (splitSizes[d] == null && fixed[d] == 0 && (lo[d] % unit != 0 || step[d] % unit != 0)) {
                return false;
            }
            if (align[d] % unit != 0) {
                return false;
            }
        }
        return true;
    }
}
