package org.aioemu.blockdev.lz4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structure-aware mutations of an lz4 image held in memory, for {@link Lz4MutationFuzzTest}. The seed is parsed once
 * ({@link Geometry}), so a mutation knows where the preamble, the winning commit record, the directory, each map block
 * and each stored cluster lie, and can damage one of them on purpose.
 *
 * <p>Every structure is guarded by a CRC held one level up (cluster in its map entry, map block in its directory
 * entry, directory in the record, record and preamble in themselves). A mutation that only flipped bits would stop at
 * the first checksum and never reach the field checks behind it, so most mutations come in two forms: as is, and
 * "resealed", with every CRC on the path up to the record recomputed, as a careful forger (or a buggy writer) would.
 *
 * <p>Not thread-safe: one per test thread.
 */
final class Lz4ImageMutator {
    /** Where a seed image's structures lie, as its own (clean) metadata says. */
    record Geometry(byte[] bytes, int clusterBits, int recordAt, int otherRecordAt, long dirOffset, int dirLength,
            long[] blockOffsets, long[] clusterOffsets, int[] clusterLengths, int[] clusterCrcs, long fileEnd) {
        static Geometry of(byte[] seed) throws Exception {
            Lz4Metadata m = Lz4Metadata.load(Lz4Metadata.Source.of(seed));
            int at = (int) Lz4Layout.RECORD_OFFSETS[m.slot];
            long[] blocks = new long[m.map.blockCount()];
            for (int b = 0; b < blocks.length; b++) {
                blocks[b] = m.map.blockOffset(b);
            }
            int n = (int) m.map.clusters();
            long[] offsets = new long[n];
            int[] lengths = new int[n];
            int[] crcs = new int[n];
            for (int c = 0; c < n; c++) {
                offsets[c] = m.map.offset(c);
                lengths[c] = m.map.length(c);
                crcs[c] = m.map.crc(c);
            }
            return new Geometry(seed, m.preamble.clusterBits(), at, (int) Lz4Layout.RECORD_OFFSETS[1 - m.slot],
                    m.record.directoryOffset(), m.record.directoryLength(), blocks, offsets, lengths, crcs,
                    m.record.fileEnd());
        }

        int clusterSize() {
            return 1 << clusterBits;
        }

        /** Clusters with stored bytes: the ones a cluster mutation can aim at. */
        int[] storedClusters() {
            return java.util.stream.IntStream.range(0, clusterOffsets.length).filter(c -> clusterOffsets[c] != 0)
                    .toArray();
        }

        int[] storedBlocks() {
            return java.util.stream.IntStream.range(0, blockOffsets.length).filter(b -> blockOffsets[b] != 0)
                    .toArray();
        }

        /** Where the map entry of cluster {@code c} is stored, or -1 if its block is not stored. */
        long entryAt(int c) {
            long block = blockOffsets[c / Lz4Layout.ENTRIES_PER_BLOCK];
            return block == 0 ? -1 : block + (long) (c % Lz4Layout.ENTRIES_PER_BLOCK) * Lz4Layout.ENTRY_SIZE;
        }
    }

    private final Geometry g;
    private final SplittableRandom rnd;
    private byte[] m;
    /** What was done, for the finding's report: enough to replay it by hand. */
    private final List<String> log = new ArrayList<>();

    Lz4ImageMutator(Geometry g, SplittableRandom rnd) {
        this.g = g;
        this.rnd = rnd;
        this.m = g.bytes().clone();
    }

    byte[] bytes() {
        return m;
    }

    String description() {
        return String.join("; ", log);
    }

    /** Applies one to three random mutations; the last may change the file's length. */
    void mutate() {
        int n = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0);
        for (int i = 0; i < n; i++) {
            one(rnd.nextInt(17));
        }
    }

    private void one(int kind) {
        switch (kind) {
            case 0 -> nothing();
            case 1 -> damage("preamble", 0, Lz4Layout.PREAMBLE_LENGTH);
            case 2 -> preambleField();
            case 3 -> damage("record", rnd.nextBoolean() ? g.recordAt() : g.otherRecordAt(), Lz4Layout.RECORD_LENGTH);
            case 4 -> recordField(rnd.nextBoolean() ? g.recordAt() : g.otherRecordAt());
            case 5 -> recordGrow();
            case 6 -> directory();
            case 7 -> directoryField();
            case 8 -> mapBlock();
            case 9, 10 -> mapEntryField();
            case 11 -> mapEntrySwap();
            case 12, 13 -> cluster();
            case 14 -> truncate();
            case 15 -> extend();
            default -> damage("anywhere", 0, m.length);
        }
    }

    // --- the mutations ------------------------------------------------------------------------------

    /** Changes nothing, in a way that touches the bytes: a bit flipped twice, or a CRC recomputed over intact bytes. */
    private void nothing() {
        if (rnd.nextBoolean() && m.length > 0) {
            int at = rnd.nextInt(m.length);
            int bit = 1 << rnd.nextInt(8);
            m[at] ^= (byte) bit;
            m[at] ^= (byte) bit;
            log.add("flip a bit at " + at + " twice");
        } else {
            resealRecord(g.recordAt());
            log.add("reseal the record at " + g.recordAt());
        }
    }

    /** Flips bits or sets random bytes inside {@code [from, from + length)}. */
    private void damage(String what, long from, int length) {
        int hits = 1 + rnd.nextInt(3);
        for (int i = 0; i < hits && length > 0; i++) {
            long at = from + rnd.nextInt(length);
            if (at >= m.length) {
                continue;
            }
            if (rnd.nextBoolean()) {
                int bit = rnd.nextInt(8);
                m[(int) at] ^= (byte) (1 << bit);
                log.add(what + ": flip bit " + bit + " at " + at);
            } else {
                byte v = (byte) rnd.nextInt(256);
                m[(int) at] = v;
                log.add(what + ": set byte at " + at + " to " + (v & 0xff));
            }
        }
    }

    private void preambleField() {
        int field = 8 + 4 * rnd.nextInt(5); // version, cluster bits, incompatible, compatible, header size
        int v = switch (rnd.nextInt(6)) {
            case 0 -> interestingInt();
            case 1 -> Lz4Layout.MIN_CLUSTER_BITS + rnd.nextInt(Lz4Layout.MAX_CLUSTER_BITS - Lz4Layout.MIN_CLUSTER_BITS + 1);
            case 2 -> 1 << rnd.nextInt(32);
            default -> rnd.nextInt();
        };
        putInt(field, v);
        log.add("preamble: int at " + field + " = " + v);
        if (rnd.nextInt(4) != 0) {
            resealPreamble();
        }
    }

    private void recordField(int at) {
        int field = rnd.nextInt(7);
        String name;
        switch (field) {
            case 0 -> name = "generation " + putLong(at, rnd.nextBoolean() ? interestingLong() : rnd.nextLong());
            case 1 -> name = "virtual size " + putLong(at + 8, interestingLong());
            case 2 -> name = "directory offset " + putLong(at + 16, interestingLong());
            case 3 -> name = "directory length " + putInt(at + 24, interestingInt());
            case 4 -> name = "directory crc " + putInt(at + 28, rnd.nextInt());
            case 5 -> name = "file end " + putLong(at + 32, interestingLong());
            default -> name = "flags " + putInt(at + 40, interestingInt());
        }
        log.add("record at " + at + ": " + name);
        if (rnd.nextInt(8) != 0) {
            resealRecord(at);
        }
    }

    /**
     * The winning record claims a different virtual size with a matching directory length: the loader must not trust
     * the size (and allocate a map for it) before the directory's checksum vouches for the record.
     */
    private void recordGrow() {
        int at = g.recordAt();
        long clusters = 1 + (rnd.nextBoolean() ? rnd.nextLong(Lz4Layout.MAX_CLUSTERS) : rnd.nextInt(3 * Lz4Layout.ENTRIES_PER_BLOCK));
        long size = (clusters << g.clusterBits()) - 512L * rnd.nextInt(2);
        int dirLength = (int) (Lz4Layout.blocks(clusters) * Lz4Layout.DIR_ENTRY_SIZE);
        putLong(at + 8, size);
        putInt(at + 24, dirLength);
        putLong(at + 32, Math.max(g.fileEnd(), Math.min(m.length, g.dirOffset() + dirLength)));
        log.add("record at " + at + ": virtual size " + size + ", directory length " + dirLength);
        resealRecord(at);
    }

    private void directory() {
        damage("directory", g.dirOffset(), g.dirLength());
        if (rnd.nextBoolean()) {
            resealDirectory();
        }
    }

    private void directoryField() {
        if (g.dirLength() == 0) {
            return;
        }
        int b = rnd.nextInt(g.dirLength() / Lz4Layout.DIR_ENTRY_SIZE);
        long at = g.dirOffset() + (long) b * Lz4Layout.DIR_ENTRY_SIZE;
        String name = switch (rnd.nextInt(3)) {
            case 0 -> "offset " + putLong(at, interestingLong());
            case 1 -> "length " + putInt(at + 8, interestingInt());
            default -> "crc " + putInt(at + 12, rnd.nextInt());
        };
        log.add("directory entry " + b + ": " + name);
        if (rnd.nextInt(4) != 0) {
            resealDirectory();
        }
    }

    private void mapBlock() {
        int[] blocks = g.storedBlocks();
        if (blocks.length == 0) {
            return;
        }
        int b = blocks[rnd.nextInt(blocks.length)];
        damage("map block " + b, g.blockOffsets()[b], Lz4Layout.BLOCK_BYTES);
        if (rnd.nextBoolean()) {
            resealBlock(b);
        }
    }

    /** One field of a cluster's map entry, or of an entry past the last cluster, set to an edge value. */
    private void mapEntryField() {
        int[] blocks = g.storedBlocks();
        if (blocks.length == 0) {
            return;
        }
        int b = blocks[rnd.nextInt(blocks.length)];
        int k = rnd.nextInt(4) == 0 ? rnd.nextInt(Lz4Layout.ENTRIES_PER_BLOCK)
                : rnd.nextInt((int) Math.min(Lz4Layout.ENTRIES_PER_BLOCK,
                        g.clusterOffsets().length - (long) b * Lz4Layout.ENTRIES_PER_BLOCK));
        int c = b * Lz4Layout.ENTRIES_PER_BLOCK + k;
        long at = g.blockOffsets()[b] + (long) k * Lz4Layout.ENTRY_SIZE;
        String name = switch (rnd.nextInt(4)) {
            case 0 -> "offset " + putLong(at, interestingLong());
            case 1 -> "length " + putInt(at + 8, interestingInt());
            case 2 -> "crc " + putInt(at + 12, rnd.nextInt());
            default -> "zeroed " + putLong(at, 0) + putLong(at + 8, 0);
        };
        log.add("map entry of cluster " + c + ": " + name);
        if (rnd.nextInt(4) != 0) {
            resealBlock(b);
        }
    }

    /** Two entries swapped, or one copied over another: two clusters then share stored bytes. */
    private void mapEntrySwap() {
        int[] stored = g.storedClusters();
        if (stored.length == 0) {
            return;
        }
        int a = stored[rnd.nextInt(stored.length)];
        int b = rnd.nextInt(g.clusterOffsets().length);
        long atA = g.entryAt(a);
        long atB = g.entryAt(b);
        if (atB < 0 || Math.max(atA, atB) + Lz4Layout.ENTRY_SIZE > m.length) {
            return;
        }
        byte[] ea = Arrays.copyOfRange(m, (int) atA, (int) atA + Lz4Layout.ENTRY_SIZE);
        byte[] eb = Arrays.copyOfRange(m, (int) atB, (int) atB + Lz4Layout.ENTRY_SIZE);
        boolean swap = rnd.nextBoolean();
        System.arraycopy(ea, 0, m, (int) atB, ea.length);
        if (swap) {
            System.arraycopy(eb, 0, m, (int) atA, eb.length);
        }
        log.add((swap ? "swap the map entries of clusters " : "copy the map entry of cluster ") + a
                + (swap ? " and " : " over cluster ") + b);
        if (rnd.nextInt(4) != 0) {
            resealBlock(a / Lz4Layout.ENTRIES_PER_BLOCK);
            resealBlock(b / Lz4Layout.ENTRIES_PER_BLOCK);
        }
    }

    /** Damages a stored cluster's bytes; half the time its map entry's CRC is made to match, so it decodes. */
    private void cluster() {
        int[] stored = g.storedClusters();
        if (stored.length == 0) {
            return;
        }
        int c = stored[rnd.nextInt(stored.length)];
        long off = g.clusterOffsets()[c];
        int len = g.clusterLengths()[c];
        if (rnd.nextInt(4) == 0 && len < g.clusterSize()) {
            lz4Trap(c, off, len);
        } else {
            damage("cluster " + c, off, len);
        }
        if (rnd.nextBoolean()) {
            resealCluster(c);
        }
    }

    /** LZ4 sequences built to mislead a decoder: match offsets of 0 or before the output, lengths that run far. */
    private void lz4Trap(int c, long off, int len) {
        int at = (int) off + rnd.nextInt(len);
        String what = switch (rnd.nextInt(4)) {
            case 0 -> {
                int run = Math.min(len, 1 + rnd.nextInt(64)); // a token with a long literal run, 0xff bytes after it
                for (int i = 0; i < run; i++) {
                    set(off + i, 0xff);
                }
                yield "long literal run at " + off;
            }
            case 1 -> {
                if (at + 2 <= off + len) {
                    set(at, 0);
                    set(at + 1, 0);
                }
                yield "zero match offset at " + at;
            }
            case 2 -> {
                if (at + 2 <= off + len) {
                    set(at, 0xff);
                    set(at + 1, 0xff);
                }
                yield "match offset 65535 at " + at;
            }
            default -> {
                int cut = 1 + rnd.nextInt(len);
                putInt(g.entryAt(c) + 8, cut);
                resealBlock(c / Lz4Layout.ENTRIES_PER_BLOCK);
                yield "stored length cut to " + cut;
            }
        };
        log.add("cluster " + c + ": " + what);
    }

    /** Cuts the file, often right at or beside a structure's boundary. */
    private void truncate() {
        long[] marks = {g.fileEnd(), g.dirOffset(), g.dirOffset() + g.dirLength(), Lz4Layout.HEADER_SIZE,
                Lz4Layout.PREAMBLE_LENGTH, Lz4Layout.RECORD_OFFSETS[1] + Lz4Layout.RECORD_LENGTH};
        long at = rnd.nextBoolean() ? marks[rnd.nextInt(marks.length)] + rnd.nextInt(3) - 1 : rnd.nextInt(m.length + 1);
        int[] stored = g.storedClusters();
        if (rnd.nextInt(3) == 0 && stored.length > 0) {
            int c = stored[rnd.nextInt(stored.length)];
            at = g.clusterOffsets()[c] + rnd.nextInt(g.clusterLengths()[c]);
        }
        at = Math.max(0, Math.min(at, m.length));
        m = Arrays.copyOf(m, (int) at);
        log.add("truncate to " + at);
    }

    private void extend() {
        int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 3 * g.clusterSize());
        int old = m.length;
        m = Arrays.copyOf(m, old + n);
        if (rnd.nextBoolean()) {
            for (int i = old; i < m.length; i++) {
                m[i] = (byte) rnd.nextInt();
            }
        }
        log.add("extend by " + n + " bytes");
    }

    // --- resealing: each recomputes one CRC and then the one above it -------------------------------

    void resealPreamble() {
        if (m.length >= Lz4Layout.PREAMBLE_LENGTH) {
            putInt(28, crc(0, 28));
        }
    }

    void resealRecord(int at) {
        if (m.length >= at + Lz4Layout.RECORD_LENGTH) {
            putInt(at + 44, crc(at, at + 44));
        }
    }

    void resealDirectory() {
        if (m.length >= g.dirOffset() + g.dirLength()) {
            putInt(g.recordAt() + 28, crc(g.dirOffset(), g.dirOffset() + g.dirLength()));
        }
        resealRecord(g.recordAt());
    }

    void resealBlock(int b) {
        long at = g.blockOffsets()[b];
        if (at != 0 && m.length >= at + Lz4Layout.BLOCK_BYTES && m.length >= g.dirOffset() + g.dirLength()) {
            putInt(g.dirOffset() + (long) b * Lz4Layout.DIR_ENTRY_SIZE + 12, crc(at, at + Lz4Layout.BLOCK_BYTES));
        }
        resealDirectory();
    }

    void resealCluster(int c) {
        long entry = g.entryAt(c);
        long off = g.clusterOffsets()[c];
        int len = g.clusterLengths()[c];
        if (entry >= 0 && m.length >= off + len && m.length >= entry + Lz4Layout.ENTRY_SIZE) {
            putInt(entry + 12, crc(off, off + len));
        }
        resealBlock(c / Lz4Layout.ENTRIES_PER_BLOCK);
    }

    // --- values and bytes -----------------------------------------------------------------------------

    private long interestingLong() {
        long[] v = {0, 1, -1, 511, 512, 513, Lz4Layout.HEADER_SIZE - 1, Lz4Layout.HEADER_SIZE, Lz4Layout.HEADER_SIZE + 1,
                m.length - 1L, m.length, m.length + 1L, g.fileEnd() - 1, g.fileEnd(), g.fileEnd() + 1, g.dirOffset(),
                Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 0xffffffffL, Lz4Layout.MAX_VIRTUAL_SIZE,
                Lz4Layout.MAX_VIRTUAL_SIZE + 512, g.fileEnd() - g.clusterSize(), 1L << g.clusterBits() + 26};
        int[] stored = g.storedClusters();
        if (rnd.nextInt(3) == 0 && stored.length > 0) {
            return g.clusterOffsets()[stored[rnd.nextInt(stored.length)]] + rnd.nextInt(3) - 1;
        }
        return v[rnd.nextInt(v.length)];
    }

    private int interestingInt() {
        int[] v = {0, 1, -1, 2, 511, 512, g.clusterSize() - 1, g.clusterSize(), g.clusterSize() + 1,
                Lz4Layout.BLOCK_BYTES, Lz4Layout.BLOCK_BYTES + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x80,
                g.dirLength(), g.dirLength() + Lz4Layout.DIR_ENTRY_SIZE, 1 << Lz4Layout.MAX_CLUSTER_BITS};
        return v[rnd.nextInt(v.length)];
    }

    private void set(long at, int v) {
        if (at >= 0 && at < m.length) {
            m[(int) at] = (byte) v;
        }
    }

    private int crc(long from, long to) {
        return Lz4Layout.crc(ByteBuffer.wrap(m), (int) from, (int) to);
    }

    private long putLong(long at, long v) {
        if (at >= 0 && at + 8 <= m.length) {
            ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, v);
        }
        return v;
    }

    private int putInt(long at, int v) {
        if (at >= 0 && at + 4 <= m.length) {
            ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, v);
        }
        return v;
    }
}
