package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fill_device on a small file system of its own (an 8 MiB tmpfs, mounted for the test; skipped where this
 * user may not mount): the job writes until the file system is full, and that ends it without an error.
 */
class FillDeviceTest {
    private static final long FS_BYTES = 8 << 20;

    @TempDir
    Path dir;
    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createDirectory(dir.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + FS_BYTES, "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "cannot mount a small tmpfs here: " + out.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutASizeItWritesTheFreeSpaceAndEndsWithoutError() {
        JobOptions o = Jobs.job("fill", mount);
        o.rw = RwMode.WRITE;
        o.bs[JobOptions.WRITE] = 64 << 10;
        o.fillDevice = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.bytes >= FS_BYTES * 9 / 10 && s.write.bytes <= FS_BYTES, "wrote " + s.write.bytes);
    }

    @Test
    void aSizeBeyondTheFileSystemEndsAtEnospcWithoutError() throws Exception {
        JobOptions o = Jobs.job("fill", mount);
        o.rw = RwMode.WRITE;
        o.bs[JobOptions.WRITE] = 64 << 10;
        o.size = 4 * FS_BYTES;
        o.iodepth = 4;
        o.fillDevice = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.bytes >= FS_BYTES * 9 / 10 && s.write.bytes <= FS_BYTES, "wrote " + s.write.bytes);

        // Without fill_device the same job is an ENOSPC error, as in fio.
        JobOptions plain = Jobs.job("plain", mount);
        plain.rw = RwMode.WRITE;
        plain.bs[JobOptions.WRITE] = 64 << 10;
        plain.size = 4 * FS_BYTES;
        Files.deleteIfExists(mount.resolve("fill.0.0"));
        JobStats failed = Jobs.run(plain);
        assertEquals(28, failed.error, failed.errorMessage);
    }
}
