package org.aioemu.blockdev.lz4;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.BlockingTask;
import org.aioemu.engine.Errno;
import org.aioemu.engine.IntCompletion;

/**
 * One cluster's part of a write, write-zeroes or discard, run while the driver holds the cluster for it (writes to
 * one cluster go one at a time, so a partial write's read-modify-write cannot lose another's bytes):
 * <ol>
 *   <li>a zeroing that covers the cluster just makes it a zero cluster;</li>
 *   <li>otherwise the new cluster is assembled in a buffer: the caller's bytes over the old cluster's (read from the
 *       cache, or from the child and decoded on the pool) where the part does not cover it;</li>
 *   <li>a pool worker compresses it (all zero: nothing stored; LZ4 that saves too little: raw);</li>
 *   <li>the stored bytes go to a free extent of the child, and only once the child has them does the map entry
 *       change: the old extent is released (free after the next commit), and a cluster assembled from parts is
 *       cached (a whole-cluster write is not: see {@link #compress}).</li>
 * </ol>
 *
 * <p>Threading: the loop, except {@link #run}, which a worker runs on buffers it alone holds until its completion
 * comes back to the loop through the pool's hand-off.
 */
final class ClusterWrite implements BlockingTask, IntCompletion {
    enum Kind { DATA, ZEROES, DISCARD }

    private final Lz4Driver d;
    private final Lz4Request req;
    private final Kind kind;
    private final long cluster;
    private final int inCluster;
    private final long at;
    private final int n;
    /** The new cluster being assembled (null when the caller's buffer holds the whole cluster: see {@link #source}). */
    private MemorySegment assembled;
    /** What the worker compresses: the assembled cluster, or the caller's own bytes when they cover it in one piece. */
    private MemorySegment source;
    /** A cache slot the worker fills with the new cluster as it compresses, so the loop copies nothing; or null. */
    private MemorySegment cacheSlot;
    /** Stored bytes: the old cluster's while it is decoded, then the new one's. */
    private MemorySegment stored;
    private boolean decoding;
    private int oldLength;
    private int oldCrc;
    private int newCrc;
    private String failure;

    ClusterWrite(Lz4Driver d, Lz4Request req, Kind kind, long cluster, int inCluster, long at, int n) {
        this.d = d;
        this.req = req;
        this.kind = kind;
        this.cluster = cluster;
        this.inCluster = inCluster;
        this.at = at;
        this.n = n;
    }

    /** The loop, holding the cluster. */
    void start() {
        if (cluster >= d.map.clusters()) {
            finish(-Errno.EINVAL, "lz4 image " + d.description() + ": cluster " + cluster + " lies past the end");
            return;
        }
        boolean whole = d.coversCluster(cluster, inCluster, n);
        if (whole && kind != Kind.DATA) {
            replace(0, 0, 0);
            return;
        }
        if (whole && kind == Kind.DATA && n == d.clusterSize) {
            source = req.contiguous(at, n);
            if (source != null) {
                compress(); // the caller's buffer is the cluster, and stays theirs until the write completes
                return;
            }
        }
        assembled = d.takeClusterBuffer();
        if (whole) {
            merge();
            return;
        }
        if (d.map.isZero(cluster)) {
            assembled.fill((byte) 0);
            merge();
            return;
        }
        long oldOffset = d.map.offset(cluster);
        MemorySegment hit = d.cache.get(cluster, oldOffset);
        if (hit != null) {
            MemorySegment.copy(hit, 0, assembled, 0, d.clusterSize);
            merge();
            return;
        }
        oldLength = d.map.length(cluster);
        oldCrc = d.map.crc(cluster);
        stored = d.takeStoredBuffer();
        d.child.read(oldOffset, stored.asSlice(0, oldLength), (r, detail) -> {
            if (r < 0) {
                finish(r, detail);
            } else if (r < oldLength) {
                finish(-Errno.EIO, what(oldOffset, oldLength) + ": the file ends after " + r + " of its bytes");
            } else {
                decoding = true;
                failure = what(oldOffset, oldLength);
                submit();
            }
        });
    }

    private String what(long offset, int length) {
        return "lz4 image " + d.description() + ", cluster " + cluster + " (offset " + offset + ", " + length + " bytes)";
    }

    /** The caller's bytes (or zeroes) over the assembled cluster, then compression on the pool. */
    private void merge() {
        if (kind == Kind.DATA) {
            req.copyIn(at, assembled, inCluster, n);
        } else {
            assembled.asSlice(inCluster, n).fill((byte) 0);
        }
        if (inCluster + n < d.clusterSize && d.coversCluster(cluster, inCluster, n)) {
            assembled.asSlice(inCluster + n).fill((byte) 0); // the last cluster's bytes past the image's end
        }
        source = assembled;
        compress();
    }

    private void compress() {
        if (stored == null) {
            stored = d.takeStoredBuffer();
        }
        // Only a cluster assembled from parts is cached: its neighbours' bytes were just read, and partial writes come
        // back to the same cluster. A whole-cluster write is mostly one of a stream (convert, a sequential writer):
        // caching it would copy 64 KiB per cluster on the worker (5 % of a convert's worker CPU) and evict the
        // clusters readers use. The map change still invalidates whatever the cache held for the cluster.
        cacheSlot = assembled != null ? d.cache.reserve() : null;
        decoding = false;
        submit();
    }

    private void submit() {
        try {
            d.pool.submit(this, this);
        } catch (RuntimeException e) {
            finish(-Errno.EIO, "lz4 image " + d.description() + ": " + e.getMessage());
        }
    }

    /** A worker: decodes the old cluster, or compresses the new one (returning the stored length). */
    @Override
    public int run() {
        if (decoding) {
            try {
                Lz4Codec.decompress(stored, oldLength, oldCrc, assembled, failure);
                return 0;
            } catch (Lz4FormatException e) {
                failure = e.getMessage();
                return -Errno.EIO;
            }
        }
        int len = Lz4Codec.compress(source, stored);
        newCrc = len == 0 ? 0 : Lz4Codec.crc(stored, len);
        if (cacheSlot != null && len > 0) {
            MemorySegment.copy(source, 0, cacheSlot, 0, d.clusterSize);
        }
        return len;
    }

    /** The loop: the worker's result. */
    @Override
    public void complete(int r) {
        if (decoding) {
            if (r < 0) {
                finish(r, failure);
            } else {
                merge();
            }
            return;
        }
        if (r == 0) {
            replace(0, 0, 0);
            return;
        }
        int len = r;
        long where = d.space.allocate(len);
        d.appends.write(where, stored.asSlice(0, len), (w, detail) -> {
            if (w < 0) {
                d.space.unallocate(where, len);
                finish(w, detail);
            } else {
                replace(where, len, newCrc);
            }
        });
    }

    /** The new bytes are in the child: the map names them, the old extent goes, the cache holds the new cluster. */
    private void replace(long offset, int length, int crc) {
        long oldOffset = d.map.offset(cluster);
        int oldLen = d.map.length(cluster);
        d.map.set(cluster, offset, length, crc);
        d.space.release(oldOffset, oldLen, d.commits.started());
        d.commits.checkpointIfDue(d.checkpointBytes());
        d.cache.invalidate(cluster);
        if (length > 0 && cacheSlot != null) {
            d.cache.put(cluster, offset, cacheSlot); // the worker filled it with the new cluster
            cacheSlot = null;
        }
        finish(0, null);
    }

    private void finish(int r, String detail) {
        if (cacheSlot != null) {
            d.cache.unreserve(cacheSlot);
            cacheSlot = null;
        }
        source = null;
        if (assembled != null) {
            d.giveClusterBuffer(assembled);
            assembled = null;
        }
        if (stored != null) {
            d.giveStoredBuffer(stored);
            stored = null;
        }
        d.releaseCluster(cluster);
        d.clusterDone(req, r, detail);
    }
}
