package org.aioemu.blockdev.lz4;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * One cluster in and out of its stored form: all zero (nothing stored), LZ4 block (when that saves at least a
 * sixteenth), or the raw bytes, each with the CRC-32C of what is stored. lz4-java's fastest instance (its JNI
 * binding of liblz4 where the platform has one) does the work on direct buffers, so no byte is copied onto the heap.
 *
 * <p>Stateless and thread-safe: the pool's workers call it concurrently, each with buffers of its own.
 */
final class Lz4Codec {
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();
    /** Compared against to tell zero clusters; as large as the largest cluster. */
    private static final MemorySegment ZEROES = Arena.global().allocate(1L << Lz4Layout.MAX_CLUSTER_BITS, 4096);

    /** Kinds of stored cluster, as {@link #compress} reports them. */
    static final int ZERO = 0;
    static final int LZ4_BLOCK = 1;
    static final int RAW = 2;

    private Lz4Codec() {
    }

    /** Room a compression output buffer needs for a cluster of {@code clusterSize} bytes. */
    static int maxStored(int clusterSize) {
        return Math.max(clusterSize, COMPRESSOR.maxCompressedLength(clusterSize));
    }

    static boolean isZero(MemorySegment cluster) {
        return cluster.mismatch(ZEROES.asSlice(0, cluster.byteSize())) < 0;
    }

    /**
     * Stores {@code cluster} into {@code out} (at least {@link #maxStored} bytes) and returns the stored length: 0 for
     * an all-zero cluster, the cluster size when it is stored raw (then {@code out} holds a copy), less for an LZ4
     * block.
     */
    static int compress(MemorySegment cluster, MemorySegment out) {
        int size = (int) cluster.byteSize();
        if (isZero(cluster)) {
            return 0;
        }
        ByteBuffer dst = out.asByteBuffer();
        int n = COMPRESSOR.compress(cluster.asByteBuffer(), 0, size, dst, 0, dst.capacity());
        if (n > size - (size >> 4)) {
            MemorySegment.copy(cluster, 0, out, 0, size);
            return size;
        }
        return n;
    }

    static int crc(MemorySegment stored, int length) {
        CRC32C c = new CRC32C();
        c.update(stored.asSlice(0, length).asByteBuffer());
        return (int) c.getValue();
    }

    /**
     * Turns {@code length} stored bytes back into the cluster in {@code cluster}, after checking their CRC; throws
     * naming {@code what} if the checksum fails or the LZ4 data does not decode to exactly one cluster.
     */
    static void decompress(MemorySegment stored, int length, int expectedCrc, MemorySegment cluster, String what)
            throws Lz4FormatException {
        int size = (int) cluster.byteSize();
        int actual = crc(stored, length);
        if (actual != expectedCrc) {
            throw new Lz4FormatException(String.format("%s: checksum mismatch (stored %08x, computed %08x)", what,
                    expectedCrc, actual));
        }
        if (length == size) {
            MemorySegment.copy(stored, 0, cluster, 0, size);
            return;
        }
        int n;
        try {
            n = DECOMPRESSOR.decompress(stored.asByteBuffer(), 0, length, cluster.asByteBuffer(), 0, size);
        } catch (LZ4Exception e) {
            throw new Lz4FormatException(what + ": the LZ4 data is malformed (" + e.getMessage() + ")");
        }
        if (n != size) {
            throw new Lz4FormatException(what + ": the LZ4 data decodes to " + n + " bytes, not a cluster of " + size);
        }
    }

    /** The implementation lz4-java chose, for info and benchmarks: "JNI", "Java unsafe" or "Java safe". */
    static String implementation() {
        return LZ4.toString();
    }
}
