package org.aioemu.blockdev.lz4;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The lz4 image tools that work on a file directly, as qemu-img's do: probing, {@code create}, {@code info} and
 * {@code check} (with leak repair). Reading and writing an open image goes through the {@code lz4} block driver
 * instead. Blocking; any thread.
 */
public final class Lz4Images {
    public static final String FORMAT = "lz4";
    public static final int DEFAULT_CLUSTER_SIZE = 1 << Lz4Layout.DEFAULT_CLUSTER_BITS;
    /** How many of a file's first bytes probing looks at. */
    public static final int PROBE_BYTES = Lz4Layout.PREAMBLE_LENGTH;

    private Lz4Images() {
    }

    /** What {@code info} reports. {@code clusters} counts every cluster; the three kinds add up to it. */
    public record Info(long virtualSize, int clusterSize, long fileLength, long clusters, long zeroClusters,
            long lz4Clusters, long rawClusters, long storedClusterBytes, long generation, boolean clean) {
        /** Data bytes the stored clusters hold, over the bytes they take: 1 when nothing is stored. */
        public double compressionRatio() {
            long data = (lz4Clusters + rawClusters) * (long) clusterSize;
            return storedClusterBytes == 0 ? 1.0 : (double) data / storedClusterBytes;
        }
    }

    /** What {@code check} found: the first problems (each naming where), leaked bytes, and whether leaks were repaired. */
    public record CheckResult(List<String> corruptions, long leakedBytes, boolean repaired, long checkedClusters) {
        public boolean clean() {
            return corruptions.isEmpty() && (leakedBytes == 0 || repaired);
        }
    }

    /** Whether {@code image} is an lz4 image by its header (magic and header checksum): qemu's format probing. */
    public static boolean probe(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return Lz4Metadata.probe(Lz4Metadata.Source.of(ch));
        }
    }

    /** Whether {@code firstBytes} (the start of a file, or of a write to offset 0) would probe as an lz4 image. */
    public static boolean probes(ByteBuffer firstBytes) {
        if (firstBytes.remaining() < Lz4Layout.PREAMBLE_LENGTH || !Lz4Layout.hasMagic(firstBytes)) {
            return false;
        }
        try {
            Lz4Layout.decodePreamble(firstBytes);
            return true;
        } catch (Lz4FormatException e) {
            return false;
        }
    }

    /**
     * Creates (or overwrites, as qemu-img create does) an empty lz4 image of {@code virtualSize} bytes (a multiple of
     * 512) with clusters of {@code clusterSize} (a power of two, 4 KiB to 2 MiB). The file is synced before return.
     */
    public static void create(Path image, long virtualSize, int clusterSize) throws IOException {
        if (virtualSize < 0 || virtualSize % 512 != 0 || virtualSize > Lz4Layout.MAX_VIRTUAL_SIZE) {
            throw new IllegalArgumentException("image size " + virtualSize + " must be a multiple of 512 up to 1 PiB");
        }
        int bits = Integer.numberOfTrailingZeros(clusterSize);
        if (Integer.bitCount(clusterSize) != 1 || bits < Lz4Layout.MIN_CLUSTER_BITS || bits > Lz4Layout.MAX_CLUSTER_BITS) {
            throw new IllegalArgumentException("cluster_size " + clusterSize + " must be a power of two from 4k to 2M");
        }
        long clusters = Lz4Layout.clusters(virtualSize, bits);
        if (clusters > Lz4Layout.MAX_CLUSTERS) {
            throw new IllegalArgumentException("a " + virtualSize + "-byte image has " + clusters + " clusters of "
                    + clusterSize + " bytes, more than " + Lz4Layout.MAX_CLUSTERS + ": use a larger cluster_size");
        }
        Lz4Map map = new Lz4Map(bits, clusters);
        ByteBuffer dir = map.encodeDirectory();
        int dirLen = dir.remaining();
        long dirAt = dirLen == 0 ? 0 : Lz4Layout.HEADER_SIZE;
        Lz4Layout.CommitRecord r = new Lz4Layout.CommitRecord(1, virtualSize, dirAt, dirLen,
                Lz4Layout.crc(dir, 0, dirLen), Lz4Layout.HEADER_SIZE + (long) dirLen, Lz4Layout.FLAG_CLEAN);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, Lz4Layout.encodePreamble(bits), 0);
            writeFully(ch, Lz4Layout.encodeRecord(r), Lz4Layout.RECORD_OFFSETS[0]);
            writeFully(ch, ByteBuffer.allocate(Lz4Layout.HEADER_SIZE - (int) Lz4Layout.RECORD_OFFSETS[1]),
                    Lz4Layout.RECORD_OFFSETS[1]);
            writeFully(ch, dir, Lz4Layout.HEADER_SIZE);
            ch.force(true);
        }
    }

    /**
     * The image's virtual size, from its header alone (the map is not read): what sizing a job needs. A header that
     * is damaged throws as {@link #info} would; damage further in is for {@link #check}.
     */
    public static long virtualSize(Path image) throws IOException, Lz4FormatException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return Lz4Metadata.readHeader(Lz4Metadata.Source.of(ch)).record().virtualSize();
        }
    }

    public static Info info(Path image) throws IOException, Lz4FormatException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            Lz4Metadata m = Lz4Metadata.load(Lz4Metadata.Source.of(ch));
            long zero = 0, lz4 = 0, raw = 0, stored = 0;
            for (long c = 0; c < m.map.clusters(); c++) {
                if (m.map.isZero(c)) {
                    zero++;
                } else {
                    stored += m.map.length(c);
                    if (m.map.isRaw(c)) {
                        raw++;
                    } else {
                        lz4++;
                    }
                }
            }
            return new Info(m.record.virtualSize(), m.preamble.clusterSize(), m.fileLength, m.map.clusters(), zero, lz4,
                    raw, stored, m.record.generation(), (m.record.flags() & Lz4Layout.FLAG_CLEAN) != 0);
        }
    }

    /**
     * Checks the whole image: header, commit record, directory, every map block, no two extents overlapping, and every
     * cluster's checksum and decoding. Bytes past the committed end are leaks (appended by writes a crash kept from
     * being committed); with {@code repairLeaks} the file is cut back to the committed end. Structural damage that
     * keeps the map from loading is one corruption, the load's message; damaged clusters are listed one by one (the
     * first 100).
     */
    public static CheckResult check(Path image, boolean repairLeaks) throws IOException {
        try (FileChannel ch = FileChannel.open(image, repairLeaks
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ})) {
            Lz4Metadata.Source src = Lz4Metadata.Source.of(ch);
            CheckResult r = check(src);
            long end = r.leakedBytes() > 0 ? ch.size() - r.leakedBytes() : -1;
            if (end >= 0 && repairLeaks) {
                ch.truncate(end);
                ch.force(true);
                return new CheckResult(r.corruptions(), r.leakedBytes(), true, r.checkedClusters());
            }
            return r;
        }
    }

    /** {@link #check(Path, boolean)} without repair, on any source (the fuzz tests' images live in memory). */
    static CheckResult check(Lz4Metadata.Source src) throws IOException {
        List<String> problems = new ArrayList<>();
        long checked = 0;
        Lz4Metadata m;
        try {
            m = Lz4Metadata.load(src);
            m.space(); // overlapping extents
        } catch (Lz4FormatException e) {
            problems.add(e.getMessage());
            return new CheckResult(List.copyOf(problems), 0, false, 0);
        }
        int size = m.preamble.clusterSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stored = arena.allocate(Lz4Codec.maxStored(size), 64);
            MemorySegment cluster = arena.allocate(size, 64);
            for (long c = 0; c < m.map.clusters(); c++) {
                if (m.map.isZero(c)) {
                    continue;
                }
                checked++;
                int len = m.map.length(c);
                long off = m.map.offset(c);
                String what = "cluster " + c + " (offset " + off + ", " + len + " bytes)";
                ByteBuffer b = stored.asSlice(0, len).asByteBuffer();
                try {
                    if (src.read(b, off) != len) {
                        throw new Lz4FormatException(what + ": the file ends inside it");
                    }
                    Lz4Codec.decompress(stored, len, m.map.crc(c), cluster, what);
                } catch (Lz4FormatException e) {
                    if (problems.size() < 100) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        return new CheckResult(List.copyOf(problems), m.fileLength - m.record.fileEnd(), false, checked);
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
