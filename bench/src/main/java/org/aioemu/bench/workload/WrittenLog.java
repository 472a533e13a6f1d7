package org.aioemu.bench.workload;

import java.util.Arrays;

/**
 * The writes a verifying job completed, for the read-back: file, offset and length of each, in completion
 * order. Grows by doubling (amortised; a verifying job keeps every write, as fio does). Loop only.
 */
final class WrittenLog {
    /** file << 48 | offset. */
    private long[] keys = new long[1024];
    private int[] lengths = new int[1024];
    private int count;

    void add(int file, long offset, int length) {
        if (count == keys.length) {
            keys = Arrays.copyOf(keys, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        keys[count] = ((long) file << 48) | offset;
        lengths[count] = length;
        count++;
    }

    int size() {
        return count;
    }

    static int file(long key) {
        return (int) (key >>> 48);
    }

    static long offset(long key) {
        return key & ((1L << 48) - 1);
    }

    long key(int i) {
        return keys[i];
    }

    int length(int i) {
        return lengths[i];
    }

    /** Indexes of the last write at each (file, offset), in write order: what a read-back must find. */
    int[] survivors() {
        LongSet seen = new LongSet(count);
        boolean[] keep = new boolean[count];
        int n = 0;
        for (int i = count - 1; i >= 0; i--) {
            if (seen.add(keys[i])) {
                keep[i] = true;
                n++;
            }
        }
        int[] out = new int[n];
        int j = 0;
        for (int i = 0; i < count; i++) {
            if (keep[i]) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** An open-addressing set of longs (no boxing); sized once. */
    private static final class LongSet {
        private final long[] table;
        private final boolean[] used;
        private final int mask;

        LongSet(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            table = new long[cap];
            used = new boolean[cap];
            mask = cap - 1;
        }

        boolean add(long k) {
            int i = (int) Seeds.mix(k, 0) & mask;
            while (used[i]) {
                if (table[i] == k) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            table[i] = k;
            return true;
        }
    }
}
