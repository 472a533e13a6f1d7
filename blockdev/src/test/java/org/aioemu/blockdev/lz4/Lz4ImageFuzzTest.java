package org.aioemu.blockdev.lz4;

import static org.aioemu.blockdev.lz4.Lz4MutationFuzzTest.expect;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the lz4 image reader (Jazzer), with {@link Lz4MutationFuzzTest}'s rules: {@code
 * Lz4Metadata.load} and {@code Lz4Images.check} return or throw {@link Lz4FormatException} (nothing else escapes);
 * a load's refusal says where and is exactly what check reports; a loaded image's check reports exactly the clusters
 * an independent decoder cannot decode; and the image opened read-only through {@link BlockBackend} fails with
 * EINVAL carrying the load's message, or reads every cluster as the independent decoder says (EIO naming the cluster
 * where it cannot). Every wait has a timeout.
 *
 * <p>Two targets: {@link #anyBytes} takes the input as the image (its corpus holds the seed images, so the fuzzer
 * starts past the magic); {@link #editedSeed} lets the fuzzer choose a seed, byte edits anywhere in it, whether to
 * recompute the CRCs above them (which plain bit flips never get past) and where to cut the file. Replays
 * {@code Lz4ImageFuzzTestInputs/} in {@code ./build test}; fuzzes with {@code JAZZER_FUZZ=1} (README, Reliability).
 */
class Lz4ImageFuzzTest {
    static final int MAX_BYTES = 256 << 10;
    /** Clusters read through the driver per image: the first ones and the last. */
    static final int MAX_READS = 32;
    /** Above this many clusters the reference decoder is not run over the map (virtual size is the file's to claim). */
    static final long MAX_REFERENCE_CLUSTERS = 1 << 16;
    static final long TIMEOUT_SECONDS = 20;

    @TempDir
    static Path dir;
    static AioContext ctx;
    static List<Lz4MutationFuzzTest.Seed> seeds;

    @BeforeAll
    static void writeSeeds() throws Exception {
        ctx = AioContext.create();
        seeds = Lz4MutationFuzzTest.writeSeeds(dir, ctx);
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    @FuzzTest(maxDuration = "2m")
    void anyBytes(byte[] image) throws Exception {
        if (image.length <= MAX_BYTES) {
            verify(image);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void editedSeed(FuzzedDataProvider data) throws Exception {
        Lz4MutationFuzzTest.Seed seed = seeds.get(data.consumeInt(0, seeds.size() - 1));
        Lz4ImageMutator edits = new Lz4ImageMutator(seed.geometry(), new SplittableRandom(0));
        byte[] m = edits.bytes();
        for (int n = data.consumeInt(1, 4); n > 0; n--) {
            int at = data.consumeInt(0, m.length - 1);
            for (byte b : data.consumeBytes(8)) {
                if (at < m.length) {
                    m[at++] = b;
                }
            }
        }
        if (data.consumeBoolean()) {
            edits.resealPreamble();
            for (int c : seed.geometry().storedClusters()) {
                edits.resealCluster(c); // and the map block, directory and record above it
            }
            edits.resealDirectory();
        }
        int length = data.consumeBoolean() ? data.consumeInt(0, m.length) : m.length;
        verify(Arrays.copyOf(m, length));
    }

    /** Holds {@code bytes}, as an lz4 image, to the rules in the class comment. */
    static void verify(byte[] bytes) throws Exception {
        Lz4Images.CheckResult check = Lz4Images.check(Lz4Metadata.Source.of(bytes));
        Lz4Metadata meta = null;
        String loadError = null;
        try {
            meta = Lz4Metadata.load(Lz4Metadata.Source.of(bytes));
            meta.space();
        } catch (Lz4FormatException e) {
            loadError = e.getMessage();
        }
        byte[][] decoded = null;
        if (loadError != null) {
            Lz4MutationFuzzTest.expectRefusedAlike(check, loadError);
        } else if (meta.map.clusters() <= MAX_REFERENCE_CLUSTERS) {
            decoded = Lz4MutationFuzzTest.decodeAll(meta, bytes);
            Lz4MutationFuzzTest.expectCheckAsReference(check, meta, decoded, bytes.length);
        }
        openAndRead(bytes, meta, loadError, decoded);
    }

    /** The image through the lz4 driver, read-only: refused as the load refuses it, or read as the reference says. */
    private static void openAndRead(byte[] bytes, Lz4Metadata meta, String loadError, byte[][] decoded)
            throws Exception {
        Path file = Files.write(dir.resolve("fuzz.lz4"), bytes);
        BlockBackend backend = Lz4MutationFuzzTest.openAsTheLoadSays(ctx, file, meta, loadError);
        if (backend == null) {
            return; // refused, as the load refused it
        }
        try (Arena arena = Arena.ofShared(); backend) {
            if (decoded != null) {
                readClusters(backend, arena, meta, decoded);
            }
        }
    }

    private static void readClusters(BlockBackend backend, Arena arena, Lz4Metadata meta, byte[][] decoded)
            throws Exception {
        int size = meta.preamble.clusterSize();
        long vsize = meta.record.virtualSize();
        int clusters = decoded.length;
        List<Integer> which = new ArrayList<>();
        for (int c = 0; c < Math.min(clusters, MAX_READS); c++) {
            which.add(c);
        }
        if (clusters > MAX_READS) {
            which.add(clusters - 1);
        }
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        List<MemorySegment> bufs = new ArrayList<>();
        for (int c : which) {
            MemorySegment buf = arena.allocate(Math.min(size, vsize - (long) c * size), 4096);
            bufs.add(buf);
            reads.add(backend.read((long) c * size, buf));
        }
        for (int k = 0; k < which.size(); k++) {
            int c = which.get(k);
            byte[] want = meta.map.isZero(c) ? new byte[size] : decoded[c];
            try {
                reads.get(k).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                expect(want != null, "cluster " + c + " read as good, but its stored bytes do not decode");
                byte[] got = bufs.get(k).toArray(ValueLayout.JAVA_BYTE);
                expect(Arrays.equals(got, 0, got.length, want, 0, got.length), "cluster " + c + " read wrong data");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                expect(want == null, "cluster " + c + " decodes but its read failed: " + cause);
                expect(cause instanceof ErrnoException ee && ee.errno() == Errno.EIO
                        && cause.getMessage().contains("cluster " + c + " "), "the read of cluster " + c
                        + " failed with " + cause);
            } catch (TimeoutException e) {
                throw new AssertionError("the read of cluster " + c + " hangs");
            }
        }
    }
}
