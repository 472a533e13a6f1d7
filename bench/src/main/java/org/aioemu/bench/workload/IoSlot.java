package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import org.aioemu.blockdev.BlockCompletion;

/**
 * One request slot of a job's queue: its buffer, the operation it carries, and its timestamps. There are
 * iodepth slots; a slot is free, pending (picked but waiting for its time, rate or a sync barrier) or in
 * flight. Loop only; it is its own completion callback, so issuing allocates nothing.
 */
final class IoSlot implements BlockCompletion {
    /** Direction of a flush (fsync/fdatasync), beside JobOptions.READ/WRITE/TRIM. */
    static final int SYNC = 3;

    final int index;
    final MemorySegment buffer;
    /** Views of the buffer by length, made on first use: fixed and split sizes then allocate nothing. */
    private final MemorySegment[] views = new MemorySegment[8];
    private final int[] viewLengths = new int[8];
    private int nextView;
    private final IssueLoop owner;

    int ddir;
    int file;
    long offset;
    int length;
    /** System.nanoTime before which the op must not be issued (trace replay); 0 for none. */
    long notBefore;
    /** trimwrite: once this trim completes, write the same range from the same slot. */
    boolean chainWrite;
    /** A verify-phase read. */
    boolean verifying;
    /** A verify read of a block the job trimmed (trim_verify_zero): it must read back as zeroes. */
    boolean expectZeroes;
    /** A SYNC that is a sync_file_range of {@code [offset, offset + syncRangeLength)} with these flags; 0 for a flush. */
    int syncRangeFlags;
    long syncRangeLength;
    /** Recorded in the job's stats (not for the closing flushes of end_fsync / fsync_on_close). */
    boolean accounted;
    long issueNanos;
    long submitNanos;

    IoSlot(int index, MemorySegment buffer, IssueLoop owner) {
        this.index = index;
        this.buffer = buffer;
        this.owner = owner;
    }

    /** Sets the operation; clears the per-op flags. */
    void set(int ddir, int file, long offset, int length) {
        this.ddir = ddir;
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.notBefore = 0;
        this.chainWrite = false;
        this.verifying = false;
        this.expectZeroes = false;
        this.syncRangeFlags = 0;
        this.accounted = true;
    }

    /** The first {@code length} bytes of the buffer as a segment of that size. */
    MemorySegment view() {
        int len = length;
        for (int i = 0; i < nextView; i++) {
            if (viewLengths[i] == len) {
                return views[i];
            }
        }
        MemorySegment v = buffer.asSlice(0, len);
        if (nextView < views.length) {
            views[nextView] = v;
            viewLengths[nextView++] = len;
        }
        return v;
    }

    /** The op for messages: {@code "read of 4096 bytes at offset 8192 of /x/y"}, {@code "fsync of /x/y"}. */
    String describe(String fileName) {
        return switch (ddir) {
            case 0 -> "read of " + length + " bytes at offset " + offset + " of " + fileName;
            case 1 -> "write of " + length + " bytes at offset " + offset + " of " + fileName;
            case 2 -> "trim of " + length + " bytes at offset " + offset + " of " + fileName;
            default -> syncRangeFlags != 0 ? "sync_file_range of " + syncRangeLength + " bytes at offset " + offset + " of " + fileName
                    : "fsync of " + fileName;
        };
    }

    @Override
    public void complete(int result, String errorDetail) {
        owner.completed(this, result, errorDetail);
    }
}
