package org.aioemu.bench;

import static org.aioemu.bench.ImageFixtures.dataImage;
import static org.aioemu.bench.ImageFixtures.qemuImg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image commands on raw images: create, info, check, compare and convert round trips on data with random and zero
 * regions, their output and exit codes against qemu-img's on the same files where qemu-img is installed, and bad input
 * as one line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageCommandsTest {
    private static final long MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static void assumeQemuImg() {
        assumeTrue(Tools.installed("qemu-img"), "qemu-img (qemu-utils) is not installed");
    }

    /** A user's mistake: exit 1 and one line "aioemu: ..." containing {@code expected}, no stack trace. */
    private static void assertOneLineError(Cli.Run r, String expected) {
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("aioemu: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    // --- sizes ---------------------------------------------------------------------------------------------

    @Test
    void sizesParseAsQemuImgCreateReadsThem() {
        assertEquals(1024, ImageSizes.parse("1k"));
        assertEquals(1024, ImageSizes.parse("1K"));
        assertEquals(1, ImageSizes.parse("1b"));
        assertEquals(1572864, ImageSizes.parse("1.5M"));
        assertEquals(1126, ImageSizes.parse("1.1k"), "a fraction of a unit rounds to the nearest byte");
        assertEquals(1L << 30, ImageSizes.parse("1G"));
        assertEquals(1L << 40, ImageSizes.parse("1T"));
        assertEquals(16, ImageSizes.parse("0x10"));
        assertEquals(123456789, ImageSizes.parse("123456789"));
        for (String bad : new String[] {"12X", "1.5", "1e3", ".5k", "1kb", "", "-1", "8E"}) {
            assertThrows(Main.UserError.class, () -> ImageSizes.parse(bad), bad);
        }
    }

    @Test
    void sizesPrintAsQemuImgInfoPrintsThem() {
        assertEquals("0 B", ImageSizes.human(0));
        assertEquals("512 B", ImageSizes.human(512));
        assertEquals("0.977 KiB", ImageSizes.human(1000));
        assertEquals("1.5 KiB", ImageSizes.human(1536));
        assertEquals("196 KiB", ImageSizes.human(200704));
        assertEquals("1e+03 KiB", ImageSizes.human(1023488));
        assertEquals("1 GiB", ImageSizes.human(1L << 30));
        assertEquals("8 EiB", ImageSizes.human(Long.MAX_VALUE));
    }

    // --- create --------------------------------------------------------------------------------------------

    @Test
    void createMakesASparseRawFileAndOverwritesOne() throws Exception {
        Path image = dir.resolve("c.raw");
        Files.write(image, new byte[] {1, 2, 3, 4});
        Cli.Run r = Cli.aioemu("create", "-f", "raw", image.toString(), "1.5G");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Formatting '" + image + "', fmt=raw size=1610612736\n", r.out());
        assertEquals(1610612736L, Files.size(image));
        assertTrue(Images.allocatedBytes(image) <= 4096, "sparse: " + Images.allocatedBytes(image));
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(image)) {
            assertEquals(4, in.read(head));
        }
        assertArrayEquals(new byte[4], head, "the old data does not show through");
    }

    @Test
    void createsLineMatchesQemuImgs() throws Exception {
        assumeQemuImg();
        for (String size : new String[] {"1G", "1.5k", "1000", "0x10"}) {
            Cli.Run ours = Cli.aioemu("create", "-f", "raw", path("ours"), size);
            ImageFixtures.Run theirs = qemuImg("create", "-f", "raw", path("ours"), size);
            assertEquals(theirs.exit(), ours.exit(), size);
            assertEquals(theirs.out(), ours.out(), size);
        }
    }

    @Test
    void createRefusesBadInputInOneLine() {
        assertOneLineError(Cli.aioemu("create", "-f", "raw", path("x"), "12X"), "Invalid image size specified");
        assertOneLineError(Cli.aioemu("create", "-f", "vmdk", path("x"), "1M"), "Unknown file format 'vmdk'");
        assertOneLineError(Cli.aioemu("create", "-f", "raw", path("x"), "1M", "-o", "cluster_size=64k"), "Invalid parameter 'cluster_size'");
        assertOneLineError(Cli.aioemu("create", "-f", "raw", dir.toString(), "1M"), "Is a directory");
        assertOneLineError(Cli.aioemu("create", "-f", "raw", path("missing/x"), "1M"), "Could not create");
        assertFalse(Files.exists(dir.resolve("x")), "nothing is created for a refused command");
    }

    // --- info ----------------------------------------------------------------------------------------------

    @Test
    void infoShowsARawImageInQemuImgsLinesAndJson() throws Exception {
        Path image = dataImage(dir.resolve("i.raw"), 8 * MIB, 1);
        Cli.Run human = Cli.aioemu("info", image.toString());
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().startsWith("image: " + image + "\nfile format: raw\nvirtual size: 8 MiB (8388608 bytes)\ndisk size: "),
                human.out());
        Cli.Run json = Cli.aioemu("info", "--output=json", image.toString());
        assertEquals(0, json.exit(), json.err());
        JsonNode root = JSON.readTree(json.out());
        assertEquals(8 * MIB, root.get("virtual-size").asLong());
        assertEquals("raw", root.get("format").asText());
        assertEquals(image.toString(), root.get("filename").asText());
        assertFalse(root.get("dirty-flag").asBoolean());
        long actual = root.get("actual-size").asLong();
        assertTrue(actual >= 3 * MIB && actual < 8 * MIB, "only the data is allocated: " + actual);
    }

    @Test
    void infoJsonAgreesWithQemuImgOnVirtualSizeAndFormat() throws Exception {
        assumeQemuImg();
        // Unaligned sizes too: qemu sees a raw file in whole sectors, and so must we.
        for (long size : new long[] {8 * MIB, 8 * MIB + 1000, 100}) {
            Path image = dir.resolve("q" + size + ".raw");
            if (size < MIB) {
                Files.write(image, new byte[(int) size]);
            } else {
                dataImage(image, size, size);
            }
            JsonNode ours = JSON.readTree(Cli.aioemu("info", "--output=json", image.toString()).out());
            ImageFixtures.Run qemu = qemuImg("info", "--output=json", image.toString());
            assertEquals(0, qemu.exit(), qemu.out());
            JsonNode theirs = JSON.readTree(qemu.out());
            assertEquals(theirs.get("virtual-size"), ours.get("virtual-size"), "size " + size);
            assertEquals(theirs.get("format"), ours.get("format"));
            assertEquals(theirs.get("filename"), ours.get("filename"));
            assertEquals(theirs.get("dirty-flag"), ours.get("dirty-flag"));
        }
    }

    @Test
    void infoRefusesBadInputInOneLine() throws Exception {
        assertOneLineError(Cli.aioemu("info", path("nope.raw")), "Could not open '" + path("nope.raw") + "': No such file or directory");
        assertOneLineError(Cli.aioemu("info", dir.toString()), "is a directory");
        Path image = dataImage(dir.resolve("i.raw"), 2 * MIB, 2);
        assertOneLineError(Cli.aioemu("info", "-f", "qcow2", image.toString()), "Unknown file format 'qcow2'");
        assertOneLineError(Cli.aioemu("info", "--output=xml", image.toString()), "--output must be used with human or json");
        assertOneLineError(Cli.aioemu("info", "-f", "lz4", image.toString()), "Could not open");
    }

    @Test
    void infoRefusesAnUnreadableFile() throws Exception {
        Path image = dataImage(dir.resolve("u.raw"), 2 * MIB, 3);
        Files.setPosixFilePermissions(image, java.util.Set.of());
        assumeTrue(!Files.isReadable(image), "running as root: every file is readable");
        assertOneLineError(Cli.aioemu("info", image.toString()), "Permission denied");
    }

    // --- check ---------------------------------------------------------------------------------------------

    @Test
    void checkOfARawImageIs63AsQemuImgs() throws Exception {
        Path image = dataImage(dir.resolve("k.raw"), 2 * MIB, 4);
        Cli.Run r = Cli.aioemu("check", image.toString());
        assertEquals(CheckCommand.EXIT_UNSUPPORTED, r.exit());
        assertEquals("aioemu: This image format does not support checks\n", r.err());
        assertOneLineError(Cli.aioemu("check", path("nope")), "No such file");
        assertOneLineError(Cli.aioemu("check", "-r", "some", image.toString()), "expecting 'leaks' or 'all'");
        if (Tools.installed("qemu-img")) {
            assertEquals(qemuImg("check", image.toString()).exit(), r.exit());
        }
    }

    // --- compare -------------------------------------------------------------------------------------------

    @Test
    void compareFindsTheFirstDifferenceBySector() throws Exception {
        Path a = dataImage(dir.resolve("a.raw"), 8 * MIB, 5);
        Path b = dir.resolve("b.raw");
        Files.copy(a, b);
        Cli.Run same = Cli.aioemu("compare", a.toString(), b.toString());
        assertEquals(CompareCommand.EXIT_SAME, same.exit(), same.err());
        assertEquals("Images are identical.\n", same.out());

        ImageFixtures.flipByte(b, 3 * MIB + 5000); // in the second of eight chunks in flight
        ImageFixtures.flipByte(b, 7 * MIB + 9);
        Cli.Run diff = Cli.aioemu("compare", a.toString(), b.toString());
        assertEquals(CompareCommand.EXIT_DIFFERENT, diff.exit(), diff.err());
        assertEquals("Content mismatch at offset " + (3 * MIB + 4608) + "!\n", diff.out());
    }

    @Test
    void compareTakesALargerImagesZeroTailAsEqualUnlessStrict() throws Exception {
        Path a = dataImage(dir.resolve("a.raw"), 4 * MIB, 6);
        Path b = dir.resolve("b.raw");
        Files.copy(a, b);
        try (var ch = java.nio.channels.FileChannel.open(b, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(4 * MIB);
            ch.write(java.nio.ByteBuffer.allocate(1), 10 * MIB - 1); // a zero tail, partly a hole
        }
        Cli.Run lenient = Cli.aioemu("compare", a.toString(), b.toString());
        assertEquals(0, lenient.exit(), lenient.err());
        assertEquals("Warning: Image size mismatch!\nImages are identical.\n", lenient.out());
        Cli.Run strict = Cli.aioemu("compare", "-s", a.toString(), b.toString());
        assertEquals(1, strict.exit(), strict.err());
        assertEquals("Strict mode: Image size mismatch!\n", strict.out());

        ImageFixtures.flipByte(b, 9 * MIB + 513);
        Cli.Run tail = Cli.aioemu("compare", b.toString(), a.toString());
        assertEquals(1, tail.exit(), tail.err());
        assertEquals("Warning: Image size mismatch!\nContent mismatch at offset " + (9 * MIB + 512) + "!\n", tail.out());
    }

    @Test
    void strictCompareTellsWrittenZeroesFromAHole() throws Exception {
        Path hole = dir.resolve("hole.raw");
        Path zeroes = dir.resolve("zeroes.raw");
        try (var ch = java.nio.channels.FileChannel.open(hole, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.allocate(1), 2 * MIB - 1);
        }
        Files.write(zeroes, new byte[(int) (2 * MIB)]);
        assertEquals("Images are identical.\n", Cli.aioemu("compare", hole.toString(), zeroes.toString()).out());
        Cli.Run strict = Cli.aioemu("compare", "-s", hole.toString(), zeroes.toString());
        assertEquals(1, strict.exit(), strict.err());
        assertEquals("Strict mode: Offset 0 block status mismatch!\n", strict.out());
    }

    @Test
    void compareAgreesWithQemuImgOnVerdictsAndOffsets() throws Exception {
        assumeQemuImg();
        Path a = dataImage(dir.resolve("a.raw"), 8 * MIB + 1000, 7);
        Path[] others = new Path[4];
        for (int i = 0; i < others.length; i++) {
            others[i] = dir.resolve("o" + i + ".raw");
            Files.copy(a, others[i]);
        }
        ImageFixtures.flipByte(others[1], 5000);
        ImageFixtures.flipByte(others[2], 8 * MIB + 999); // in the last, partial sector
        try (var ch = java.nio.channels.FileChannel.open(others[3], java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 7}), 9 * MIB); // longer, not zero past a's end
        }
        for (Path other : others) {
            for (String[] args : new String[][] {{a.toString(), other.toString()}, {"-s", other.toString(), a.toString()}}) {
                Cli.Run ours = Cli.aioemu(concat("compare", args));
                ImageFixtures.Run theirs = qemuImg(concat("compare", args));
                assertEquals(theirs.exit(), ours.exit(), String.join(" ", args) + ": " + theirs.out());
                assertEquals(theirs.out(), ours.out(), String.join(" ", args));
            }
        }
    }

    @Test
    void compareErrorsAreExit2() throws Exception {
        Path a = dataImage(dir.resolve("a.raw"), MIB, 8);
        Cli.Run missing = Cli.aioemu("compare", a.toString(), path("nope"));
        assertEquals(CompareCommand.EXIT_ERROR, missing.exit());
        assertEquals("aioemu: Could not open '" + path("nope") + "': No such file or directory\n", missing.err());
        assertEquals(2, Cli.aioemu("compare", "-F", "vmdk", a.toString(), a.toString()).exit());
        assertEquals(2, Cli.aioemu("compare", a.toString(), dir.toString()).exit());
    }

    // --- convert -------------------------------------------------------------------------------------------

    @Test
    void convertCopiesRawToRawExactlyWithAnyOrderDepthAndPool() throws Exception {
        Path src = dataImage(dir.resolve("s.raw"), 9 * MIB, 9);
        String[][] variants = {{}, {"-W"}, {"-m", "1"}, {"-m", "16", "--threads=1", "--pool=rings"}, {"-W", "-m", "3", "--threads=2"}};
        for (String[] variant : variants) {
            Path dst = dir.resolve("d.raw");
            Files.write(dst, new byte[] {9, 9, 9}); // overwritten, as qemu-img overwrites
            String[] args = concat("convert", variant);
            Cli.Run r = Cli.aioemu(concat(args, "-O", "raw", src.toString(), dst.toString()));
            assertEquals(0, r.exit(), String.join(" ", variant) + ": " + r.err());
            assertTrue(r.out().startsWith("Converted " + 9 * MIB + " bytes"), r.out());
            assertEquals(-1, java.util.Arrays.mismatch(Files.readAllBytes(src), Files.readAllBytes(dst)), String.join(" ", variant));
            assertTrue(Images.allocatedBytes(dst) < 7 * MIB, "zero chunks are left as holes: " + Images.allocatedBytes(dst));
        }
    }

    @Test
    void convertPadsAnUnalignedSourceToWholeSectorsAsQemuImg() throws Exception {
        Path src = dataImage(dir.resolve("s.raw"), 3 * MIB + 4196 + 1000, 10);
        Path dst = dir.resolve("d.raw");
        Cli.Run r = Cli.aioemu("convert", "-q", "-O", "raw", src.toString(), dst.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out(), "-q prints nothing");
        assertEquals(ImageSizes.sectorAligned(Files.size(src)), Files.size(dst));
        assertTrue(ImageFixtures.sameDataPadded(src, dst));
    }

    @Test
    void convertOutputIsByteIdenticalToQemuImgs() throws Exception {
        assumeQemuImg();
        for (long size : new long[] {9 * MIB, 6 * MIB + 1000}) {
            Path src = dataImage(dir.resolve("s.raw"), size, size);
            Path ours = dir.resolve("ours.raw");
            Path theirs = dir.resolve("theirs.raw");
            assertEquals(0, Cli.aioemu("convert", "-O", "raw", src.toString(), ours.toString()).exit());
            ImageFixtures.Run q = qemuImg("convert", "-f", "raw", "-O", "raw", src.toString(), theirs.toString());
            assertEquals(0, q.exit(), q.out());
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), "size " + size);
        }
    }

    @Test
    void convertShowsQemuImgsProgressLine() throws Exception {
        Path src = dataImage(dir.resolve("s.raw"), 4 * MIB, 11);
        Cli.Run r = Cli.aioemu("convert", "-p", "-O", "raw", src.toString(), path("d.raw"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("    (0.00/100%)\r"), r.out());
        assertTrue(r.out().contains("    (100.00/100%)\r\nConverted "), r.out());
    }

    @Test
    void convertRefusesBadInputInOneLine() throws Exception {
        Path src = dataImage(dir.resolve("s.raw"), 2 * MIB, 12);
        byte[] before = Files.readAllBytes(src);
        assertOneLineError(Cli.aioemu("convert", "-O", "raw", src.toString(), src.toString()), "is the source image");
        Path link = dir.resolve("link.raw");
        Files.createSymbolicLink(link, src);
        assertOneLineError(Cli.aioemu("convert", "-O", "raw", src.toString(), link.toString()), "is the source image");
        assertArrayEquals(before, Files.readAllBytes(src), "the source is untouched");
        assertOneLineError(Cli.aioemu("convert", "-O", "qcow2", src.toString(), path("d")), "Unknown file format 'qcow2'");
        assertOneLineError(Cli.aioemu("convert", "-m", "0", src.toString(), path("d")), "between 1 and 16");
        assertOneLineError(Cli.aioemu("convert", "--pool=lanes", src.toString(), path("d")), "--pool=lanes");
        assertOneLineError(Cli.aioemu("convert", "--threads=0", src.toString(), path("d")), "--threads=0");
        assertOneLineError(Cli.aioemu("convert", path("nope"), path("d")), "Could not open");
        assertOneLineError(Cli.aioemu("convert", "-O", "raw", "-o", "cluster_size=4k", src.toString(), path("d")),
                "Invalid parameter 'cluster_size'");
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
