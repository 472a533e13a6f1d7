package org.aioemu.blockdev.lz4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;

/**
 * An lz4 image's cluster map in memory: for every cluster where its stored bytes are ({@code offset}, 0 for a zero
 * cluster), how many ({@code length}: the cluster size for a cluster stored raw, less for an LZ4 block) and their
 * CRC-32C. The map is kept in blocks of {@link Lz4Layout#ENTRIES_PER_BLOCK} entries, each stored and checksummed as
 * a unit; a changed entry marks its block dirty, and a commit writes only the dirty blocks.
 *
 * <p>Threading: the owner's (the driver's loop, or the one thread of a tool); not thread-safe.
 */
final class Lz4Map {
    final int clusterBits;
    final int clusterSize;
    private long clusters;
    private long[] offsets;
    private int[] lengths;
    private int[] crcs;
    /** Where each map block is stored now (0: nowhere, all zero clusters), its length and checksum. */
    private long[] blockOffsets;
    private int[] blockCrcs;
    private final BitSet dirty = new BitSet();

    Lz4Map(int clusterBits, long clusters) {
        this.clusterBits = clusterBits;
        this.clusterSize = 1 << clusterBits;
        this.clusters = clusters;
        int n = Math.toIntExact(clusters);
        offsets = new long[n];
        lengths = new int[n];
        crcs = new int[n];
        int b = Math.toIntExact(Lz4Layout.blocks(clusters));
        blockOffsets = new long[b];
        blockCrcs = new int[b];
    }

    long clusters() {
        return clusters;
    }

    int blockCount() {
        return blockOffsets.length;
    }

    long offset(long cluster) {
        return offsets[(int) cluster];
    }

    int length(long cluster) {
        return lengths[(int) cluster];
    }

    int crc(long cluster) {
        return crcs[(int) cluster];
    }

    boolean isZero(long cluster) {
        return offsets[(int) cluster] == 0;
    }

    boolean isRaw(long cluster) {
        return lengths[(int) cluster] == clusterSize;
    }

    void set(long cluster, long offset, int length, int crc) {
        int i = (int) cluster;
        offsets[i] = offset;
        lengths[i] = length;
        crcs[i] = crc;
        dirty.set(i / Lz4Layout.ENTRIES_PER_BLOCK);
    }

    void setZero(long cluster) {
        set(cluster, 0, 0, 0);
    }

    /** Whether the stored entry is still ({@code offset}, {@code length}, {@code crc}): nothing replaced it. */
    boolean unchanged(long cluster, long offset, int length, int crc) {
        int i = (int) cluster;
        return i < clusters && offsets[i] == offset && lengths[i] == length && crcs[i] == crc;
    }

    long blockOffset(int block) {
        return blockOffsets[block];
    }

    int blockCrc(int block) {
        return blockCrcs[block];
    }

    void placeBlock(int block, long offset, int crc) {
        blockOffsets[block] = offset;
        blockCrcs[block] = crc;
    }

    BitSet dirtyBlocks() {
        return dirty;
    }

    /** Whether block {@code b} holds nothing but zero clusters: it need not be stored at all. */
    boolean blockIsEmpty(int b) {
        int from = b * Lz4Layout.ENTRIES_PER_BLOCK;
        int to = (int) Math.min(clusters, from + (long) Lz4Layout.ENTRIES_PER_BLOCK);
        for (int i = from; i < to; i++) {
            if (offsets[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Map block {@code b} as stored: every entry of the block, clusters past the end as zero entries. */
    ByteBuffer encodeBlock(int b) {
        ByteBuffer buf = ByteBuffer.allocate(Lz4Layout.BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int from = b * Lz4Layout.ENTRIES_PER_BLOCK;
        int to = (int) Math.min(clusters, from + (long) Lz4Layout.ENTRIES_PER_BLOCK);
        for (int i = from; i < to; i++) {
            buf.putLong(offsets[i]).putInt(lengths[i]).putInt(crcs[i]);
        }
        return buf.position(0);
    }

    /** The directory as stored: one entry per map block. */
    ByteBuffer encodeDirectory() {
        ByteBuffer buf = ByteBuffer.allocate(blockOffsets.length * Lz4Layout.DIR_ENTRY_SIZE)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < blockOffsets.length; b++) {
            buf.putLong(blockOffsets[b]).putInt(blockOffsets[b] == 0 ? 0 : Lz4Layout.BLOCK_BYTES).putInt(blockCrcs[b]);
        }
        return buf.flip();
    }

    /**
     * Fills block {@code b}'s entries from its stored bytes, checking each: an extent inside the data area, a
     * length no more than a cluster, a zero entry all zero, nothing stored past the last cluster.
     */
    void decodeBlock(int b, ByteBuffer stored, long storedAt, long fileEnd) throws Lz4FormatException {
        ByteBuffer buf = stored.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int from = b * Lz4Layout.ENTRIES_PER_BLOCK;
        for (int k = 0; k < Lz4Layout.ENTRIES_PER_BLOCK; k++) {
            long cluster = from + (long) k;
            long offset = buf.getLong();
            int length = buf.getInt();
            int crc = buf.getInt();
            if (cluster >= clusters) {
                if (offset != 0 || length != 0 || crc != 0) {
                    throw new Lz4FormatException(where(b, storedAt, cluster)
                            + ": the entry lies past the last cluster but is not empty");
                }
                continue;
            }
            if (offset == 0) {
                if (length != 0 || crc != 0) {
                    throw new Lz4FormatException(where(b, storedAt, cluster) + ": a zero cluster with a length or checksum");
                }
            } else {
                if (length <= 0 || length > clusterSize) {
                    throw new Lz4FormatException(where(b, storedAt, cluster) + ": stored length "
                            + Integer.toUnsignedString(length) + " is not between 1 and the cluster size " + clusterSize);
                }
                if (offset < Lz4Layout.HEADER_SIZE || offset > fileEnd - length) { // checkExtent's test: it throws
                    Lz4Layout.checkExtent(where(b, storedAt, cluster) + ": data", offset, length, fileEnd, false);
                }
            }
            offsets[(int) cluster] = offset;
            lengths[(int) cluster] = length;
            crcs[(int) cluster] = crc;
        }
    }

    /**
     * Names an entry for an error. Built only when an entry is bad: building it for each of a block's 4096 entries
     * took most of the time of loading an image.
     */
    private static String where(int b, long storedAt, long cluster) {
        return "map block " + b + " (at offset " + storedAt + "), entry for cluster " + cluster;
    }

    /** Grows or shrinks to {@code newClusters}; new clusters are zero clusters. Blocks whose content changes are dirty. */
    void resize(long newClusters) {
        int n = Math.toIntExact(newClusters);
        int oldBlocks = blockOffsets.length;
        int newBlocks = Math.toIntExact(Lz4Layout.blocks(newClusters));
        offsets = Arrays.copyOf(offsets, n);
        lengths = Arrays.copyOf(lengths, n);
        crcs = Arrays.copyOf(crcs, n);
        blockOffsets = Arrays.copyOf(blockOffsets, newBlocks);
        blockCrcs = Arrays.copyOf(blockCrcs, newBlocks);
        dirty.clear(newBlocks, Math.max(newBlocks, dirty.length()));
        if (newBlocks > 0 && newBlocks <= oldBlocks) {
            dirty.set(newBlocks - 1); // shrinking: the block the end now lies in loses its entries past the end
        }
        clusters = newClusters;
    }
}
