package org.aioemu.blockdev.lz4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware mutation fuzzing of lz4 images (issue 17): a damaged or truncated image gets an error naming what
 * is wrong and where — never a crash, and never wrong data returned as good.
 *
 * <p>A few tiny seed images are written through the driver (zero, text-like and random clusters; overwrites that
 * leave holes; two map blocks; an image with leaked bytes; an empty one). Each case mutates one seed with
 * {@link Lz4ImageMutator} and then holds the code to these rules:
 * <ul>
 *   <li>{@code Lz4Metadata.load} and {@code Lz4Images.check} return or throw {@link Lz4FormatException}; nothing else
 *       (an index out of bounds, an LZ4Exception, an OutOfMemoryError) may escape.</li>
 *   <li>If the metadata does not load, check reports exactly the load's message, and it names where.</li>
 *   <li>If it loads, the map is what the file stores, and check reports exactly the clusters that an independent
 *       decoder (lz4-java's pure-Java one, CRC-32C) cannot decode to one cluster: so a clean check means every
 *       cluster decodes. A cluster whose map entry and stored bytes the mutation left alone decodes to its
 *       original data. An unchanged file is clean.</li>
 *   <li>One case in {@value #DRIVER_EVERY} is also opened read-only through {@link BlockBackend}: the open fails with
 *       EINVAL carrying the load's message, or it succeeds and every cluster reads back as the independent decoder
 *       says, or fails with EIO naming the cluster. Every wait has a timeout, so a hang is a finding, not a stuck
 *       build.</li>
 * </ul>
 *
 * <p>Cases are deterministic: case {@code i} mutates seed {@code i % seeds} with a random generator seeded from
 * {@code i}, so a finding's case number replays it. {@code -Dlz4.fuzz.cases=N} runs N cases instead of 100,000 (for a
 * long soak, or 1,000 while editing); {@code -Dlz4.fuzz.first=K} starts at case K. The summary line
 * {@code lz4 fuzz: N cases, M findings} goes to stdout.
 */
class Lz4MutationFuzzTest {
    static final int DEFAULT_CASES = 100_000;
    static final int DRIVER_EVERY = 200;
    static final long FUTURE_TIMEOUT_SECONDS = 20;
    /** A message "names where" if it names an offset, an entry, a cluster or the header. */
    static final Pattern WHERE = Pattern.compile(
            "offsets? -?\\d+|header|directory entry \\d+|cluster \\d+|the file is \\d+ bytes|commit record");
    static final LZ4SafeDecompressor REFERENCE = LZ4Factory.safeInstance().safeDecompressor();

    /** How far the cases got, so the summary shows the mutations reach past the checksums. */
    static final int REFUSED = 0, DAMAGED_CLUSTERS = 1, CHANGED_BUT_CLEAN = 2, DRIVER_REFUSED = 3, READS_FAILED = 4,
            READS_GOOD = 5;
    static final long[] reached = new long[6];
    static long driverNanos;

    @TempDir
    static Path dir;
    static AioContext ctx;
    static List<Seed> seeds = new ArrayList<>();

    /** A clean image and what its clusters hold. */
    record Seed(String name, Lz4ImageMutator.Geometry geometry, byte[][] clusters, long leaked) {
        byte[] bytes() {
            return geometry.bytes();
        }
    }

    @BeforeAll
    static void writeSeeds() throws Exception {
        ctx = AioContext.create();
        seeds.addAll(writeSeeds(dir, ctx));
    }

    /** The seed images, written into {@code dir} through a driver on {@code ctx} (Lz4ImageFuzzTest starts from them too). */
    static List<Seed> writeSeeds(Path dir, AioContext ctx) throws Exception {
        return List.of(seed(dir, ctx, "64k", 64 << 10, 4096, 1, false),
                seed(dir, ctx, "256k-rewritten", 256 << 10, 4096, 3, false),
                seed(dir, ctx, "two-map-blocks", (16 << 20) + (64 << 10), 4096, 1, false),
                seed(dir, ctx, "leaked-tail", 128 << 10, 4096, 2, true),
                seed(dir, ctx, "8k-clusters", 192 << 10, 8192, 2, false),
                seed(dir, ctx, "empty", 0, 4096, 0, false));
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    /**
     * Writes {@code rounds} rounds of whole- and part-cluster writes (zero, text-like and random data), a flush after
     * each, then closes (the file is cut to its committed end) — or, for {@code leak}, copies the file while a write
     * made after the last flush is still uncommitted, so the seed has leaked bytes past its committed end.
     */
    static Seed seed(Path dir, AioContext ctx, String name, long size, int clusterSize, int rounds, boolean leak)
            throws Exception {
        Path image = dir.resolve(name + ".lz4");
        Lz4Images.create(image, size, clusterSize);
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        byte[] snapshot = null;
        try (Arena arena = Arena.ofShared();
                BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults())) {
            long clusters = size / clusterSize;
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < Math.min(clusters, 48); i++) {
                    long c = clusters <= 64 ? i : (i < 24 ? i : clusters - 48 + i);
                    byte[] data = new byte[rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(clusterSize) : clusterSize];
                    Lz4DriverTest.fill(rnd, data, (int) ((c + round) % 3));
                    MemorySegment buf = arena.allocate(data.length);
                    buf.copyFrom(MemorySegment.ofArray(data));
                    b.write(c * clusterSize, buf).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
                b.flush().get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (leak) {
                // Random data is stored raw; written twice over the whole image, it is more than the holes the
                // earlier commits freed can take (the first copy's extents stay in use until a commit), so the file
                // grows past its committed end. One cluster at a time, so the layout (and every case) is the same
                // on each run: the clusters of one larger write are placed in the order the pool compresses them.
                for (long c = 0; c < 2 * clusters; c++) {
                    byte[] data = new byte[clusterSize];
                    Lz4DriverTest.fill(rnd, data, 2);
                    MemorySegment buf = arena.allocate(data.length);
                    buf.copyFrom(MemorySegment.ofArray(data));
                    b.write(c % clusters * clusterSize, buf).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
                snapshot = Files.readAllBytes(image);
            }
        }
        byte[] bytes = snapshot != null ? snapshot : Files.readAllBytes(image);
        Lz4ImageMutator.Geometry g = Lz4ImageMutator.Geometry.of(bytes);
        Lz4Images.CheckResult check = Lz4Images.check(Lz4Metadata.Source.of(bytes));
        assertTrue(check.corruptions().isEmpty(), name + ": " + check);
        assertEquals(leak, check.leakedBytes() > 0, name + ": " + check);
        byte[][] clusters = decodeAll(Lz4Metadata.load(Lz4Metadata.Source.of(bytes)), bytes);
        return new Seed(name, g, clusters, check.leakedBytes());
    }

    @Test
    void mutatedImagesFailCleanlyOrReadBackTrue() throws Exception {
        int cases = Integer.getInteger("lz4.fuzz.cases", DEFAULT_CASES);
        int first = Integer.getInteger("lz4.fuzz.first", 0);
        Arrays.fill(reached, 0);
        driverNanos = 0;
        List<String> findings = new ArrayList<>();
        int found = 0;
        long start = System.nanoTime();
        for (int i = first; i < first + cases; i++) {
            String finding = run(i, i % DRIVER_EVERY == DRIVER_EVERY / 2);
            if (finding != null && found++ < 20) {
                findings.add(finding);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("lz4 fuzz: " + cases + " cases, " + found + " findings (" + ms + " ms, "
                + driverNanos / 1_000_000 + " ms of them opening " + cases / DRIVER_EVERY + " through the driver; "
                + reached[REFUSED] + " refused at load, " + reached[DAMAGED_CLUSTERS] + " loaded with damaged clusters, "
                + reached[CHANGED_BUT_CLEAN] + " changed but clean; the driver refused " + reached[DRIVER_REFUSED]
                + ", read " + reached[READS_GOOD] + " clusters, failed " + reached[READS_FAILED] + " with EIO)");
        assertTrue(findings.isEmpty(), String.join("\n", findings));
    }

    /**
     * The cases that found bugs, replayed, each through the driver too: 334 (an unsupported version's message named no
     * place), 3215 (an empty image's directory read at offset -1), 5691 and 7341 (a record claiming 2^26 clusters made
     * the load allocate a 1 GiB map before checking the directory).
     */
    @Test
    void theCasesThatFoundBugsPass() throws Exception {
        for (int i : new int[] {334, 3215, 5691, 7341}) {
            String finding = run(i, true);
            assertTrue(finding == null, finding);
        }
    }

    /** Runs case {@code i}: null if every rule held, else what broke, with the mutation that did it. */
    static String run(int i, boolean throughTheDriver) {
        Seed seed = seeds.get(i % seeds.size());
        Lz4ImageMutator mutator = new Lz4ImageMutator(seed.geometry(), new SplittableRandom(0x6c7a34L + i));
        mutator.mutate();
        try {
            Case c = new Case(seed, mutator.bytes());
            c.checkAndLoad();
            if (throughTheDriver) {
                long t0 = System.nanoTime();
                c.openAndRead(dir.resolve("case.lz4"));
                driverNanos += System.nanoTime() - t0;
            }
            return null;
        } catch (Exception | AssertionError | OutOfMemoryError | StackOverflowError e) {
            return "case " + i + " (seed " + seed.name() + ": " + mutator.description() + "): " + e;
        }
    }

    /** One mutated image and what the rules expect of it. */
    static final class Case {
        final Seed seed;
        final byte[] bytes;
        Lz4Metadata meta;
        String loadError;
        /** Per cluster of the loaded map: its data, or null if its stored bytes do not decode. */
        byte[][] decoded;

        Case(Seed seed, byte[] bytes) {
            this.seed = seed;
            this.bytes = bytes;
        }

        void checkAndLoad() throws Exception {
            Lz4Images.CheckResult check = Lz4Images.check(Lz4Metadata.Source.of(bytes));
            boolean unchanged = Arrays.equals(bytes, seed.bytes());
            try {
                meta = Lz4Metadata.load(Lz4Metadata.Source.of(bytes));
                meta.space();
            } catch (Lz4FormatException e) {
                loadError = e.getMessage();
                meta = null;
            }
            if (loadError != null) {
                expect(!unchanged, "an unchanged image failed to load: " + loadError);
                expectRefusedAlike(check, loadError);
                reached[REFUSED]++;
                return;
            }
            expectMapAsStored();
            decoded = decodeAll(meta, bytes);
            expectCheckAsReference(check, meta, decoded, bytes.length);
            List<String> got = check.corruptions();
            for (int c = 0; c < decoded.length; c++) {
                if (untouched(c)) {
                    expect(Arrays.equals(decoded[c], seed.clusters()[c]), "untouched cluster " + c + " changed");
                }
            }
            if (unchanged) {
                expect(got.isEmpty() && check.leakedBytes() == seed.leaked(), "an unchanged image: " + check);
            }
            if (!got.isEmpty()) {
                reached[DAMAGED_CLUSTERS]++;
            } else if (!unchanged) {
                reached[CHANGED_BUT_CLEAN]++;
            }
        }

        /** The loaded map, directory and record are what the bytes say, and every extent lies in the data area. */
        private void expectMapAsStored() {
            Lz4Layout.CommitRecord r = meta.record;
            int at = (int) Lz4Layout.RECORD_OFFSETS[meta.slot];
            expect(r.equals(Lz4Layout.decodeRecord(ByteBuffer.wrap(bytes, at, Lz4Layout.RECORD_LENGTH))),
                    "the record is not the one at " + at);
            Lz4Layout.CommitRecord other = Lz4Layout.decodeRecord(ByteBuffer.wrap(bytes,
                    (int) Lz4Layout.RECORD_OFFSETS[1 - meta.slot], Lz4Layout.RECORD_LENGTH));
            expect(r.fileEnd() <= bytes.length && r.fileEnd() >= Lz4Layout.HEADER_SIZE, "file end " + r.fileEnd());
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int blk = 0; blk < meta.map.blockCount(); blk++) {
                long dirAt = r.directoryOffset() + (long) blk * Lz4Layout.DIR_ENTRY_SIZE;
                long blockAt = meta.map.blockOffset(blk);
                expect(b.getLong((int) dirAt) == blockAt, "directory entry " + blk);
                for (int k = 0; k < Lz4Layout.ENTRIES_PER_BLOCK; k++) {
                    long c = (long) blk * Lz4Layout.ENTRIES_PER_BLOCK + k;
                    if (c >= meta.map.clusters()) {
                        break;
                    }
                    long off = blockAt == 0 ? 0 : b.getLong((int) (blockAt + 16L * k));
                    int len = blockAt == 0 ? 0 : b.getInt((int) (blockAt + 16L * k + 8));
                    int crc = blockAt == 0 ? 0 : b.getInt((int) (blockAt + 16L * k + 12));
                    expect(meta.map.unchanged(c, off, len, crc), "map entry of cluster " + c + " is not as stored");
                    expect(off == 0 || off >= Lz4Layout.HEADER_SIZE && off + len <= r.fileEnd() && len > 0
                            && len <= meta.preamble.clusterSize(), "cluster " + c + " lies outside the data area");
                }
            }
            if (other != null && other.generation() != r.generation()) {
                try {
                    Lz4Layout.checkRecord(other, meta.preamble.clusterBits(), bytes.length, 0);
                    expect(Long.compareUnsigned(r.generation(), other.generation()) > 0, "an older record won");
                } catch (Lz4FormatException e) {
                    // the other record is unusable: this one wins whatever its generation
                }
            }
        }

        /** Whether the mutation left cluster {@code c}'s map entry, stored bytes and cluster size alone. */
        boolean untouched(int c) {
            Lz4ImageMutator.Geometry g = seed.geometry();
            if (c >= g.clusterOffsets().length || meta.preamble.clusterBits() != g.clusterBits()) {
                return false;
            }
            long off = g.clusterOffsets()[c];
            int len = g.clusterLengths()[c];
            int crc = g.clusterCrcs()[c];
            if (!meta.map.unchanged(c, off, len, crc)) {
                return false;
            }
            return off == 0 || off + len <= bytes.length && Arrays.equals(bytes, (int) off, (int) (off + len),
                    seed.bytes(), (int) off, (int) (off + len));
        }

        /** The sampled half: the image through the lz4 driver, read-only, cluster by cluster. */
        void openAndRead(Path file) throws Exception {
            Files.write(file, bytes);
            BlockBackend backend = openAsTheLoadSays(ctx, file, meta, loadError);
            if (backend == null) {
                reached[DRIVER_REFUSED]++;
                return;
            }
            try (Arena arena = Arena.ofShared(); backend) {
                readClusters(backend, arena);
            }
        }

        private void readClusters(BlockBackend backend, Arena arena) throws Exception {
            int size = meta.preamble.clusterSize();
            long vsize = meta.record.virtualSize();
            long clusters = meta.map.clusters();
            List<Long> which = new ArrayList<>();
            for (long c = 0; c < clusters; c++) {
                if (clusters <= 128 || !meta.map.isZero(c) || c == 0 || c == clusters - 1
                        || c < seed.clusters().length && seed.clusters()[(int) c] != null) {
                    which.add(c);
                }
            }
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            List<MemorySegment> bufs = new ArrayList<>();
            for (long c : which) {
                MemorySegment buf = arena.allocate(Math.min(size, vsize - c * size), 4096);
                bufs.add(buf);
                reads.add(backend.read(c * size, buf));
            }
            for (int k = 0; k < which.size(); k++) {
                int c = (int) (long) which.get(k);
                byte[] want = meta.map.isZero(c) ? new byte[size] : decoded[c];
                try {
                    reads.get(k).get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    expect(want != null, "cluster " + c + " read as good, but its stored bytes do not decode");
                    byte[] got = bufs.get(k).toArray(ValueLayout.JAVA_BYTE);
                    expect(Arrays.equals(got, 0, got.length, want, 0, got.length), "cluster " + c + " read wrong data");
                    reached[READS_GOOD]++;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    expect(want == null, "cluster " + c + " decodes but its read failed: " + cause);
                    expect(cause instanceof ErrnoException ee && ee.errno() == Errno.EIO
                            && cause.getMessage().contains("cluster " + c + " "), "the read of cluster " + c
                            + " failed with " + cause);
                    reached[READS_FAILED]++;
                } catch (TimeoutException e) {
                    throw new AssertionError("the read of cluster " + c + " hangs");
                }
            }
        }
    }

    /** Every cluster of {@code m} decoded by the reference: zero clusters as zeroes, undecodable ones null. */
    static byte[][] decodeAll(Lz4Metadata m, byte[] file) {
        int size = m.preamble.clusterSize();
        byte[] zero = new byte[size]; // shared: an image may have thousands of zero clusters
        byte[][] out = new byte[(int) m.map.clusters()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = m.map.isZero(c) ? zero : decode(file, m.map.offset(c), m.map.length(c), m.map.crc(c), size);
        }
        return out;
    }

    /** The cluster the stored bytes hold, or null if they fail their CRC or do not decode to exactly one cluster. */
    static byte[] decode(byte[] file, long off, int len, int crc, int size) {
        if (off < 0 || len <= 0 || off + len > file.length || crc(file, off, len) != crc) {
            return null;
        }
        if (len == size) {
            return Arrays.copyOfRange(file, (int) off, (int) off + len);
        }
        byte[] out = new byte[size];
        try {
            return REFERENCE.decompress(file, (int) off, len, out, 0, size) == size ? out : null;
        } catch (LZ4Exception e) {
            return null;
        }
    }

    static int crc(byte[] file, long off, int len) {
        CRC32C c = new CRC32C();
        c.update(file, (int) off, len);
        return (int) c.getValue();
    }

    /**
     * Opens {@code file} with the lz4 driver (read-only), which must do as the reference load did: refuse the image
     * with EINVAL and the load's message ({@code loadError}; then null is returned), or open it at the recorded
     * virtual size (then the backend is returned, the caller's to close). An open that takes
     * {@link #FUTURE_TIMEOUT_SECONDS} fails as a hang.
     */
    static BlockBackend openAsTheLoadSays(AioContext ctx, Path file, Lz4Metadata meta, String loadError)
            throws Exception {
        BlockBackendOptions opts = BlockBackendOptions.defaults().withFormat("lz4").withReadOnly(true);
        CompletableFuture<BlockBackend> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return BlockBackend.open(ctx, file, opts);
            } catch (ErrnoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        BlockBackend backend;
        try {
            backend = opening.get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            expect(e.getCause() instanceof ErrnoException, "open threw " + e.getCause());
            ErrnoException ee = (ErrnoException) e.getCause();
            expect(loadError != null, "the driver refused an image that loads: " + ee.getMessage());
            expect(ee.errno() == Errno.EINVAL && ee.getMessage().contains(loadError),
                    "open failed with " + ee.getMessage() + "; the load says " + loadError);
            return null;
        } catch (TimeoutException e) {
            throw new AssertionError("opening the image hangs");
        }
        if (loadError != null || backend.size() != meta.record.virtualSize()) {
            String what = loadError != null ? "the driver opened an image that does not load: " + loadError
                    : "size " + backend.size();
            backend.close();
            throw new AssertionError(what);
        }
        return backend;
    }

    static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** A load that refuses the image and {@code check} agree, and the message says where. */
    static void expectRefusedAlike(Lz4Images.CheckResult check, String loadError) {
        expect(check.corruptions().equals(List.of(loadError)), "check says " + check.corruptions()
                + " but the load says " + loadError);
        expect(WHERE.matcher(loadError).find(), "the message does not say where: " + loadError);
    }

    /**
     * {@code check} reports exactly the stored clusters the reference decoder could not decode (the first 100, in
     * order), and as leaked what lies past the record's end of the file.
     */
    static void expectCheckAsReference(Lz4Images.CheckResult check, Lz4Metadata meta, byte[][] decoded, long fileLength) {
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < decoded.length; c++) {
            if (!meta.map.isZero(c) && decoded[c] == null) {
                expected.add("cluster " + c + " ");
            }
        }
        List<String> got = check.corruptions();
        expect(got.size() == Math.min(100, expected.size()), "check reports " + got + ", the reference finds "
                + expected);
        for (int k = 0; k < got.size(); k++) {
            expect(got.get(k).startsWith(expected.get(k)), "check reports " + got.get(k) + ", expected "
                    + expected.get(k));
        }
        expect(check.leakedBytes() == fileLength - meta.record.fileEnd(), "leaked " + check.leakedBytes());
    }
}
