package org.aioemu.bench.workload;

import java.util.random.RandomGenerator;

/**
 * fio's offset generators {@code random_generator=tausworthe} and {@code tausworthe64}: L'Ecuyer's maximally
 * equidistributed combined Tausworthe generators ("Tables of maximally equidistributed combined LFSR
 * generators", Math. Comp. 1999) — three 32-bit components (period about 2^88) or five 64-bit ones (about
 * 2^258). Fast, no multiplication, and reproducible from one seed. The 32-bit one yields 32 random bits per
 * step, so a 64-bit draw takes two steps, as a bounded draw over more than 2^32 blocks needs; fio switches to
 * the 64-bit generator for such files on its own, and {@link #forBlocks} does the same.
 *
 * <p>Not thread-safe: each job's offset stream is owned by its loop thread.
 */
abstract sealed class Tausworthe implements RandomGenerator permits Tausworthe.Taus88, Tausworthe.Taus258 {
    /** fio's rule: tausworthe unless the job spans more than 2^32 blocks. */
    static Tausworthe forBlocks(String name, long blocks, long seed) {
        boolean wide = "tausworthe64".equals(name) || blocks > (1L << 32);
        return wide ? new Taus258(seed) : new Taus88(seed);
    }

    /** Component seeds must exceed a per-component floor or the component sticks at zero. */
    static long atLeast(long v, long floor) {
        return Long.compareUnsigned(v, floor) > 0 ? v : v + floor + 1;
    }

    /** Three components with (k, q, s) = (31, 13, 12), (29, 2, 4), (28, 3, 17). */
    static final class Taus88 extends Tausworthe {
        private int s1;
        private int s2;
        private int s3;

        Taus88(long seed) {
            long a = Seeds.mix(seed, 1);
            long b = Seeds.mix(seed, 2);
            s1 = (int) atLeast(a & 0xFFFF_FFFFL, 1);
            s2 = (int) atLeast(a >>> 32, 7);
            s3 = (int) atLeast(b & 0xFFFF_FFFFL, 15);
            for (int i = 0; i < 10; i++) { // leave the seeds' neighbourhood, as the generator's users do
                next32();
            }
        }

        int next32() {
            s1 = ((s1 & 0xFFFF_FFFE) << 12) ^ (((s1 << 13) ^ s1) >>> 19);
            s2 = ((s2 & 0xFFFF_FFF8) << 4) ^ (((s2 << 2) ^ s2) >>> 25);
            s3 = ((s3 & 0xFFFF_FFF0) << 17) ^ (((s3 << 3) ^ s3) >>> 11);
            return s1 ^ s2 ^ s3;
        }

        @Override
        public int nextInt() {
            return next32();
        }

        @Override
        public long nextLong() {
            return ((long) next32() << 32) | (next32() & 0xFFFF_FFFFL);
        }
    }

    /** Five components: L'Ecuyer's 64-bit generator with period about 2^258. */
    static final class Taus258 extends Tausworthe {
        private long z1;
        private long z2;
        private long z3;
        private long z4;
        private long z5;

        Taus258(long seed) {
            z1 = atLeast(Seeds.mix(seed, 1), 1);
            z2 = atLeast(Seeds.mix(seed, 2), 511);
            z3 = atLeast(Seeds.mix(seed, 3), 4095);
            z4 = atLeast(Seeds.mix(seed, 4), 131_071);
            z5 = atLeast(Seeds.mix(seed, 5), 8_388_607);
            for (int i = 0; i < 10; i++) {
                nextLong();
            }
        }

        @Override
        public long nextLong() {
            z1 = ((z1 & ~1L) << 10) ^ (((z1 << 1) ^ z1) >>> 53);
            z2 = ((z2 & ~511L) << 5) ^ (((z2 << 24) ^ z2) >>> 50);
            z3 = ((z3 & ~4095L) << 29) ^ (((z3 << 3) ^ z3) >>> 23);
            z4 = ((z4 & ~131_071L) << 23) ^ (((z4 << 5) ^ z4) >>> 24);
            z5 = ((z5 & ~8_388_607L) << 8) ^ (((z5 << 3) ^ z5) >>> 33);
            return z1 ^ z2 ^ z3 ^ z4 ^ z5;
        }
    }
}
