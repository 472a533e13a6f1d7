package org.aioemu.bench.workload;

/**
 * fio's {@code random_generator=lfsr}: a random-looking order of a file's {@code n} blocks that visits each
 * block exactly once per cycle, in constant memory, so no random map is needed. fio walks a maximal-length
 * LFSR and skips values past the end; this walks a counter through a seeded bijection of the w-bit integers
 * (2^w the smallest power of two not below n) and skips values past the end — the same guarantee (every block
 * once, then the cycle repeats) with less bookkeeping. Fewer than two steps per block on average, since
 * n > 2^(w-1). As in fio, it suits fixed block sizes; with mixed sizes some blocks are covered twice.
 *
 * <p>Not thread-safe: owned by one job's loop.
 */
final class BlockPermutation {
    private final long n;
    private final int bits;
    private final long mask;
    private final long key;
    private final long mulA;
    private final long mulB;
    private long counter;
    private long handed;

    BlockPermutation(long n, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("a permutation of " + n + " blocks");
        }
        this.n = n;
        this.bits = Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1));
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
        this.key = Seeds.mix(seed, 7) & mask;
        this.mulA = Seeds.mix(seed, 8) | 1; // odd multipliers are bijections modulo 2^w
        this.mulB = Seeds.mix(seed, 9) | 1;
    }

    long blocks() {
        return n;
    }

    /** Starts the cycle again from its first block (a new loop of a job with randrepeat). */
    void restart() {
        counter = 0;
        handed = 0;
    }

    /** The next block, in [0, n). After n calls every block has been returned once; then it starts over. */
    long next() {
        if (handed == n) {
            handed = 0;
            counter = 0;
        }
        while (true) {
            long v = scramble(counter);
            counter = (counter + 1) & mask;
            if (v < n) {
                handed++;
                return v;
            }
        }
    }

    /** A bijection of the w-bit integers: add a key, then multiply/xor-shift rounds, each invertible mod 2^w. */
    private long scramble(long x) {
        int half = Math.max(1, bits / 2);
        x = (x + key) & mask;
        x = (x * mulA) & mask;
        x ^= x >>> half;
        x = (x * mulB) & mask;
        x ^= x >>> half;
        return x;
    }
}
