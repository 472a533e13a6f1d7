package org.aioemu.bench.workload;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Where the next request in one file's region goes. Sequential offsets advance per direction, with the
 * {@code rw=...:N} hole of N bytes after each request, and wrap to the region's start when a request no
 * longer fits; a negative N walks backwards ({@link #backwards}). Random offsets are aligned to the direction's alignment and drawn from the job's
 * distribution, through the random map when there is one (each block once per pass, a request trimmed to
 * the free blocks in a row, the map cleared when full). In random modes, {@code :N} keeps N−1 requests
 * sequential after each random one, and percentage_random makes the given share random, the rest
 * sequential. Loop only.
 */
final class FileCursor {
    private final long start;
    private final long region;
    private final long skip;
    private final RandomMap map;
    /** random_generator=lfsr: each block once per pass without a map (null otherwise). */
    private final BlockPermutation order;
    private final int mapUnit;
    /** Next sequential position per direction, relative to the region. */
    private final long[] seqPos = new long[3];
    /** End of the last request per direction, relative to the region (sequential continuation). */
    private final long[] lastEnd = new long[3];
    /** Requests left to keep sequential after a random one (rw=randread:N). */
    private final int[] seqLeft = new int[3];
    /** The length the last pick ended with (the map may shorten a request). */
    private int length;
    /** zonemode=strided: where requests go instead of the plain walk; null otherwise. */
    private StridedZones zones;
    /** rw_sequencer=identical: the N-1 requests after a random one repeat its offset rather than follow it. */
    private boolean identical;
    /** Start of the last random request per direction, relative to the region (rw_sequencer=identical). */
    private final long[] lastRandom = new long[3];

    FileCursor(long start, long region, long skip, boolean useMap, int mapUnit) {
        this(start, region, skip, useMap, mapUnit, null);
    }

    /** With {@code order}, uniform random picks walk it instead of drawing (and no map is kept). */
    FileCursor(long start, long region, long skip, boolean useMap, int mapUnit, BlockPermutation order) {
        this.start = start;
        this.region = region;
        this.skip = skip;
        this.mapUnit = mapUnit;
        this.order = order;
        this.map = useMap && order == null ? new RandomMap(region / mapUnit) : null;
    }

    /** rw_sequencer=identical (set before the first pick). */
    void identicalRepeats(boolean on) {
        this.identical = on;
    }

    /** zonemode=strided: requests follow {@code z} (set before the first pick). */
    void zones(StridedZones z) {
        this.zones = z;
    }

    void reset() {
        if (zones != null) {
            zones.reset();
        }
        java.util.Arrays.fill(seqPos, 0);
        java.util.Arrays.fill(lastEnd, 0);
        java.util.Arrays.fill(seqLeft, 0);
        if (map != null) {
            map.reset();
        }
        if (order != null) {
            order.restart();
        }
    }

    long region() {
        return region;
    }

    /** Length of the request the last pick produced. */
    int length() {
        return length;
    }

    /** A sequential request of {@code len} in direction {@code d}: its absolute offset. */
    long sequential(int d, int len) {
        len = fit(len);
        if (zones != null) {
            length = len;
            return start + zones.sequential(len);
        }
        if (skip < 0) {
            return backwards(d, len);
        }
        long off = seqPos[d];
        if (off + len > region) {
            off = 0;
        }
        seqPos[d] = off + len + skip;
        lastEnd[d] = off + len;
        length = len;
        return start + off;
    }

    /**
     * rw=read:-N, as fio 3.33 moves: each request starts N bytes before the end of the previous one, and a step
     * past the region's start wraps to N before its end. The first request starts the region; in a region that
     * does not start the file, fio rewinds first to the region's length taken as a position within it (its
     * io_size against a relative offset), and so does this. With bs=4k and N=8k over 64k the offsets run 0,
     * 56k, 52k, ... 4k, 0; over 32k from 16k they run 24k, 20k, 16k, 40k, 36k ... — fio's own sequences.
     */
    private long backwards(int d, int len) {
        long pos = lastEnd[d];
        boolean first = pos == 0 && start != 0;
        if (first) {
            pos = region - start;
        }
        if (pos != 0 || first) {
            pos += skip;
            if (pos < 0) {
                pos = region + skip;
            }
        }
        pos = Math.max(0, Math.min(pos, region - len));
        lastEnd[d] = pos + len;
        length = len;
        return start + pos;
    }

    /**
     * A request of {@code len} in a random mode.
     *
     * @param sequencer rw=rand...:N (0 or 1: every request random)
     * @param percentRandom percentage_random of this direction
     */
    long random(int d, int len, int align, Distributions dist, RandomGenerator offsets, SplittableRandom seq,
                long sequencer, int percentRandom) {
        len = fit(len);
        if (zones != null) {
            length = len;
            return start + zones.random(len, align, offsets);
        }
        boolean sequentialNow = false;
        if (sequencer > 1 && seqLeft[d] > 0) {
            seqLeft[d]--;
            if (identical) {
                long off = Math.min(lastRandom[d], Math.max(0, region - len));
                length = len;
                return start + off; // fio's rw_sequencer=identical: the same offset again
            }
            sequentialNow = true;
        } else if (percentRandom < 100 && seq.nextInt(100) >= percentRandom) {
            sequentialNow = true;
        }
        if (sequentialNow) {
            long off = lastEnd[d];
            if (off + len <= region && (map == null || takeFromMap(off, len))) {
                lastEnd[d] = off + len;
                length = len;
                return start + off;
            }
        }
        if (sequencer > 1 && !sequentialNow) {
            seqLeft[d] = (int) Math.min(Integer.MAX_VALUE, sequencer - 1);
        }
        long off;
        if (map != null) {
            if (map.full()) {
                map.reset();
            }
            long u = map.nextFree(offsets.nextLong(map.units()));
            int run = map.freeRun(u, Math.max(1, len / mapUnit));
            map.mark(u, run);
            off = u * mapUnit;
            len = run * mapUnit;
        } else if (order != null) {
            off = Math.min(order.next() * mapUnit, Math.max(0, (region - len) / align * align));
        } else {
            off = dist.next(offsets) * align;
            if (off + len > region) {
                off = Math.max(0, (region - len) / align * align);
            }
        }
        lastEnd[d] = off + len;
        lastRandom[d] = off;
        length = len;
        return start + off;
    }

    /** Number of aligned start positions where a request of the smallest size fits. */
    static long slots(long region, int minLen, int align) {
        return Math.max(1, (region - minLen) / align + 1);
    }

    private boolean takeFromMap(long off, int len) {
        if (off % mapUnit != 0) {
            return false;
        }
        long u = off / mapUnit;
        int n = len / mapUnit;
        if (map.freeRun(u, n) < n) {
            return false;
        }
        map.mark(u, n);
        return true;
    }

    private int fit(int len) {
        return (int) Math.min(len, region);
    }
}
