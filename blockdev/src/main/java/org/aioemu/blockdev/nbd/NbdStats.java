package org.aioemu.blockdev.nbd;

import java.util.concurrent.atomic.LongAdder;

/**
 * What an export has served, for a status line or a caller's own accounting: requests and bytes by direction.
 * Counted on the loop as requests complete; read from any thread (the sums are recent, not a snapshot).
 */
public final class NbdStats {
    private final LongAdder readOps = new LongAdder();
    private final LongAdder writeOps = new LongAdder();
    private final LongAdder otherOps = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writeBytes = new LongAdder();

    void read(long bytes) {
        readOps.increment();
        readBytes.add(bytes);
    }

    void write(long bytes) {
        writeOps.increment();
        writeBytes.add(bytes);
    }

    void other() {
        otherOps.increment();
    }

    public long readOps() {
        return readOps.sum();
    }

    public long writeOps() {
        return writeOps.sum();
    }

    /** Flushes, trims, zeroing, cache hints and block-status queries. */
    public long otherOps() {
        return otherOps.sum();
    }

    public long readBytes() {
        return readBytes.sum();
    }

    public long writeBytes() {
        return writeBytes.sum();
    }
}
