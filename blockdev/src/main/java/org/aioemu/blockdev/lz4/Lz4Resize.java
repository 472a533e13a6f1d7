package org.aioemu.blockdev.lz4;

import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.Errno;

/**
 * A change of an lz4 image's virtual size, made durable by a commit before it completes. Shrinking drops the clusters
 * past the new end (their space is released) and leaves the bytes of the last, partial cluster as they are; growing
 * first zeroes what lies past the old end in that cluster, so a shrink followed by a grow reads zeroes there, as on a
 * raw file.
 *
 * <p>Threading: the driver's loop only.
 */
final class Lz4Resize {
    private final Lz4Driver d;
    private final long newSize;
    private final BlockCompletion completion;

    Lz4Resize(Lz4Driver d, long newSize, BlockCompletion completion) {
        this.d = d;
        this.newSize = newSize;
        this.completion = completion;
    }

    void start() {
        if (newSize < 0 || newSize % 512 != 0 || newSize > Lz4Layout.MAX_VIRTUAL_SIZE) {
            completion.complete(-Errno.EINVAL, "an lz4 image's size must be a multiple of 512 up to 1 PiB, not " + newSize);
            return;
        }
        long clusters = Lz4Layout.clusters(newSize, d.clusterBits);
        if (clusters > Lz4Layout.MAX_CLUSTERS) {
            completion.complete(-Errno.EFBIG, newSize + " bytes would need " + clusters + " clusters, more than "
                    + Lz4Layout.MAX_CLUSTERS);
            return;
        }
        long old = d.size();
        long tail = old & (d.clusterSize - 1);
        if (newSize > old && tail != 0) {
            long end = Math.min(newSize, old - tail + d.clusterSize);
            d.writeZeroes(old, end - old, 0, (r, why) -> {
                if (r < 0) {
                    completion.complete(r, why);
                } else {
                    apply(clusters);
                }
            });
            return;
        }
        apply(clusters);
    }

    private void apply(long clusters) {
        for (long c = clusters; c < d.map.clusters(); c++) {
            d.space.release(d.map.offset(c), d.map.length(c), d.commits.started());
            d.cache.invalidate(c);
        }
        d.map.resize(clusters);
        d.setSize(newSize);
        d.commits.flush(completion);
    }
}
