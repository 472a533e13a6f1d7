package org.aioemu.blockdev.lz4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of an lz4 image, as {@code docs/lz4-image.md} specifies it: the preamble, the two commit
 * records, directory entries and map entries, each encoded and decoded here and nowhere else. Every structure
 * carries a CRC-32C; a decoder that finds a wrong one, or a field out of its range, throws
 * {@link Lz4FormatException} naming the structure, the file offset and what is wrong.
 *
 * <p>All integers are little-endian. Stateless; any thread.
 */
public final class Lz4Layout {
    /** The first eight bytes of every lz4 image: "AIOLZ4", then CR LF, which catches text-mode mangling. */
    static final byte[] MAGIC = {'A', 'I', 'O', 'L', 'Z', '4', '\r', '\n'};
    static final int VERSION = 1;
    /** Bytes reserved for the header area (preamble and both commit records); clusters start after it. */
    static final int HEADER_SIZE = 4096;
    static final int PREAMBLE_LENGTH = 32;
    /** Commit record slots: two, at these offsets, each in its own 512-byte sector. */
    static final long[] RECORD_OFFSETS = {512, 1024};
    static final int RECORD_LENGTH = 48;
    static final int MIN_CLUSTER_BITS = 12;
    static final int MAX_CLUSTER_BITS = 21;
    static final int DEFAULT_CLUSTER_BITS = 16;
    /** Map entries per map block; a map block is stored and checksummed as one unit. */
    static final int ENTRIES_PER_BLOCK = 4096;
    static final int ENTRY_SIZE = 16;
    static final int BLOCK_BYTES = ENTRIES_PER_BLOCK * ENTRY_SIZE;
    static final int DIR_ENTRY_SIZE = 16;
    /** The largest virtual size: 2^50 bytes (1 PiB), so cluster counts and offsets stay far from overflow. */
    static final long MAX_VIRTUAL_SIZE = 1L << 50;
    /** Most clusters an image may have: its map lives in memory while it is open (16 bytes a cluster). */
    static final long MAX_CLUSTERS = 1L << 26;
    /** Commit record flag: written by a clean close (nothing appended after it). */
    static final int FLAG_CLEAN = 1;
    /** Feature bits this version understands (none yet): an image with others is refused. */
    static final int KNOWN_INCOMPATIBLE = 0;

    private Lz4Layout() {
    }

    /** The fixed part of the header, written once by create. */
    record Preamble(int version, int clusterBits, int incompatible, int compatible) {
        int clusterSize() {
            return 1 << clusterBits;
        }
    }

    /**
     * One commit: the image as of a completed flush. {@code fileEnd} is where the committed data ends (bytes beyond
     * it were appended after the commit, and are leaks if no later commit names them).
     */
    record CommitRecord(long generation, long virtualSize, long directoryOffset, int directoryLength,
            int directoryCrc, long fileEnd, int flags) {
    }

    /** A map block's place in the file; offset 0 means every cluster of the block is a zero cluster. */
    record DirEntry(long offset, int length, int crc) {
    }

    static int crc(ByteBuffer b, int from, int to) {
        CRC32C c = new CRC32C();
        c.update(b.duplicate().limit(to).position(from));
        return (int) c.getValue();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer encodePreamble(int clusterBits) {
        ByteBuffer b = le(PREAMBLE_LENGTH);
        b.put(MAGIC).putInt(VERSION).putInt(clusterBits).putInt(0).putInt(0).putInt(HEADER_SIZE);
        b.putInt(crc(b, 0, 28));
        return b.flip();
    }

    /** Whether {@code head} (the file's first bytes) starts with the magic: the cheap half of probing. */
    static boolean hasMagic(ByteBuffer head) {
        if (head.remaining() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head.get(head.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static Preamble decodePreamble(ByteBuffer head) throws Lz4FormatException {
        ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < PREAMBLE_LENGTH) {
            throw new Lz4FormatException("the file is " + b.remaining() + " bytes long, shorter than an lz4 header");
        }
        if (!hasMagic(b)) {
            throw new Lz4FormatException("no lz4 image magic at offset 0");
        }
        int stored = b.getInt(28);
        int actual = crc(b, 0, 28);
        if (stored != actual) {
            throw new Lz4FormatException(String.format(
                    "header checksum mismatch at offset 0 (stored %08x, computed %08x)", stored, actual));
        }
        int version = b.getInt(8);
        int bits = b.getInt(12);
        int incompatible = b.getInt(16);
        int compatible = b.getInt(20);
        int headerSize = b.getInt(24);
        if (version != VERSION) {
            throw new Lz4FormatException("header: unsupported lz4 image version " + Integer.toUnsignedString(version)
                    + " (this aioemu reads version " + VERSION + ")");
        }
        if (bits < MIN_CLUSTER_BITS || bits > MAX_CLUSTER_BITS) {
            throw new Lz4FormatException("header: cluster size 2^" + bits + " is outside 4 KiB to 2 MiB");
        }
        if ((incompatible & ~KNOWN_INCOMPATIBLE) != 0) {
            throw new Lz4FormatException(String.format("header: unknown incompatible features 0x%x", incompatible));
        }
        if (headerSize != HEADER_SIZE) {
            throw new Lz4FormatException("header: header size " + Integer.toUnsignedString(headerSize)
                    + " is not " + HEADER_SIZE);
        }
        return new Preamble(version, bits, incompatible, compatible);
    }

    static ByteBuffer encodeRecord(CommitRecord r) {
        ByteBuffer b = le(RECORD_LENGTH);
        b.putLong(r.generation()).putLong(r.virtualSize()).putLong(r.directoryOffset()).putInt(r.directoryLength())
                .putInt(r.directoryCrc()).putLong(r.fileEnd()).putInt(r.flags());
        b.putInt(crc(b, 0, 44));
        return b.flip();
    }

    /**
     * The record in slot {@code slot}, or null if the slot was never written or its checksum fails (a torn or
     * damaged commit: the other slot then holds the image). Fields are range-checked by {@link #checkRecord}.
     */
    static CommitRecord decodeRecord(ByteBuffer raw) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < RECORD_LENGTH) {
            return null;
        }
        int base = b.position();
        long generation = b.getLong(base);
        if (generation == 0 || b.getInt(base + 44) != crc(b, base, base + 44)) {
            return null;
        }
        return new CommitRecord(generation, b.getLong(base + 8), b.getLong(base + 16), b.getInt(base + 24),
                b.getInt(base + 28), b.getLong(base + 32), b.getInt(base + 40));
    }

    /** The directory length the record's virtual size implies, with its fields checked against the file. */
    static void checkRecord(CommitRecord r, int clusterBits, long fileLength, long slotOffset)
            throws Lz4FormatException {
        String where = "commit record at offset " + slotOffset + " (generation " + r.generation() + ")";
        if (r.virtualSize() < 0 || r.virtualSize() > MAX_VIRTUAL_SIZE || r.virtualSize() % 512 != 0) {
            throw new Lz4FormatException(where + ": virtual size " + r.virtualSize()
                    + " is not a multiple of 512 between 0 and 1 PiB");
        }
        long clusters = clusters(r.virtualSize(), clusterBits);
        if (clusters > MAX_CLUSTERS) {
            throw new Lz4FormatException(where + ": " + clusters + " clusters exceed the " + MAX_CLUSTERS
                    + " an image may have; use a larger cluster size");
        }
        long expected = blocks(clusters) * DIR_ENTRY_SIZE;
        if (r.directoryLength() != expected) {
            throw new Lz4FormatException(where + ": directory length " + Integer.toUnsignedString(r.directoryLength())
                    + " does not match the virtual size (expected " + expected + ")");
        }
        if (r.fileEnd() < HEADER_SIZE || r.fileEnd() > fileLength) {
            throw new Lz4FormatException(where + ": committed end " + r.fileEnd() + " lies outside the file ("
                    + fileLength + " bytes): the image was truncated");
        }
        checkExtent(where + ": directory", r.directoryOffset(), r.directoryLength(), r.fileEnd(), expected == 0);
    }

    /** An extent must lie between the header and the committed end (an empty one may be anywhere, or 0). */
    static void checkExtent(String what, long offset, long length, long fileEnd, boolean mayBeEmpty)
            throws Lz4FormatException {
        if (length == 0 && mayBeEmpty) {
            return;
        }
        if (offset < HEADER_SIZE || length <= 0 || offset > fileEnd - length) {
            throw new Lz4FormatException(what + " at offset " + offset + ", " + length
                    + " bytes, lies outside the image's data area [" + HEADER_SIZE + ", " + fileEnd + ")");
        }
    }

    static long clusters(long virtualSize, int clusterBits) {
        return (virtualSize + (1L << clusterBits) - 1) >>> clusterBits;
    }

    static long blocks(long clusters) {
        return (clusters + ENTRIES_PER_BLOCK - 1) / ENTRIES_PER_BLOCK;
    }

    static String magicText() {
        return new String(MAGIC, 0, 6, StandardCharsets.US_ASCII);
    }
}
