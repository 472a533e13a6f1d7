package org.aioemu.blockdev.lz4;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an lz4 image's next stored bytes go: free extents inside the file, first fit, else the end. An extent the
 * image stops using (a rewritten cluster's old bytes, a replaced map block) is not free at once: the last durable
 * commit may still name it, and a crash would bring that commit back with the extent overwritten. So a released
 * extent waits, tagged with the number of commits started when it was released, until a commit started after that
 * one has completed ({@link #commitDone}).
 *
 * <p>Threading: the owner's (the driver's loop); not thread-safe.
 */
final class Lz4Space {
    /** Free extents by offset, coalesced: offset → length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final List<long[]> pending = new ArrayList<>();
    private long pendingBytes;
    /** The first byte past everything in use or pending. */
    private long end;
    /** First-fit looks at this many free extents before it appends instead, so allocation stays cheap. */
    private static final int FIT_SCAN = 64;

    Lz4Space(long end) {
        this.end = end;
    }

    long end() {
        return end;
    }

    /** Bytes released and waiting for a commit before they can be reused. */
    long pendingBytes() {
        return pendingBytes;
    }

    long freeBytes() {
        long n = 0;
        for (long len : free.values()) {
            n += len;
        }
        return n;
    }

    /** At open: the gap {@code [offset, offset + length)} between the extents in use is free. */
    void addFree(long offset, long length) {
        if (length > 0) {
            insertFree(offset, length);
        }
    }

    long allocate(int length) {
        int scanned = 0;
        for (Iterator<Map.Entry<Long, Long>> it = free.entrySet().iterator(); it.hasNext() && scanned < FIT_SCAN; scanned++) {
            Map.Entry<Long, Long> e = it.next();
            long at = e.getKey();
            long size = e.getValue();
            if (size >= length) {
                it.remove(); // read the entry first: TreeMap's removal may move its successor's key and value into it
                if (size > length) {
                    free.put(at + length, size - length);
                }
                return at;
            }
        }
        long at = end;
        end += length;
        return at;
    }

    /** The image no longer uses the extent once the next commit started after this call completes. */
    void release(long offset, long length, long commitsStarted) {
        if (offset != 0 && length > 0) {
            pending.add(new long[] {offset, length, commitsStarted});
            pendingBytes += length;
        }
    }

    /** Gives back an extent that was allocated but never named by the map (a write that failed): free at once. */
    void unallocate(long offset, long length) {
        insertFree(offset, length);
    }

    /**
     * Commit number {@code commit} (1-based, in the order commits started) is durable: extents released before it
     * started are free. A read still looking at such an extent is not protected here: the read checks the bytes
     * against the cluster's entry and starts again if the entry changed ({@code ClusterRead}).
     */
    void commitDone(long commit) {
        for (Iterator<long[]> it = pending.iterator(); it.hasNext();) {
            long[] p = it.next();
            if (p[2] < commit) {
                insertFree(p[0], p[1]);
                pendingBytes -= p[1];
                it.remove();
            }
        }
    }

    private void insertFree(long offset, long length) {
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            offset = before.getKey();
            length += before.getValue();
            free.remove(before.getKey());
        }
        Long after = free.get(offset + length);
        if (after != null) {
            free.remove(offset + length);
            length += after;
        }
        if (offset + length == end) {
            end = offset; // the tail is free: the file can end earlier
            Map.Entry<Long, Long> last = free.lastEntry();
            if (last != null && last.getKey() + last.getValue() == end) {
                free.remove(last.getKey());
                end = last.getKey();
            }
            return;
        }
        free.put(offset, length);
    }
}
