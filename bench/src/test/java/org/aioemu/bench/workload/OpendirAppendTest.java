package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** opendir and file_append, as fio 3.33 does them (the totals were checked against fio on the same files). */
class OpendirAppendTest {
    @TempDir
    Path dir;

    @Test
    void opendirReadsEveryFileBelowTheDirectoryWhole() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/sub/deeper"));
        Files.write(dir.resolve("data/a"), new byte[1 << 20]);
        Files.write(data.getParent().resolve("b"), new byte[512 << 10]);
        Files.write(data.resolve("c"), new byte[256 << 10]);
        Files.createSymbolicLink(dir.resolve("data/link"), dir.resolve("data/a")); // not followed, as fio's lstat
        JobOptions o = Jobs.job("o", dir);
        o.opendir = dir.resolve("data").toString();
        o.rw = RwMode.READ;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals((1 << 20) + (512 << 10) + (256 << 10), s.read.bytes, "fio 3.33 reads 1835008 bytes here too");
    }

    @Test
    void fileAppendWritesAfterTheEndAndLeavesWhatWasThere() throws Exception {
        byte[] before = new byte[1 << 20];
        new Random(4).nextBytes(before);
        Path f = Files.write(dir.resolve("app.img"), before);
        JobOptions o = Jobs.job("a", dir);
        o.filename = "app.img";
        o.fileAppend = true;
        o.size = 512 << 10;
        o.rw = RwMode.WRITE;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(512 << 10, s.write.bytes);
        assertEquals((1 << 20) + (512 << 10), Files.size(f), "fio 3.33 leaves 1572864 bytes too");
        assertArrayEquals(before, java.util.Arrays.copyOf(Files.readAllBytes(f), 1 << 20), "the first MiB untouched");
    }
}
