package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockStatus;
import org.aioemu.engine.AioContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu compare A B}: whether two images read the same, as {@code qemu-img compare}, with its exit codes
 * (0 identical, 1 different, 2 error) and lines. Images of different sizes are the same when the larger one's extra
 * part reads as zeroes, unless {@code -s}, which also tells data from holes. Both are read through the engine, eight
 * 1 MiB chunks of each in flight.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare two images' contents (raw or lz4, in any pairing), as qemu-img compare.",
                "Exit: 0 identical, 1 different, 2 error.",
                "Example: aioemu compare disk.raw disk.lz4"})
final class CompareCommand implements Callable<Integer> {
    static final int EXIT_SAME = 0;
    static final int EXIT_DIFFERENT = 1;
    static final int EXIT_ERROR = 2;
    private static final int CHUNK = 1 << 20;
    private static final int DEPTH = 8;
    /** qemu reports a difference by the sector it lies in. */
    private static final long SECTOR = 512;

    @Option(names = "-f", paramLabel = "FMT", description = "The first image's format, raw or lz4. Default: probed.")
    String format1;

    @Option(names = "-F", paramLabel = "FMT", description = "The second image's format, raw or lz4. Default: probed.")
    String format2;

    @Option(names = "-s", description = "Strict: images of different sizes differ, whatever the larger one holds past the other's end,"
            + " and so do data and a hole, even data of zeroes.")
    boolean strict;

    @Option(names = "-q", description = "Quiet: print nothing, only the exit code tells.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "A", description = "The first image.")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "The second image.")
    Path second;

    @Override
    public Integer call() {
        try {
            return compare();
        } catch (Main.UserError | IOException | IllegalArgumentException e) {
            // qemu-img compare's 2, not the CLI's usual 1: scripts read 1 as "different".
            System.err.println("aioemu: " + e.getMessage());
            return EXIT_ERROR;
        }
    }

    private int compare() throws IOException {
        String fmt1 = Images.formatOf(first, format1);
        String fmt2 = Images.formatOf(second, format2);
        try (Arena arena = Arena.ofShared();
             AioContext ctx = AioContext.create();
             BlockBackend a = Images.open(ctx, first, fmt1, true);
             BlockBackend b = Images.open(ctx, second, fmt2, true)) {
            long sizeA = ImageSizes.sectorAligned(a.size());
            long sizeB = ImageSizes.sectorAligned(b.size());
            if (sizeA != sizeB) {
                if (strict) {
                    say("Strict mode: Image size mismatch!");
                    return EXIT_DIFFERENT;
                }
                say("Warning: Image size mismatch!");
            }
            long common = Math.min(sizeA, sizeB);
            // Strict mode compares allocation too, as qemu-img does: data in one image where the other has a hole is
            // a difference even if the data is zeroes. Whichever difference comes first is the one reported.
            long statusMismatch = strict ? firstStatusDifference(a, b, Math.min(a.size(), b.size())) : -1;
            long mismatch = firstDifference(a, b, arena, statusMismatch >= 0 ? statusMismatch : common);
            if (mismatch < 0 && statusMismatch >= 0) {
                say("Strict mode: Offset " + statusMismatch + " block status mismatch!");
                return EXIT_DIFFERENT;
            }
            if (mismatch < 0) {
                BlockBackend larger = sizeA > sizeB ? a : b;
                mismatch = firstNonZero(larger, arena, common, Math.max(sizeA, sizeB));
            }
            if (mismatch >= 0) {
                say("Content mismatch at offset " + mismatch / SECTOR * SECTOR + "!");
                return EXIT_DIFFERENT;
            }
            say("Images are identical.");
            return EXIT_SAME;
        }
    }

    /** The first offset below {@code end} where {@code a} and {@code b} differ, or -1. */
    private static long firstDifference(BlockBackend a, BlockBackend b, Arena arena, long end) throws IOException {
        try (OrderedReads ra = new OrderedReads(a, arena, 0, end, CHUNK, DEPTH);
             OrderedReads rb = new OrderedReads(b, arena, 0, end, CHUNK, DEPTH)) {
            for (OrderedReads.Chunk ca = ra.next(), cb = rb.next(); ca != null; ca = ra.next(), cb = rb.next()) {
                long at = ca.data().mismatch(cb.data());
                if (at >= 0) {
                    return ca.offset() + at;
                }
            }
        }
        return -1;
    }

    /** The first offset below {@code end} where one image has data and the other a hole, or -1. */
    private static long firstStatusDifference(BlockBackend a, BlockBackend b, long end) throws IOException {
        long at = 0;
        while (at < end) {
            BlockStatus sa = Futures.await(a.blockStatus(at, end - at));
            BlockStatus sb = Futures.await(b.blockStatus(at, end - at));
            if (sa.allocated() != sb.allocated()) {
                return at;
            }
            at += Math.min(sa.length(), sb.length());
        }
        return -1;
    }

    /** The first offset in [start, end) of {@code image} that does not read as zero, or -1. */
    private static long firstNonZero(BlockBackend image, Arena arena, long start, long end) throws IOException {
        if (start >= end) {
            return -1;
        }
        MemorySegment zeroes = arena.allocate(CHUNK); // allocated zeroed
        try (OrderedReads r = new OrderedReads(image, arena, start, end, CHUNK, DEPTH)) {
            for (OrderedReads.Chunk c = r.next(); c != null; c = r.next()) {
                long at = c.data().mismatch(zeroes.asSlice(0, c.data().byteSize()));
                if (at >= 0) {
                    return c.offset() + at;
                }
            }
        }
        return -1;
    }

    private void say(String line) {
        if (!quiet) {
            System.out.println(line);
        }
    }
}
