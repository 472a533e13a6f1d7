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
    /** trim_backlog trimmed the write's block since: its read-back expects zeroes (or is skipped). */
    private boolean[] trimmed = new boolean[1024];
    private int count;

    void add(int file, long offset, int length) {
        if (count == keys.length) {
            keys = Arrays.copyOf(keys, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            trimmed = Arrays.copyOf(trimmed, count * 2);
        }
        keys[count] = ((long) file << 48) | offset;
        lengths[count] = length;
        count++;
    }

    int size() {
        return count;
    }

    /** unlink_each_loop: the files these writes went to are gone. */
    void clear() {
        java.util.Arrays.fill(trimmed, 0, count, false);
        count = 0;
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

    void markTrimmed(int i) {
        trimmed[i] = true;
    }

    boolean trimmed(int i) {
        return trimmed[i];
    }

    /**
     * Indexes of the writes a read-back must check, in write order: those no later write overlapped. fio does
     * the same (a logged write whose range a newer write touches is dropped — "verify limited" with
     * norandommap and mixed sizes), since a block header or checksum over the older range no longer holds.
     * Runs once, when the verify phase starts.
     */
    int[] survivors() {
        return survivors(0);
    }

    /** As {@link #survivors()}, among the writes from index {@code from} on (those before were verified already). */
    int[] survivors(int from) {
        java.util.Map<Integer, java.util.TreeMap<Long, Long>> covered = new java.util.HashMap<>();
        boolean[] keep = new boolean[count];
        int n = 0;
        for (int i = count - 1; i >= from; i--) {
            java.util.TreeMap<Long, Long> ranges = covered.computeIfAbsent(file(keys[i]), f -> new java.util.TreeMap<>());
            long start = offset(keys[i]);
            long end = start + lengths[i];
            if (!overlaps(ranges, start, end)) {
                keep[i] = true;
                n++;
            }
            cover(ranges, start, end);
        }
        int[] out = new int[n];
        int j = 0;
        for (int i = from; i < count; i++) {
            if (keep[i]) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** Whether [start, end) meets any of the disjoint ranges (start -> end). */
    private static boolean overlaps(java.util.TreeMap<Long, Long> ranges, long start, long end) {
        var below = ranges.lowerEntry(end); // the last range starting before our end
        return below != null && below.getValue() > start;
    }

    /** Adds [start, end) to the disjoint ranges, merging what it touches. */
    private static void cover(java.util.TreeMap<Long, Long> ranges, long start, long end) {
        var before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        var next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
    }
}
