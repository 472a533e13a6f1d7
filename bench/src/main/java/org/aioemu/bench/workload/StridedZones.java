package org.aioemu.bench.workload;

import java.util.random.RandomGenerator;

/**
 * fio's {@code zonemode=strided} over one file, as fio 3.33 walks it (checked against its write_iolog): I/O
 * stays in a zone until {@code zonesize} bytes have gone there, then the zone moves on by {@code zonerange}
 * (default zonesize) plus {@code zoneskip}. Zones start at the job's offset and walk the whole file, not just
 * the job's size, wrapping to the offset when the next zone would pass the file's end; the job still moves
 * {@code size} bytes in all. Sequential requests go in order within a zone; random ones anywhere in the zone's
 * range, aligned. Loop only.
 */
final class StridedZones {
    private final long zoneSize;
    private final long zoneRange;
    private final long step;
    /** Bytes from the job's offset to the file's end: where the walk wraps. */
    private final long walkEnd;
    private long zoneStart;
    private long doneInZone;

    StridedZones(long zoneSize, long zoneRange, long zoneSkip, long walkEnd) {
        this.zoneSize = zoneSize;
        this.zoneRange = zoneRange > 0 ? zoneRange : zoneSize;
        this.step = this.zoneRange + zoneSkip;
        this.walkEnd = walkEnd;
    }

    void reset() {
        zoneStart = 0;
        doneInZone = 0;
    }

    /** The next sequential request of {@code len}: its offset relative to the job's offset. */
    long sequential(int len) {
        nextZoneIfDone(len);
        long off = zoneStart + doneInZone;
        if (off + len > walkEnd) {
            zoneStart = 0;
            doneInZone = 0;
            off = 0;
        }
        doneInZone += len;
        return off;
    }

    /** The next random request of {@code len}, aligned to {@code align}: its offset relative to the job's offset. */
    long random(int len, int align, RandomGenerator r) {
        nextZoneIfDone(len);
        long span = Math.min(zoneRange, walkEnd - zoneStart);
        long slots = Math.max(1, (span - len) / align + 1);
        doneInZone += len;
        return zoneStart + r.nextLong(slots) * align;
    }

    private void nextZoneIfDone(int len) {
        if (doneInZone < zoneSize) {
            return;
        }
        doneInZone = 0;
        zoneStart += step;
        if (zoneStart + len > walkEnd) {
            zoneStart = 0;
        }
    }
}
