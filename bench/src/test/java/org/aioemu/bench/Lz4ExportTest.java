package org.aioemu.bench;

import static org.aioemu.bench.ImageFixtures.dataImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aioemu serve} of lz4 images, seen by NBD clients that know nothing of lz4: nbdcopy and qemu-img read the disk
 * the image holds (its format probed, or forced with {@code -f}), and what they write into an empty lz4 export is
 * committed by the stop, so that {@code check} is clean and {@code convert -O raw} gives their source back.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Lz4ExportTest {
    private static final long MIB = 1 << 20;
    /** Random, text and zero stretches (written and holes): every kind of cluster the lz4 driver stores or skips. */
    private static final long SIZE = 12 * MIB;

    @TempDir
    Path dir;

    private static void assumeInstalled(String tool, String pkg) {
        assumeTrue(Tools.installed(tool), tool + " (" + pkg + ") is not installed");
    }

    private static void assertOk(Tools.Result r, String what) {
        assertEquals(0, r.exit(), what + ": " + r);
    }

    /** Fails naming the first differing byte: a 12 MiB array diff says nothing useful. */
    static void assertSameBytes(Path expected, Path actual) throws IOException {
        long at = Files.mismatch(expected, actual);
        assertEquals(-1L, at, actual + " differs from " + expected + " at byte " + at + " (sizes " + Files.size(expected)
                + ", " + Files.size(actual) + ")");
    }

    private Path source() throws IOException {
        return dataImage(dir.resolve("src.raw"), SIZE, 17);
    }

    /** {@code aioemu convert -O lz4 raw}: the image to serve, made as a user would make it. */
    private Path lz4Of(Path raw) {
        Path lz4 = dir.resolve(raw.getFileName() + ".lz4");
        Cli.Run r = Cli.aioemu("convert", "-q", "-O", "lz4", raw.toString(), lz4.toString());
        assertEquals(0, r.exit(), r.err());
        return lz4;
    }

    /** Serves {@code image} with {@code options}, copies the export to a file with {@code client} and stops. */
    private Path readThroughNbd(Path image, String client, String... options) throws Exception {
        Path copy = dir.resolve(client + "-copy.raw");
        Files.deleteIfExists(copy);
        try (ServedImage served = ServedImage.start(ImageCommandsTest.concat(options, image.toString()))) {
            Tools.Result r = client.equals("nbdcopy")
                    ? Tools.run("nbdcopy", served.uri(), copy.toString())
                    : Tools.run("qemu-img", "convert", "-f", "raw", "-O", "raw", served.uri(), copy.toString());
            assertOk(r, client + " from " + served.announcement());
            assertOk(served.stop(), "serve");
        }
        return copy;
    }

    @Test
    void nbdcopyReadsTheDiskOfAProbedLz4Image() throws Exception {
        assumeInstalled("nbdcopy", "libnbd-bin");
        Path raw = source();
        assertSameBytes(raw, readThroughNbd(lz4Of(raw), "nbdcopy"));
    }

    @Test
    void qemuImgReadsTheDiskOfAProbedLz4Image() throws Exception {
        assumeInstalled("qemu-img", "qemu-utils");
        Path raw = source();
        assertSameBytes(raw, readThroughNbd(lz4Of(raw), "qemu-img", "--readonly"));
    }

    @Test
    void theAnnouncementNamesTheProbedFormat() throws Exception {
        Path raw = source();
        Path lz4 = lz4Of(raw);
        for (Path image : new Path[] {raw, lz4}) {
            try (ServedImage served = ServedImage.start(image.toString())) {
                String format = image == lz4 ? "lz4" : "raw";
                assertTrue(served.announcement().contains("(" + format + ", " + SIZE + " bytes)"), served.announcement());
                assertOk(served.stop(), "serve");
            }
        }
    }

    @Test
    void formatRawExportsTheCompressedFileItself() throws Exception {
        assumeInstalled("nbdcopy", "libnbd-bin");
        Path lz4 = lz4Of(source());
        Path copy = readThroughNbd(lz4, "nbdcopy", "-f", "raw", "--readonly");
        // The raw export is the file rounded up to whole sectors, as qemu sizes a raw image.
        assertTrue(ImageFixtures.sameDataPadded(lz4, copy), "-f raw serves the lz4 file's own bytes");
        assertTrue(Files.size(copy) < SIZE, "compressed: " + Files.size(copy));
    }

    @Test
    void formatLz4OfARawImageIsOneLineAndExitOne() throws Exception {
        Path raw = source();
        Tools.Result r = serveFails("-f", "lz4", raw.toString());
        assertTrue(r.out().contains(raw.toString()), r.toString());
    }

    @Test
    void formatWithImageOptsIsRefused() throws Exception {
        Path raw = source();
        Tools.Result r = serveFails("-f", "raw", "--image-opts", "driver=raw,filename=" + raw);
        assertTrue(r.out().contains("mutually exclusive"), r.toString());
        Tools.Result unknown = serveFails("--format=qcow2", raw.toString());
        assertTrue(unknown.out().contains("qcow2"), unknown.toString());
    }

    /** Runs serve expecting qemu-nbd's kind of refusal: one line on stderr and exit 1, before anything listens. */
    private static Tools.Result serveFails(String... args) throws Exception {
        Cli.Run r = Cli.aioemu(ImageCommandsTest.concat(ImageCommandsTest.concat("serve", args), "--port=0"));
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return new Tools.Result(r.exit(), r.err());
    }

    @Test
    void nbdcopyWritesIntoAnEmptyLz4Export() throws Exception {
        assumeInstalled("nbdcopy", "libnbd-bin");
        writeThroughNbdAndReadBack("nbdcopy");
    }

    @Test
    void qemuImgWritesIntoAnEmptyLz4Export() throws Exception {
        assumeInstalled("qemu-img", "qemu-utils");
        writeThroughNbdAndReadBack("qemu-img");
    }

    /**
     * Copies the source into a new, empty lz4 image served over NBD, stops the server (its final flush is the commit
     * the image must hold), and reads the image back without NBD.
     */
    private void writeThroughNbdAndReadBack(String client) throws Exception {
        Path raw = source();
        Path lz4 = dir.resolve("empty.lz4");
        Cli.Run created = Cli.aioemu("create", "-q", "-f", "lz4", lz4.toString(), Long.toString(SIZE));
        assertEquals(0, created.exit(), created.err());
        try (ServedImage served = ServedImage.start(lz4.toString())) {
            // -n: write into the export as it is; qemu-img cannot create an image over NBD.
            Tools.Result r = client.equals("nbdcopy")
                    ? Tools.run("nbdcopy", raw.toString(), served.uri())
                    : Tools.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", raw.toString(), served.uri());
            assertOk(r, client + " into " + served.announcement());
            Tools.Result stopped = served.stop();
            assertOk(stopped, "serve");
            assertTrue(stopped.out().contains("aioemu: stopped"), stopped.toString());
        }
        Cli.Run check = Cli.aioemu("check", lz4.toString());
        assertEquals(CheckCommand.EXIT_CLEAN, check.exit(), check.out() + check.err());
        Lz4Images.Info info = Lz4Images.info(lz4);
        assertEquals(SIZE, info.virtualSize(), info.toString());
        assertTrue(info.zeroClusters() > 0, "the source's zeroes are not stored: " + info);
        Path back = dir.resolve("back.raw");
        Cli.Run convert = Cli.aioemu("convert", "-q", "-O", "raw", lz4.toString(), back.toString());
        assertEquals(0, convert.exit(), convert.err());
        assertSameBytes(raw, back);
    }
}
