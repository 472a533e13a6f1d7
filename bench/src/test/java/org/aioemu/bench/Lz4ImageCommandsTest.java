package org.aioemu.bench;

import static org.aioemu.bench.ImageFixtures.dataImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image commands on lz4 images, read and written through the lz4 block driver: create and info, check's exit
 * codes for a clean, a leaking and a corrupt image, and raw → lz4 → raw conversions that give the original back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Lz4ImageCommandsTest {
    private static final long MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path lz4Copy(Path raw, String... options) {
        Path lz4 = dir.resolve(raw.getFileName() + ".lz4");
        String[] args = ImageCommandsTest.concat(ImageCommandsTest.concat("convert", options), "-O", "lz4", raw.toString(), lz4.toString());
        Cli.Run r = Cli.aioemu(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("lz4 compression ratio"), r.out());
        return lz4;
    }

    @Test
    void createThenInfoShowTheSizeAndClusters() throws Exception {
        Path image = dir.resolve("c.lz4");
        Cli.Run r = Cli.aioemu("create", "-f", "lz4", image.toString(), "1G", "-o", "cluster_size=128k");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Formatting '" + image + "', fmt=lz4 cluster_size=131072 size=1073741824\n", r.out());
        Cli.Run human = Cli.aioemu("info", image.toString());
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().contains("file format: lz4\nvirtual size: 1 GiB (1073741824 bytes)\n"), human.out());
        assertTrue(human.out().contains("cluster_size: 131072\nFormat specific information:\n    clusters: 8192\n"), human.out());
        JsonNode json = JSON.readTree(Cli.aioemu("info", "--output=json", image.toString()).out());
        assertEquals(1L << 30, json.get("virtual-size").asLong());
        assertEquals("lz4", json.get("format").asText());
        assertEquals(131072, json.get("cluster-size").asInt());
        assertEquals("lz4", json.at("/format-specific/type").asText());
        assertEquals(8192, json.at("/format-specific/data/zero-clusters").asLong());
        assertEquals(false, json.get("dirty-flag").asBoolean());
    }

    @Test
    void createRefusesWhatAnLz4ImageCannotBe() {
        Cli.Run unaligned = Cli.aioemu("create", "-f", "lz4", dir.resolve("a.lz4").toString(), "1000");
        assertEquals(1, unaligned.exit());
        assertTrue(unaligned.err().contains("multiple of 512"), unaligned.err());
        Cli.Run cluster = Cli.aioemu("create", "-f", "lz4", dir.resolve("b.lz4").toString(), "1M", "-o", "cluster_size=3k");
        assertEquals(1, cluster.exit());
        assertTrue(cluster.err().contains("Cluster size must be a power of two between 4k and 2M"), cluster.err());
    }

    @Test
    void checkOfANewImageIsClean() throws Exception {
        Path image = dir.resolve("k.lz4");
        assertEquals(0, Cli.aioemu("create", "-q", "-f", "lz4", image.toString(), "64M").exit());
        Cli.Run r = Cli.aioemu("check", image.toString());
        assertEquals(CheckCommand.EXIT_CLEAN, r.exit(), r.err());
        assertTrue(r.out().startsWith("No errors were found on the image.\n"), r.out());
        JsonNode json = JSON.readTree(Cli.aioemu("check", "--output=json", image.toString()).out());
        assertEquals(0, json.get("check-errors").asInt());
        assertEquals(1024, json.get("total-clusters").asLong());
    }

    @Test
    void convertRawToLz4AndBackGivesTheOriginal() throws Exception {
        Path raw = dataImage(dir.resolve("s.raw"), 9 * MIB, 21);
        for (String[] options : new String[][] {{}, {"-W", "-m", "16", "--threads=2"},
                {"-o", "cluster_size=4k", "--pool=rings", "-t", "writeback"}, {"-t", "none", "--stats"}}) {
            Path lz4 = lz4Copy(raw, options);
            Cli.Run check = Cli.aioemu("check", lz4.toString());
            assertEquals(0, check.exit(), check.out() + check.err());
            Cli.Run same = Cli.aioemu("compare", raw.toString(), lz4.toString());
            assertEquals(0, same.exit(), same.out() + same.err());
            Path back = dir.resolve("back.raw");
            Cli.Run r = Cli.aioemu("convert", "-O", "raw", lz4.toString(), back.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(back), String.join(" ", options));
            Lz4Images.Info info = Lz4Images.info(lz4);
            assertTrue(info.zeroClusters() > 0, "zero chunks are not written: " + info);
            assertTrue(info.lz4Clusters() > 0, "the text compresses: " + info);
        }
    }

    @Test
    void aCacheModeThatQemuDoesNotKnowIsRefused() throws Exception {
        Path raw = dataImage(dir.resolve("t.raw"), MIB, 3);
        Cli.Run r = Cli.aioemu("convert", "-t", "fast", "-O", "lz4", raw.toString(), dir.resolve("t.lz4").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("aioemu: -t fast: ") && r.err().contains("unsafe"), r.err());
    }

    @Test
    void compareFindsADifferenceBetweenLz4AndRaw() throws Exception {
        Path raw = dataImage(dir.resolve("s.raw"), 4 * MIB, 22);
        Path lz4 = lz4Copy(raw);
        ImageFixtures.flipByte(raw, 3 * MIB + 70_000);
        Cli.Run r = Cli.aioemu("compare", lz4.toString(), raw.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("Content mismatch at offset " + (3 * MIB + 70_000) / 512 * 512 + "!\n", r.out());
    }

    @Test
    void checkReportsLeaksWithExit3AndRepairsThem() throws Exception {
        Path lz4 = lz4Copy(dataImage(dir.resolve("s.raw"), 4 * MIB, 23));
        long length = Files.size(lz4);
        try (FileChannel ch = FileChannel.open(lz4, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[5000]), length); // what a crash before a commit leaves
        }
        Cli.Run leaks = Cli.aioemu("check", lz4.toString());
        assertEquals(CheckCommand.EXIT_LEAKS, leaks.exit(), leaks.out() + leaks.err());
        assertTrue(leaks.out().contains("5000 leaked bytes were found on the image."), leaks.out());
        Cli.Run repair = Cli.aioemu("check", "-r", "leaks", lz4.toString());
        assertEquals(CheckCommand.EXIT_CLEAN, repair.exit(), repair.out() + repair.err());
        assertTrue(repair.out().startsWith("The following inconsistencies were found and repaired:\n\n    5000 leaked bytes\n"), repair.out());
        assertTrue(repair.out().contains("Double checking the fixed image now...\nNo errors were found on the image.\n"), repair.out());
        assertEquals(length, Files.size(lz4));
    }

    @Test
    void checkReportsCorruptionWithExit2() throws Exception {
        Path lz4 = lz4Copy(dataImage(dir.resolve("s.raw"), 4 * MIB, 24));
        ImageFixtures.flipByte(lz4, Files.size(lz4) / 2); // inside the stored clusters, which fill most of the file
        Cli.Run r = Cli.aioemu("check", lz4.toString());
        assertEquals(CheckCommand.EXIT_CORRUPT, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n"),
                r.out());
        assertTrue(r.err().startsWith("ERROR "), r.err());
    }
}
