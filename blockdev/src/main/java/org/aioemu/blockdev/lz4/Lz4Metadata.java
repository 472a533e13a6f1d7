package org.aioemu.blockdev.lz4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads an lz4 image's metadata from the file with plain positional reads: the preamble, the newest valid commit
 * record, the directory and every map block, each checked. What opening, {@code info}, {@code check} and the fuzz
 * tests share. Blocking; any one thread.
 */
final class Lz4Metadata {
    /** Positional reads of an image: a file, or bytes in memory for the fuzz tests. */
    interface Source {
        /** Reads up to {@code dst.remaining()} bytes at {@code position}; fewer only at the end of the source. */
        int read(ByteBuffer dst, long position) throws IOException;

        long length() throws IOException;

        static Source of(FileChannel ch) {
            return new Source() {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    int total = 0;
                    while (dst.hasRemaining()) {
                        int n = ch.read(dst, position + total);
                        if (n < 0) {
                            break;
                        }
                        total += n;
                    }
                    return total;
                }

                @Override
                public long length() throws IOException {
                    return ch.size();
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public int read(ByteBuffer dst, long position) {
                    if (position >= bytes.length) {
                        return 0;
                    }
                    int n = (int) Math.min(dst.remaining(), bytes.length - position);
                    dst.put(bytes, (int) position, n);
                    return n;
                }

                @Override
                public long length() {
                    return bytes.length;
                }
            };
        }
    }

    final Lz4Layout.Preamble preamble;
    final Lz4Layout.CommitRecord record;
    /** Which slot {@link #record} came from (0 or 1): the next commit goes to the other. */
    final int slot;
    final long fileLength;
    final Lz4Map map;

    private Lz4Metadata(Lz4Layout.Preamble preamble, Lz4Layout.CommitRecord record, int slot, long fileLength, Lz4Map map) {
        this.preamble = preamble;
        this.record = record;
        this.slot = slot;
        this.fileLength = fileLength;
        this.map = map;
    }

    /** Whether the source starts with a valid lz4 preamble (magic and checksum): how probing tells lz4 from raw. */
    static boolean probe(Source src) throws IOException {
        ByteBuffer head = Lz4Layout.le(Lz4Layout.PREAMBLE_LENGTH);
        src.read(head, 0);
        return Lz4Images.probes(head.flip());
    }

    /** The preamble and the commit record that is the image, with its slot: what opening reads before the map. */
    record Header(Lz4Layout.Preamble preamble, Lz4Layout.CommitRecord record, int slot, long fileLength) {
    }

    static Header readHeader(Source src) throws IOException, Lz4FormatException {
        long fileLength = src.length();
        ByteBuffer header = Lz4Layout.le((int) Math.min(Lz4Layout.HEADER_SIZE, fileLength));
        src.read(header, 0);
        header.flip();
        Lz4Layout.Preamble p = Lz4Layout.decodePreamble(header);
        if (fileLength < Lz4Layout.HEADER_SIZE) {
            throw new Lz4FormatException("the file is " + fileLength + " bytes long, shorter than the "
                    + Lz4Layout.HEADER_SIZE + "-byte header area: truncated");
        }
        // The newest record whose checksum holds is the image. One whose checksum fails is a torn commit (the crash
        // came while it was written) and the other slot's stands; but a newest record that is whole and still wrong
        // (its end past the file: the file was cut) is damage, and rolling back to the older one would hide it.
        Lz4Layout.CommitRecord best = null;
        int bestSlot = -1;
        for (int s = 0; s < 2; s++) {
            int at = (int) Lz4Layout.RECORD_OFFSETS[s];
            Lz4Layout.CommitRecord r = Lz4Layout.decodeRecord(header.duplicate().position(at).limit(at + Lz4Layout.RECORD_LENGTH));
            if (r != null && (best == null || Long.compareUnsigned(r.generation(), best.generation()) > 0)) {
                best = r;
                bestSlot = s;
            }
        }
        if (best == null) {
            throw new Lz4FormatException("neither commit record (offsets 512 and 1024) is valid: the header is damaged");
        }
        Lz4Layout.checkRecord(best, p.clusterBits(), fileLength, Lz4Layout.RECORD_OFFSETS[bestSlot]);
        return new Header(p, best, bestSlot, fileLength);
    }

    static Lz4Metadata load(Source src) throws IOException, Lz4FormatException {
        Header h = readHeader(src);
        Lz4Layout.Preamble p = h.preamble();
        Lz4Layout.CommitRecord best = h.record();
        int bestSlot = h.slot();
        long fileLength = h.fileLength();
        ByteBuffer dir = readFully(src, best.directoryOffset(), best.directoryLength(), "directory");
        int dirCrc = Lz4Layout.crc(dir, 0, dir.limit());
        if (dirCrc != best.directoryCrc()) {
            throw new Lz4FormatException(String.format("directory at offset %d: checksum mismatch (stored %08x, computed %08x)",
                    best.directoryOffset(), best.directoryCrc(), dirCrc));
        }
        // Only now, with the directory vouching for the record, is the map (16 bytes a cluster, up to 1 GiB) allocated:
        // a damaged record alone must not make opening run out of memory.
        long clusters = Lz4Layout.clusters(best.virtualSize(), p.clusterBits());
        Lz4Map map = new Lz4Map(p.clusterBits(), clusters);
        ByteBuffer block = Lz4Layout.le(Lz4Layout.BLOCK_BYTES);
        for (int b = 0; b < map.blockCount(); b++) {
            long off = dir.getLong(b * Lz4Layout.DIR_ENTRY_SIZE);
            int len = dir.getInt(b * Lz4Layout.DIR_ENTRY_SIZE + 8);
            int crc = dir.getInt(b * Lz4Layout.DIR_ENTRY_SIZE + 12);
            if (off == 0) {
                if (len != 0 || crc != 0) {
                    throw new Lz4FormatException("directory entry " + b + ": an absent map block with a length or checksum");
                }
                continue;
            }
            if (len != Lz4Layout.BLOCK_BYTES) {
                throw new Lz4FormatException("directory entry " + b + ": map block length " + Integer.toUnsignedString(len)
                        + " is not " + Lz4Layout.BLOCK_BYTES);
            }
            Lz4Layout.checkExtent("map block " + b, off, len, best.fileEnd(), false);
            block.clear();
            if (src.read(block, off) != len) {
                throw new Lz4FormatException("map block " + b + " at offset " + off + ": the file ends inside it");
            }
            block.flip();
            int actual = Lz4Layout.crc(block, 0, len);
            if (actual != crc) {
                throw new Lz4FormatException(String.format("map block %d at offset %d: checksum mismatch (stored %08x, computed %08x)",
                        b, off, crc, actual));
            }
            map.decodeBlock(b, block, off, best.fileEnd());
            map.placeBlock(b, off, crc);
        }
        map.dirtyBlocks().clear();
        return new Lz4Metadata(p, best, bestSlot, fileLength, map);
    }

    /** Every extent the commit names (directory, map blocks, clusters), sorted by offset: {offset, length, kind, index}. */
    long[][] extents() {
        int n = 1 + map.blockCount() + (int) map.clusters();
        long[][] all = new long[n][];
        int k = 0;
        if (record.directoryLength() > 0) {
            all[k++] = new long[] {record.directoryOffset(), record.directoryLength(), 0, 0};
        }
        for (int b = 0; b < map.blockCount(); b++) {
            if (map.blockOffset(b) != 0) {
                all[k++] = new long[] {map.blockOffset(b), Lz4Layout.BLOCK_BYTES, 1, b};
            }
        }
        for (long c = 0; c < map.clusters(); c++) {
            if (!map.isZero(c)) {
                all[k++] = new long[] {map.offset(c), map.length(c), 2, c};
            }
        }
        long[][] used = Arrays.copyOf(all, k);
        Arrays.sort(used, (a, b) -> Long.compare(a[0], b[0]));
        return used;
    }

    static String describe(long[] extent) {
        return switch ((int) extent[2]) {
            case 0 -> "the directory";
            case 1 -> "map block " + extent[3];
            default -> "cluster " + extent[3];
        } + " (offset " + extent[0] + ", " + extent[1] + " bytes)";
    }

    /**
     * The free space between the extents in use, for a writer; throws if two extents overlap (two owners of the same
     * bytes: a write to one would corrupt the other).
     */
    Lz4Space space() throws Lz4FormatException {
        Lz4Space space = new Lz4Space(record.fileEnd());
        long at = Lz4Layout.HEADER_SIZE;
        long[] prev = null;
        for (long[] e : extents()) {
            if (e[0] < at) {
                throw new Lz4FormatException(describe(e) + " overlaps " + describe(prev));
            }
            space.addFree(at, e[0] - at);
            at = e[0] + e[1];
            prev = e;
        }
        space.addFree(at, record.fileEnd() - at);
        return space;
    }

    static ByteBuffer readFully(Source src, long offset, int length, String what) throws IOException, Lz4FormatException {
        ByteBuffer b = Lz4Layout.le(length);
        if (length == 0) {
            return b; // an empty extent may have any offset, even a negative one no source can be asked for
        }
        if (src.read(b, offset) != length) {
            throw new Lz4FormatException(what + " at offset " + offset + ": the file ends inside it");
        }
        return b.flip();
    }
}
