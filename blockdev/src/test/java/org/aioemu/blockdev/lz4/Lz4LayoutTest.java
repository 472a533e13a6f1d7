package org.aioemu.blockdev.lz4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk encoding ({@link Lz4Layout}) and the allocator ({@link Lz4Space}): round trips, every corruption of the
 * preamble refused, the older commit record winning over a torn newer one, out-of-range records refused with their
 * offset named, and the allocator never handing out bytes a durable commit may still name.
 */
class Lz4LayoutTest {
    @TempDir
    Path dir;

    // --- the preamble ---------------------------------------------------------------------------------

    @Test
    void preambleRoundTripsForEveryClusterSize() throws Exception {
        for (int bits = Lz4Layout.MIN_CLUSTER_BITS; bits <= Lz4Layout.MAX_CLUSTER_BITS; bits++) {
            ByteBuffer b = Lz4Layout.encodePreamble(bits);
            assertEquals(Lz4Layout.PREAMBLE_LENGTH, b.remaining());
            assertEquals(new Lz4Layout.Preamble(Lz4Layout.VERSION, bits, 0, 0), Lz4Layout.decodePreamble(b));
            assertTrue(Lz4Images.probes(b));
        }
    }

    @Test
    void everySingleBitFlipOfThePreambleIsRefused() {
        byte[] good = bytes(Lz4Layout.encodePreamble(16));
        for (int bit = 0; bit < Lz4Layout.PREAMBLE_LENGTH * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << bit % 8);
            ByteBuffer b = ByteBuffer.wrap(bad);
            assertFalse(Lz4Images.probes(b), "bit " + bit);
            Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Layout.decodePreamble(b), "bit " + bit);
            if (bit < Lz4Layout.MAGIC.length * 8) {
                assertFalse(Lz4Layout.hasMagic(b), "bit " + bit);
                assertEquals("no lz4 image magic at offset 0", e.getMessage());
            } else {
                assertTrue(e.getMessage().startsWith("header checksum mismatch at offset 0"), e.getMessage());
            }
        }
    }

    @Test
    void unknownIncompatibleFeaturesAreRefusedAndUnknownCompatibleOnesAreNot() throws Exception {
        for (int bit = 0; bit < 32; bit++) {
            ByteBuffer b = preamble(16, 1 << bit, 0);
            Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Layout.decodePreamble(b));
            assertTrue(e.getMessage().startsWith("header: unknown incompatible features 0x"), e.getMessage());
            assertEquals(1 << bit, Lz4Layout.decodePreamble(preamble(16, 0, 1 << bit)).compatible());
        }
    }

    @Test
    void outOfRangePreambleFieldsAreRefusedAsTheHeaders() {
        int[][] fields = {{8, 2}, {8, 0}, {12, 11}, {12, 22}, {12, -1}, {24, 512}};
        for (int[] f : fields) {
            ByteBuffer b = le(bytes(Lz4Layout.encodePreamble(16)));
            b.putInt(f[0], f[1]).putInt(28, Lz4Layout.crc(b, 0, 28));
            Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Layout.decodePreamble(b));
            assertTrue(e.getMessage().startsWith("header: "), e.getMessage());
        }
    }

    /** Found by the fuzz (the preamble's version set to 3381648023, resealed): the message named no place. */
    @Test
    void anUnsupportedVersionIsNamedAsTheHeaders() {
        ByteBuffer b = le(bytes(Lz4Layout.encodePreamble(16)));
        b.putInt(8, (int) 3381648023L).putInt(28, Lz4Layout.crc(b, 0, 28));
        Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Layout.decodePreamble(b));
        assertEquals("header: unsupported lz4 image version 3381648023 (this aioemu reads version 1)", e.getMessage());
    }

    // --- commit records -------------------------------------------------------------------------------

    @Test
    void recordsRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            Lz4Layout.CommitRecord r = new Lz4Layout.CommitRecord(1 + rnd.nextLong(Long.MAX_VALUE), rnd.nextLong(),
                    rnd.nextLong(), rnd.nextInt(), rnd.nextInt(), rnd.nextLong(), rnd.nextInt());
            assertEquals(r, Lz4Layout.decodeRecord(Lz4Layout.encodeRecord(r)));
        }
        assertNull(Lz4Layout.decodeRecord(ByteBuffer.allocate(Lz4Layout.RECORD_LENGTH)), "a slot never written");
        assertNull(Lz4Layout.decodeRecord(ByteBuffer.allocate(Lz4Layout.RECORD_LENGTH - 1)), "too short");
    }

    @Test
    void theNewestValidRecordWinsAndATornOrZeroedOneLosesToTheOlder() throws Exception {
        byte[] image = emptyImage(64 << 10);
        Lz4Layout.CommitRecord first = Lz4Metadata.load(Lz4Metadata.Source.of(image)).record;
        Lz4Layout.CommitRecord second = new Lz4Layout.CommitRecord(2, first.virtualSize(), first.directoryOffset(),
                first.directoryLength(), first.directoryCrc(), first.fileEnd(), 0);
        byte[] newer = second(image, bytes(Lz4Layout.encodeRecord(second)));
        Lz4Metadata m = Lz4Metadata.load(Lz4Metadata.Source.of(newer));
        assertEquals(second, m.record);
        assertEquals(1, m.slot);

        byte[] zeroed = second(image, new byte[Lz4Layout.RECORD_LENGTH]);
        assertEquals(first, Lz4Metadata.load(Lz4Metadata.Source.of(zeroed)).record);
        for (int cut = 1; cut < Lz4Layout.RECORD_LENGTH; cut++) {
            byte[] torn = new byte[Lz4Layout.RECORD_LENGTH]; // the first bytes of the new record reached the disk
            System.arraycopy(bytes(Lz4Layout.encodeRecord(second)), 0, torn, 0, cut);
            Lz4Metadata t = Lz4Metadata.load(Lz4Metadata.Source.of(second(image, torn)));
            assertEquals(first, t.record, "torn after " + cut + " bytes");
            assertEquals(0, t.slot);
        }
        // The newer record is intact but names a committed end past the file (the file was cut): that is damage, not
        // a torn commit, and the load says so rather than silently going back to the older commit.
        Lz4Layout.CommitRecord cut = new Lz4Layout.CommitRecord(3, first.virtualSize(), first.directoryOffset(),
                first.directoryLength(), first.directoryCrc(), image.length + 1L, 0);
        Lz4FormatException e = assertThrows(Lz4FormatException.class,
                () -> Lz4Metadata.load(Lz4Metadata.Source.of(second(image, bytes(Lz4Layout.encodeRecord(cut))))));
        assertTrue(e.getMessage().contains("offset 1024") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void withNeitherRecordValidTheLoadSaysSo() throws Exception {
        byte[] image = emptyImage(64 << 10);
        image[512 + 3] ^= 1; // the only record, slot 0's
        Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Metadata.load(Lz4Metadata.Source.of(image)));
        assertEquals("neither commit record (offsets 512 and 1024) is valid: the header is damaged", e.getMessage());
    }

    @Test
    void outOfRangeRecordsAreRefusedNamingTheirOffset() throws Exception {
        long fileLength = 100_000;
        Lz4Layout.CommitRecord ok = new Lz4Layout.CommitRecord(9, 64 << 10, 4096, 16, 0, fileLength, 0);
        Lz4Layout.checkRecord(ok, 12, fileLength, 1024);
        List<Lz4Layout.CommitRecord> bad = List.of(
                new Lz4Layout.CommitRecord(9, (64 << 10) + 100, 4096, 16, 0, fileLength, 0), // not a multiple of 512
                new Lz4Layout.CommitRecord(9, -512, 4096, 16, 0, fileLength, 0),
                new Lz4Layout.CommitRecord(9, Lz4Layout.MAX_VIRTUAL_SIZE + 512, 4096, 16, 0, fileLength, 0),
                new Lz4Layout.CommitRecord(9, 64 << 10, 4096, 32, 0, fileLength, 0), // directory length mismatch
                new Lz4Layout.CommitRecord(9, 64 << 10, 4096, 16, 0, fileLength + 1, 0), // end past the file
                new Lz4Layout.CommitRecord(9, 64 << 10, 4096, 16, 0, 4095, 0), // end inside the header
                new Lz4Layout.CommitRecord(9, 64 << 10, 512, 16, 0, fileLength, 0), // directory in the header
                new Lz4Layout.CommitRecord(9, 64 << 10, fileLength - 8, 16, 0, fileLength, 0)); // directory past the end
        String[] says = {"virtual size", "virtual size", "virtual size", "directory length", "committed end",
                "committed end", "directory at offset 512", "directory at offset " + (fileLength - 8)};
        for (int i = 0; i < bad.size(); i++) {
            Lz4Layout.CommitRecord r = bad.get(i);
            Lz4FormatException e = assertThrows(Lz4FormatException.class,
                    () -> Lz4Layout.checkRecord(r, 12, fileLength, 1024), r.toString());
            assertTrue(e.getMessage().startsWith("commit record at offset 1024 (generation 9): "), e.getMessage());
            assertTrue(e.getMessage().contains(says[i]), e.getMessage());
        }
        // Through the load: the only record names an end past the file, and the message says which record.
        byte[] image = emptyImage(64 << 10);
        Lz4Layout.CommitRecord r = Lz4Metadata.load(Lz4Metadata.Source.of(image)).record;
        byte[] cut = java.util.Arrays.copyOf(image, (int) r.fileEnd() - 1);
        Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Metadata.load(Lz4Metadata.Source.of(cut)));
        assertTrue(e.getMessage().startsWith("commit record at offset 512 (generation 1): committed end"), e.getMessage());
    }

    /** Found by the fuzz: an empty image's record resealed with directory offset -1 made the load read at -1. */
    @Test
    void anEmptyImagesDirectoryIsNotRead() throws Exception {
        byte[] image = emptyImage(0);
        ByteBuffer b = le(image);
        b.putLong(512 + 16, -1).putInt(512 + 44, Lz4Layout.crc(b, 512, 512 + 44));
        Lz4Metadata m = Lz4Metadata.load(Lz4Metadata.Source.of(image));
        assertEquals(0, m.map.clusters());
        assertTrue(Lz4Images.check(Lz4Metadata.Source.of(image)).clean());
    }

    /**
     * Found by the fuzz: a record resealed with a virtual size of 2^26 clusters and a matching directory length made
     * the load allocate a 1 GiB map before it found the directory's checksum wrong.
     */
    @Test
    void aDamagedRecordCannotMakeTheLoadAllocateAHugeMap() throws Exception {
        byte[] image = java.util.Arrays.copyOf(emptyImage(64 << 10), 300_000);
        ByteBuffer b = le(image);
        long clusters = Lz4Layout.MAX_CLUSTERS;
        b.putLong(512 + 8, clusters << 12).putInt(512 + 24, (int) (Lz4Layout.blocks(clusters) * 16))
                .putLong(512 + 32, image.length).putInt(512 + 44, Lz4Layout.crc(b, 512, 512 + 44));
        Lz4FormatException e = assertThrows(Lz4FormatException.class, () -> Lz4Metadata.load(Lz4Metadata.Source.of(image)));
        assertTrue(e.getMessage().startsWith("directory at offset 4096: checksum mismatch"), e.getMessage());
    }

    // --- the allocator --------------------------------------------------------------------------------

    @Test
    void aReleasedExtentIsReusedOnlyAfterACommitStartedAfterTheRelease() {
        Lz4Space s = new Lz4Space(4096);
        long a = s.allocate(1000);
        long b = s.allocate(1000);
        assertEquals(4096, a);
        assertEquals(5096, b);
        s.release(a, 1000, 3); // three commits had started: the third may still be the durable one
        assertEquals(6096, s.allocate(1000));
        s.commitDone(3);
        assertEquals(7096, s.allocate(1000), "commit 3 started before the release: it still names the extent");
        s.commitDone(4);
        assertEquals(a, s.allocate(1000));
    }

    @Test
    void freeExtentsCoalesceAndAFreedTailShortensTheFile() {
        Lz4Space s = new Lz4Space(4096);
        long[] x = new long[4];
        for (int i = 0; i < 4; i++) {
            x[i] = s.allocate(1000);
        }
        s.unallocate(x[0], 1000);
        s.release(x[1], 1000, 0);
        s.commitDone(1);
        assertEquals(2000, s.freeBytes());
        assertEquals(x[0], s.allocate(2000), "the two neighbours are one extent");
        s.unallocate(x[2], 1000); // not the tail: x[3] follows
        assertEquals(8096, s.end());
        s.unallocate(x[3], 1000); // the tail, and the free x[2] before it: the end moves back over both
        assertEquals(x[2], s.end());
        assertEquals(0, s.freeBytes());
        s.unallocate(x[0], 2000); // now the tail too
        assertEquals(4096, s.end());
    }

    @Test
    void randomAllocationsNeverOverlapWhatIsInUseOrMayStillBeNamed() {
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Lz4Space s = new Lz4Space(4096);
            TreeMap<Long, Long> used = new TreeMap<>();
            List<long[]> pending = new ArrayList<>(); // {offset, length, tag}
            long started = 0;
            long done = 0;
            for (int step = 0; step < 5000; step++) {
                int op = rnd.nextInt(10);
                if (op < 5 || used.isEmpty()) {
                    int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 512 : 70_000);
                    long at = s.allocate(len);
                    assertTrue(at >= 4096, "step " + step);
                    assertFree(used, pending, at, len, "seed " + seed + " step " + step);
                    used.put(at, (long) len);
                } else if (op < 8) {
                    Map.Entry<Long, Long> e = pick(rnd, used);
                    used.remove(e.getKey());
                    if (op == 7) {
                        s.unallocate(e.getKey(), e.getValue());
                    } else {
                        s.release(e.getKey(), e.getValue(), started);
                        pending.add(new long[] {e.getKey(), e.getValue(), started});
                    }
                } else if (op == 8) {
                    started++;
                } else if (done < started) {
                    long k = ++done;
                    s.commitDone(k);
                    pending.removeIf(p -> p[2] < k);
                }
                long inUse = used.values().stream().mapToLong(Long::longValue).sum()
                        + pending.stream().mapToLong(p -> p[1]).sum();
                assertEquals(s.end() - 4096, inUse + s.freeBytes(), "every byte below the end is used, pending or free");
            }
        }
    }

    private static void assertFree(TreeMap<Long, Long> used, List<long[]> pending, long at, long len, String where) {
        Map.Entry<Long, Long> before = used.floorEntry(at + len - 1);
        assertTrue(before == null || before.getKey() + before.getValue() <= at, where + ": overlaps an extent in use");
        for (long[] p : pending) {
            assertTrue(p[0] + p[1] <= at || at + len <= p[0], where + ": overlaps an extent a commit may still name");
        }
    }

    private static Map.Entry<Long, Long> pick(SplittableRandom rnd, TreeMap<Long, Long> m) {
        long key = m.ceilingKey(m.firstKey() + rnd.nextLong(m.lastKey() - m.firstKey() + 1));
        return Map.entry(key, m.get(key));
    }

    // --- helpers --------------------------------------------------------------------------------------

    private byte[] emptyImage(long size) throws Exception {
        Path p = dir.resolve("e" + size + ".lz4");
        Lz4Images.create(p, size, 4096);
        return Files.readAllBytes(p);
    }

    /** {@code image} with {@code record} written into the second slot. */
    private static byte[] second(byte[] image, byte[] record) {
        byte[] b = image.clone();
        System.arraycopy(record, 0, b, (int) Lz4Layout.RECORD_OFFSETS[1], record.length);
        return b;
    }

    private static ByteBuffer preamble(int bits, int incompatible, int compatible) {
        ByteBuffer b = le(bytes(Lz4Layout.encodePreamble(bits)));
        b.putInt(16, incompatible).putInt(20, compatible).putInt(28, Lz4Layout.crc(b, 0, 28));
        return b;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
