package org.aioemu.bench.workload;

/**
 * fio's random map: one bit per block of a file's region, so random I/O touches every block once before
 * any block twice. A pick that lands on a used block takes the next free one (wrapping). Loop only.
 */
final class RandomMap {
    private final long[] words;
    private final long units;
    private long used;

    RandomMap(long units) {
        if (units <= 0 || units > (long) Integer.MAX_VALUE * 64) {
            throw new IllegalArgumentException("random map of " + units + " blocks");
        }
        this.units = units;
        this.words = new long[(int) ((units + 63) >>> 6)];
    }

    long units() {
        return units;
    }

    boolean full() {
        return used >= units;
    }

    void reset() {
        java.util.Arrays.fill(words, 0);
        used = 0;
    }

    boolean isFree(long u) {
        return (words[(int) (u >>> 6)] & (1L << (u & 63))) == 0;
    }

    /** The first free block at or after {@code u}, wrapping to 0; -1 when the map is full. */
    long nextFree(long u) {
        if (full()) {
            return -1;
        }
        long f = scan(u, units);
        return f >= 0 ? f : scan(0, u);
    }

    private long scan(long from, long to) {
        if (from >= to) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long word = ~words[w] & (-1L << (from & 63));
        int last = (int) ((to - 1) >>> 6);
        while (true) {
            if (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return bit < to ? bit : -1;
            }
            if (++w > last) {
                return -1;
            }
            word = ~words[w];
        }
    }

    /** Free blocks in a row from {@code u}, at most {@code max}, not past the end. */
    int freeRun(long u, int max) {
        int n = 0;
        while (n < max && u + n < units && isFree(u + n)) {
            n++;
        }
        return n;
    }

    /** Marks {@code n} blocks from {@code u} used (already used ones stay counted once). */
    void mark(long u, int n) {
        for (long b = u; b < u + n && b < units; b++) {
            int w = (int) (b >>> 6);
            long m = 1L << (b & 63);
            if ((words[w] & m) == 0) {
                words[w] |= m;
                used++;
            }
        }
    }
}
