package org.aioemu.blockdev.lz4;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decompressed clusters, least recently used out first, in a fixed number of native slots allocated up front: a
 * warm random read is a copy on the loop, with no read of the file and no decompression. An entry remembers which
 * stored extent it was decoded from, so an entry that a rewrite superseded is never served.
 *
 * <p>A slot is taken out ({@link #reserve}) before a worker decodes into it and comes back either as an entry
 * ({@link #put}) or free ({@link #unreserve}); a reserved slot is not in the LRU, so it is never handed out twice.
 *
 * <p>Threading: the driver's loop only (the worker that fills a reserved slot owns it until its completion runs
 * on the loop, which the pool's hand-off orders).
 */
final class Lz4ClusterCache {
    private record Entry(long storedOffset, MemorySegment slot) {
    }

    private final LinkedHashMap<Long, Entry> lru = new LinkedHashMap<>(64, 0.75f, true);
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private long hits;
    private long misses;

    Lz4ClusterCache(Arena arena, int clusterSize, long capacityBytes) {
        long slots = Math.max(0, Math.min(capacityBytes / clusterSize, 1 << 20));
        for (long i = 0; i < slots; i++) {
            free.add(arena.allocate(clusterSize, 4096));
        }
    }

    /** The cluster's data if it is cached from the extent at {@code storedOffset}, else null. */
    MemorySegment get(long cluster, long storedOffset) {
        Entry e = lru.get(cluster);
        if (e != null && e.storedOffset == storedOffset) {
            hits++;
            return e.slot;
        }
        misses++;
        return null;
    }

    /** A slot to decode into: a free one, else the least recently used entry's; null if the cache has no slots. */
    MemorySegment reserve() {
        MemorySegment s = free.poll();
        if (s != null) {
            return s;
        }
        Iterator<Map.Entry<Long, Entry>> it = lru.entrySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        Entry oldest = it.next().getValue();
        it.remove();
        return oldest.slot;
    }

    /** Makes a reserved slot the cluster's entry, replacing (and freeing) any older one. */
    void put(long cluster, long storedOffset, MemorySegment slot) {
        Entry old = lru.put(cluster, new Entry(storedOffset, slot));
        if (old != null && old.slot != slot) {
            free.add(old.slot);
        }
    }

    void unreserve(MemorySegment slot) {
        free.add(slot);
    }

    void invalidate(long cluster) {
        Entry old = lru.remove(cluster);
        if (old != null) {
            free.add(old.slot);
        }
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }
}
