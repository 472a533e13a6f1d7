package org.aioemu.bench;

import static org.aioemu.bench.Lz4ExportTest.assertSameBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file system through lz4 images: an ext4 image made by mke2fs from a directory of text, random and zero
 * files goes raw → lz4 → raw (and into an lz4 export over NBD) and comes back byte for byte, with e2fsck finding it
 * clean and debugfs reading the files out. The checks are e2fsprogs', which know nothing of aioemu, so a mistake that
 * aioemu's own reads and writes would agree on still shows.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Ext4ImageTest {
    private static final long SIZE = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path tree;
    private Path raw;

    @BeforeEach
    void makeFileSystem() throws Exception {
        assumeTrue(Tools.installed("mkfs.ext4", "-V"), "mkfs.ext4 (e2fsprogs) is not installed");
        assumeTrue(Tools.installed("e2fsck", "-V"), "e2fsck (e2fsprogs) is not installed");
        tree = files(dir.resolve("tree"));
        raw = dir.resolve("fs.raw");
        Cli.Run created = Cli.aioemu("create", "-q", "-f", "raw", raw.toString(), "64M");
        assertEquals(0, created.exit(), created.err());
        // -F: mke2fs asks before formatting a regular file on some versions; -d copies the tree in.
        Tools.Result mkfs = Tools.run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), raw.toString());
        assertEquals(0, mkfs.exit(), "mkfs.ext4: " + mkfs);
    }

    /**
     * Files whose clusters the lz4 driver treats each its own way: text (compresses), random (stored raw), zeroes
     * (not stored at all), and small files that share clusters with metadata.
     */
    private static Path files(Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Random random = new Random(64);
        byte[] noise = new byte[3 << 20];
        random.nextBytes(noise);
        Files.write(root.resolve("random.bin"), noise);
        Files.write(root.resolve("zeroes.bin"), new byte[1 << 20]);
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < (2 << 20); i++) {
            text.append("line ").append(i).append(": pack my box with five dozen liquor jugs\n");
        }
        Files.writeString(root.resolve("docs/text.txt"), text, StandardCharsets.US_ASCII);
        Files.writeString(root.resolve("docs/small.txt"), "a file smaller than a block\n", StandardCharsets.US_ASCII);
        return root;
    }

    private Path convert(Path from, String format, String name) {
        Path to = dir.resolve(name);
        Cli.Run r = Cli.aioemu("convert", "-q", "-O", format, from.toString(), to.toString());
        assertEquals(0, r.exit(), "convert -O " + format + ": " + r.err());
        return to;
    }

    /** e2fsck -f (even if marked clean) -n (change nothing): exit 0 means no errors at all. */
    private static void assertFsckClean(Path image) throws Exception {
        Tools.Result fsck = Tools.run("e2fsck", "-fn", image.toString());
        assertEquals(0, fsck.exit(), "e2fsck -fn " + image + ": " + fsck);
    }

    @Test
    void rawToLz4AndBackKeepsEveryByteAndACleanFileSystem() throws Exception {
        Path lz4 = convert(raw, "lz4", "fs.lz4");
        assertTrue(Files.size(lz4) < Files.size(tree.resolve("random.bin")) + (4 << 20), "mostly empty, so small: " + Files.size(lz4));
        Path back = convert(lz4, "raw", "back.raw");
        assertSameBytes(raw, back);
        assertFsckClean(back);
        Cli.Run same = Cli.aioemu("compare", raw.toString(), lz4.toString());
        assertEquals(0, same.exit(), same.out() + same.err());
        assertEquals("Images are identical.\n", same.out());
    }

    @Test
    void debugfsReadsTheFilesBackOutOfTheRoundTrip() throws Exception {
        assumeTrue(Tools.installed("debugfs", "-V"), "debugfs (e2fsprogs) is not installed");
        Path back = convert(convert(raw, "lz4", "fs.lz4"), "raw", "back.raw");
        for (String file : new String[] {"random.bin", "zeroes.bin", "docs/text.txt", "docs/small.txt"}) {
            Path out = dir.resolve("dumped");
            Files.deleteIfExists(out);
            // dump writes the file's bytes as they are; cat's would go through a text pipe.
            Tools.Result r = Tools.run("debugfs", "-R", "dump /" + file + " " + out, back.toString());
            assertEquals(0, r.exit(), "debugfs dump " + file + ": " + r);
            assertSameBytes(tree.resolve(file), out);
        }
    }

    @Test
    void infoAgreesWithQemuImgOnTheVirtualSize() throws Exception {
        assumeTrue(Tools.installed("qemu-img"), "qemu-img (qemu-utils) is not installed");
        Cli.Run ours = Cli.aioemu("info", "--output=json", raw.toString());
        assertEquals(0, ours.exit(), ours.err());
        Tools.Result theirs = Tools.run("qemu-img", "info", "--output=json", raw.toString());
        assertEquals(0, theirs.exit(), "qemu-img info: " + theirs);
        long qemuSize = JSON.readTree(theirs.out()).get("virtual-size").asLong();
        assertEquals(SIZE, qemuSize, theirs.out());
        assertEquals(qemuSize, JSON.readTree(ours.out()).get("virtual-size").asLong(), ours.out());
        Path lz4 = convert(raw, "lz4", "fs.lz4");
        Cli.Run lz4Info = Cli.aioemu("info", "--output=json", lz4.toString());
        assertEquals(SIZE, JSON.readTree(lz4Info.out()).get("virtual-size").asLong(), lz4Info.out());
    }

    @Test
    void aFileSystemCopiedIntoAnLz4ExportChecksClean() throws Exception {
        assumeTrue(Tools.installed("nbdcopy"), "nbdcopy (libnbd-bin) is not installed");
        Path lz4 = dir.resolve("export.lz4");
        Cli.Run created = Cli.aioemu("create", "-q", "-f", "lz4", lz4.toString(), "64M");
        assertEquals(0, created.exit(), created.err());
        try (ServedImage served = ServedImage.start(lz4.toString())) {
            Tools.Result copy = Tools.run("nbdcopy", raw.toString(), served.uri());
            assertEquals(0, copy.exit(), "nbdcopy into " + served.announcement() + ": " + copy);
            Tools.Result stopped = served.stop();
            assertEquals(0, stopped.exit(), "serve: " + stopped);
        }
        Cli.Run check = Cli.aioemu("check", lz4.toString());
        assertEquals(CheckCommand.EXIT_CLEAN, check.exit(), check.out() + check.err());
        Path back = convert(lz4, "raw", "back.raw");
        assertSameBytes(raw, back);
        assertFsckClean(back);
    }
}
