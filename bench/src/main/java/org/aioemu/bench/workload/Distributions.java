package org.aioemu.bench.workload;

import java.util.random.RandomGenerator;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's random_distribution= generators over {@code n} slots (block positions), each returning an index in
 * {@code [0, n)}. Skewed kinds put their hot spots at low indexes (rank r is block r):
 * <ul>
 *   <li>zipf:θ — P(rank k) ∝ 1/k^θ, sampled exactly by rejection-inversion (Hörmann and Derflinger, 1996);
 *       default θ 1.1;
 *   <li>pareto:h — the self-similar (80/20-style) distribution with skew h in (0,1): a share 1−h of the
 *       accesses goes to the first h of the blocks (h=0.2: 80% to 20%); default 0.2;
 *   <li>normal/gauss:σ — centred on the middle of the range, σ given as a percent of the range; values
 *       outside are drawn again; default 10.
 *   <li>zoned / zoned_abs — {@link #zoned}.
 * </ul>
 * Instances hold precomputed constants only; the random source is passed in. Loop only.
 */
interface Distributions {
    long next(RandomGenerator r);

    static Distributions of(JobOptions.Distribution kind, double param, long n) {
        return switch (kind) {
            case RANDOM -> r -> r.nextLong(n);
            case ZIPF -> new Zipf(n, param > 0 ? param : 1.1);
            case PARETO -> pareto(n, param > 0 && param < 1 ? param : 0.2);
            case NORMAL, GAUSS -> normal(n, param > 0 ? param : 10);
            case ZONED -> throw new IllegalArgumentException("a zoned distribution needs its split: use zoned()");
        };
    }

    /**
     * fio's zoned split over {@code n} slots of {@code slotBytes} each: a draw of 0..99 picks the zone by its
     * share of accesses, then a slot uniformly within the zone. Zones lie end to end from slot 0, sized in
     * percent of the slots or in bytes; one without a size, or past the end, takes what is left.
     */
    static Distributions zoned(org.aioemu.bench.job.ZoneSplit z, long n, long slotBytes) {
        int zones = z.access().length;
        long[] first = new long[zones];
        long[] count = new long[zones];
        long at = 0;
        for (int i = 0; i < zones; i++) {
            double s = z.size()[i];
            long want = Double.isNaN(s) ? n - at
                    : z.absolute() ? (long) (s / Math.max(1, slotBytes)) : (long) Math.floor(n * s / 100.0);
            first[i] = Math.min(at, n - 1);
            count[i] = Math.max(1, Math.min(want, n - first[i]));
            at = Math.min(n, at + want);
        }
        int[] zoneOf = new int[100];
        int v = 0;
        for (int i = 0; i < zones; i++) {
            for (int k = 0; k < z.access()[i]; k++) {
                zoneOf[v++] = i;
            }
        }
        return r -> {
            int i = zoneOf[r.nextInt(100)];
            return first[i] + r.nextLong(count[i]);
        };
    }

    private static Distributions pareto(long n, double h) {
        double exponent = Math.log(h) / Math.log(1 - h);
        return r -> Math.min(n - 1, (long) (n * Math.pow(r.nextDouble(), exponent)));
    }

    private static Distributions normal(long n, double sigmaPercent) {
        double centre = n / 2.0;
        double sigma = n * sigmaPercent / 100.0;
        return r -> {
            for (int tries = 0; tries < 64; tries++) {
                double v = centre + r.nextGaussian() * sigma;
                if (v >= 0 && v < n) {
                    return (long) v;
                }
            }
            return (long) centre;
        };
    }

    /** Zipf over ranks 1..n by rejection-inversion; returns rank − 1. */
    final class Zipf implements Distributions {
        private final long n;
        private final double s;
        private final double hX1;
        private final double hN;
        private final double sConst;

        Zipf(long n, double s) {
            this.n = n;
            this.s = s;
            this.hX1 = bigH(1.5) - 1.0;
            this.hN = bigH(n + 0.5);
            this.sConst = 2.0 - bigHInverse(bigH(2.5) - h(2.0));
        }

        @Override
        public long next(RandomGenerator r) {
            while (true) {
                double u = hN + r.nextDouble() * (hX1 - hN);
                double x = bigHInverse(u);
                long k = (long) (x + 0.5);
                if (k < 1) {
                    k = 1;
                } else if (k > n) {
                    k = n;
                }
                if (k - x <= sConst || u >= bigH(k + 0.5) - h(k)) {
                    return k - 1;
                }
            }
        }

        private double h(double x) {
            return Math.exp(-s * Math.log(x));
        }

        /** The integral of h from 1 to x: (x^(1−s) − 1)/(1−s), log x at s = 1, computed stably. */
        private double bigH(double x) {
            double lx = Math.log(x);
            return expm1OverX((1.0 - s) * lx) * lx;
        }

        private double bigHInverse(double y) {
            double t = y * (1.0 - s);
            if (t < -1.0) {
                t = -1.0; // rounding at the far end
            }
            return Math.exp(log1pOverX(t) * y);
        }

        private static double expm1OverX(double x) {
            return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1.0 + x / 2.0 + x * x / 6.0;
        }

        private static double log1pOverX(double x) {
            return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1.0 - x / 2.0 + x * x / 3.0;
        }
    }
}
