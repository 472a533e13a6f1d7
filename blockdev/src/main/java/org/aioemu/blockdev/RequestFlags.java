package org.aioemu.blockdev;

/**
 * Flags of a modifying request, QEMU's {@code BdrvRequestFlags} in the subset a raw image honours. An {@code int}
 * so that the loop's callback forms stay allocation-free. Combine with {@code |}.
 */
public final class RequestFlags {
    /** No flag. */
    public static final int NONE = 0;
    /**
     * Force unit access: the request completes only once its data is durable, as if a flush of just this request
     * followed it (NBD's {@code FUA}, SCSI's FUA bit). Free on an image opened with O_DSYNC or O_SYNC.
     */
    public static final int FUA = 1;
    /**
     * For write-zeroes: the range may be deallocated (a hole punched) where that is how the file system zeroes
     * it. Without it the range stays allocated, as NBD's {@code NO_HOLE} asks.
     */
    public static final int MAY_UNMAP = 2;
    /**
     * For write-zeroes: only a fast way will do. Where zeroing would mean writing zero buffers the request fails
     * with EOPNOTSUPP and changes nothing (NBD's {@code FAST_ZERO}, QEMU's {@code NO_FALLBACK}).
     */
    public static final int NO_FALLBACK = 4;

    static final int ALL = FUA | MAY_UNMAP | NO_FALLBACK;

    private RequestFlags() {
    }

    /** Throws IllegalArgumentException for bits outside {@code allowed}, naming the request. */
    static void check(int flags, int allowed, String op) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("flags " + flags + " are not valid for " + op + " (allowed: "
                    + describe(allowed) + ")");
        }
    }

    /** The flags' names, e.g. {@code FUA|MAY_UNMAP}; {@code NONE} for 0. */
    static String describe(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & FUA) != 0) {
            b.append("FUA|");
        }
        if ((flags & MAY_UNMAP) != 0) {
            b.append("MAY_UNMAP|");
        }
        if ((flags & NO_FALLBACK) != 0) {
            b.append("NO_FALLBACK|");
        }
        return b.isEmpty() ? "NONE" : b.substring(0, b.length() - 1);
    }
}
