package org.aioemu.blockdev.lz4;

import java.lang.foreign.MemorySegment;
import org.aioemu.engine.BlockingTask;
import org.aioemu.engine.Errno;
import org.aioemu.engine.IntCompletion;

/**
 * One cluster's part of a read: zeroes, a cache copy, or the stored bytes read from the child and decoded on a pool
 * worker. Reads take no lock against writes: a rewrite may move the cluster while its old bytes are being read, and
 * once the old extent is free another write may reuse it. So a checksum failure is believed only if the cluster's map
 * entry is still the one that was read; otherwise the read starts again from the new entry (a read racing a write
 * may return either version, as on any disk). A decoded cluster enters the cache only if its entry is unchanged.
 *
 * <p>Threading: the loop, except {@link #run}, which a worker runs on buffers it alone holds until its completion
 * comes back to the loop through the pool's hand-off.
 */
final class ClusterRead implements BlockingTask, IntCompletion {
    /** A read superseded this many times in a row gives up (EIO) rather than chase a cluster rewritten forever. */
    private static final int MAX_RETRIES = 16;

    private final Lz4Driver d;
    private final Lz4Request req;
    private final long cluster;
    private final int inCluster;
    private final long at;
    private final int n;
    private long storedOffset;
    private int storedLength;
    private int crc;
    private MemorySegment stored;
    private MemorySegment target;
    private boolean cacheSlot;
    private String failure;
    private int retries;

    ClusterRead(Lz4Driver d, Lz4Request req, long cluster, int inCluster, long at, int n) {
        this.d = d;
        this.req = req;
        this.cluster = cluster;
        this.inCluster = inCluster;
        this.at = at;
        this.n = n;
    }

    void start() {
        if (cluster >= d.map.clusters() || d.map.isZero(cluster)) { // past a shrink's end, or never written
            req.fillZero(at, n);
            d.clusterDone(req, 0, null);
            return;
        }
        storedOffset = d.map.offset(cluster);
        storedLength = d.map.length(cluster);
        crc = d.map.crc(cluster);
        MemorySegment hit = d.cache.get(cluster, storedOffset);
        if (hit != null) {
            req.copyOut(hit, inCluster, at, n);
            d.clusterDone(req, 0, null);
            return;
        }
        stored = d.takeStoredBuffer();
        d.child.read(storedOffset, stored.asSlice(0, storedLength), this::readDone);
    }

    private void readDone(int r, String detail) {
        if (r < 0) {
            finish(r, detail);
            return;
        }
        if (r < storedLength) {
            finish(-Errno.EIO, what() + ": the file ends after " + r + " of its bytes");
            return;
        }
        target = d.cache.reserve();
        cacheSlot = target != null;
        if (!cacheSlot) {
            target = d.takeClusterBuffer();
        }
        try {
            d.pool.submit(this, this);
        } catch (RuntimeException e) {
            finish(-Errno.EIO, what() + ": " + e.getMessage());
        }
    }

    private String what() {
        return "lz4 image " + d.description() + ", cluster " + cluster + " (offset " + storedOffset + ", " + storedLength
                + " bytes)";
    }

    /** A worker: checks and decodes the stored bytes into the target. */
    @Override
    public int run() {
        try {
            Lz4Codec.decompress(stored, storedLength, crc, target, what());
            return 0;
        } catch (Lz4FormatException e) {
            failure = e.getMessage();
            return -Errno.EIO;
        }
    }

    /** The loop: the worker's result. */
    @Override
    public void complete(int r) {
        boolean current = d.map.unchanged(cluster, storedOffset, storedLength, crc);
        if (r < 0 && !current && retries++ < MAX_RETRIES) {
            releaseBuffers(false);
            start();
            return;
        }
        if (r >= 0) {
            req.copyOut(target, inCluster, at, n);
        }
        releaseBuffers(r >= 0 && current);
        d.clusterDone(req, r < 0 ? r : 0, r < 0 ? failure : null);
    }

    private void finish(int r, String detail) {
        releaseBuffers(false);
        d.clusterDone(req, r, detail);
    }

    private void releaseBuffers(boolean cacheIt) {
        if (stored != null) {
            d.giveStoredBuffer(stored);
            stored = null;
        }
        if (target != null) {
            if (cacheSlot && cacheIt) {
                d.cache.put(cluster, storedOffset, target);
            } else if (cacheSlot) {
                d.cache.unreserve(target);
            } else {
                d.giveClusterBuffer(target);
            }
            target = null;
        }
    }
}
