package org.aioemu.bench.iolog;

/**
 * fio's completion-latency histogram buckets ("plat" bins), which its histogram logs count in: latencies in
 * nanoseconds below 128 have a bin each, and each further power of two is split into 64 equal bins, over 29
 * groups (fio 3.x's FIO_IO_U_PLAT_BITS 6 and FIO_IO_U_PLAT_GROUP_NR 29), so {@value #COUNT} bins in all, the
 * last one also taking everything beyond. A bin's value is the midpoint fio reports for it (its json+ "bins"
 * keys, the values fio's fiologparser_hist.py reads the columns as). Stateless.
 */
public final class PlatBins {
    private static final int BITS = 6;
    private static final int PER_GROUP = 1 << BITS;
    private static final int GROUPS = 29;
    /** Bins in a full-resolution histogram log line. */
    public static final int COUNT = GROUPS * PER_GROUP;

    private PlatBins() {
    }

    /** The bin a latency of {@code nanos} falls in. */
    public static int index(long nanos) {
        if (nanos < 2L * PER_GROUP) {
            return (int) Math.max(0, nanos); // up to the first split, one bin per nanosecond
        }
        int msb = 63 - Long.numberOfLeadingZeros(nanos);
        int dropped = msb - BITS; // low bits below the bin's resolution
        long bin = ((long) (dropped + 1) << BITS) + ((nanos >>> dropped) & (PER_GROUP - 1));
        return (int) Math.min(bin, COUNT - 1);
    }

    /** The latency fio reports for bin {@code index}: the bin's midpoint, in nanoseconds. */
    public static long value(int index) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("no plat bin " + index + " (0.." + (COUNT - 1) + ")");
        }
        if (index < 2 * PER_GROUP) {
            return index;
        }
        int dropped = (index >> BITS) - 1;
        long base = 1L << (dropped + BITS);
        int within = index & (PER_GROUP - 1);
        return base + (long) ((within + 0.5) * (1L << dropped));
    }
}
