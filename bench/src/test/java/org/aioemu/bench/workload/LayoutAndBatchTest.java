package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fallocate= when a write job creates its file, O_DSYNC, and submission batching. */
class LayoutAndBatchTest {
    @TempDir
    Path dir;

    private static long allocatedBytes(Path f) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        p.waitFor();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private JobOptions touchOneBlock(String name, String fallocate) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.WRITE;
        o.size = 8 << 20;
        o.ioSize = 4096; // write one block of an 8 MiB file
        o.fallocate = fallocate;
        return o;
    }

    @Test
    void fallocateNoneLeavesTheFileSparseAndPosixAllocatesIt() throws Exception {
        JobStats none = Jobs.run(touchOneBlock("none", "none"));
        JobStats posix = Jobs.run(touchOneBlock("posix", "posix"));
        JobStats keep = Jobs.run(touchOneBlock("keep", "keep"));
        for (JobStats s : new JobStats[] {none, posix, keep}) {
            assertEquals(0, s.error, s.errorMessage);
            assertEquals(1, s.write.ios);
        }
        for (String n : new String[] {"none", "posix", "keep"}) {
            assertEquals(8 << 20, Files.size(dir.resolve(n + ".0.0")));
        }
        assertTrue(allocatedBytes(dir.resolve("none.0.0")) < (1 << 20), "sparse");
        assertTrue(allocatedBytes(dir.resolve("posix.0.0")) >= (8 << 20), "allocated");
        assertTrue(allocatedBytes(dir.resolve("keep.0.0")) >= (8 << 20), "allocated");
    }

    @Test
    void invalidateDropsTheFilesCachedPagesBeforeTheJobAndZeroKeepsThem() throws Exception {
        Files.createDirectories(Path.of("target"));
        Path disk = Files.createTempDirectory(Path.of("target"), "inval"); // not tmpfs: its pages are the file
        try {
            for (boolean invalidate : new boolean[] {true, false}) {
                JobOptions o = Jobs.job("inv" + invalidate, disk);
                o.rw = RwMode.READ;
                o.size = 4 << 20;
                o.ioSize = 4096; // one read: the rest of the file stays as the layout left it
                o.invalidate = invalidate;
                JobStats s = Jobs.run(o);
                assertEquals(0, s.error, s.errorMessage);
                // The layout wrote all 4 MiB and (create_fsync) flushed it; invalidate then drops it all.
                long resident = residentBytes(disk.resolve(o.name + ".0.0"));
                if (invalidate) {
                    assertTrue(resident <= 64 << 10, "invalidate=1 left " + resident + " bytes cached");
                } else {
                    assertTrue(resident >= 3 << 20, "invalidate=0 keeps the layout's pages: " + resident);
                }
            }
        } finally {
            try (var files = Files.walk(disk)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Bytes of {@code f} in the page cache, as util-linux's fincore counts them (the test skips without it). */
    private static long residentBytes(Path f) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", f.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("fincore (util-linux-extra) is not installed: " + e.getMessage());
            return -1;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "fincore failed: " + out);
        return Long.parseLong(out);
    }

    @Test
    void iodepthLowLetsAFullQueueDrainBeforeRefillingIt() {
        long[][] levels = new long[2][];
        for (int k = 0; k < 2; k++) {
            JobOptions o = Jobs.job("low" + k, dir);
            o.rw = RwMode.RANDREAD;
            o.size = 8 << 20;
            o.iodepth = 16;
            o.iodepthLow = k == 0 ? 0 : 4;
            o.aioEngine = "threads";
            JobStats s = Jobs.run(o);
            assertEquals(0, s.error, s.errorMessage);
            assertEquals(2048, s.read.ios);
            levels[k] = s.submitLevels;
        }
        // With the low mark every refill but the last (when the 2048 requests run out) is of at least 12 (16 - 4):
        // fio's 9-16 bucket. Without it the queue may be topped up one at a time.
        assertTrue(levels[1][1] + levels[1][2] <= 1, "iodepth_low=4 refilled fewer than 9 at once: "
                + java.util.Arrays.toString(levels[1]));
        assertTrue(levels[1][3] >= 2048 / 16, java.util.Arrays.toString(levels[1]));
        assertTrue(java.util.Arrays.stream(levels[0]).sum() >= java.util.Arrays.stream(levels[1]).sum(),
                "without it, at least as many refills: " + java.util.Arrays.toString(levels[0]));
    }

    @Test
    void execPrerunAndPostrunRunAroundTheJobAndAFailingOneFailsIt() throws Exception {
        Path marker = dir.resolve("prerun-ran");
        JobOptions o = Jobs.job("ex", dir);
        o.rw = RwMode.READ;
        o.size = 64 << 10;
        o.execPrerun = "touch " + marker;
        o.execPostrun = "echo post-$((6*7))";
        java.io.ByteArrayOutputStream notices = new java.io.ByteArrayOutputStream();
        JobStats s = WorkloadRunner.run(java.util.List.of(o), RunSettings.defaults()
                .withNotices(new java.io.PrintStream(notices, true, StandardCharsets.UTF_8))).getFirst();
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(Files.exists(marker));
        assertTrue(notices.toString(StandardCharsets.UTF_8).contains("ex: exec_postrun: post-42"), notices.toString());
        o.execPrerun = "exit 3";
        JobStats failed = Jobs.run(o);
        assertEquals(5, failed.error);
        assertTrue(failed.errorMessage.contains("exec_prerun 'exit 3' failed with exit status 3"), failed.errorMessage);
    }

    @Test
    void preReadStartsTheJobWithItsFilesCached() throws Exception {
        Files.createDirectories(Path.of("target"));
        Path disk = Files.createTempDirectory(Path.of("target"), "preread"); // not tmpfs
        try {
            JobOptions o = Jobs.job("pr", disk);
            o.rw = RwMode.READ;
            o.size = 4 << 20;
            o.ioSize = 4096;
            o.preRead = true;
            JobStats s = Jobs.run(o);
            assertEquals(0, s.error, s.errorMessage);
            long resident = residentBytes(disk.resolve("pr.0.0"));
            assertTrue(resident >= 4 << 20, "pre_read: the whole file cached, invalidate off: " + resident);
        } finally {
            try (var files = Files.walk(disk)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void createOnlyLaysTheFileOutAndDoesNoIo() throws Exception {
        JobOptions o = Jobs.job("co", dir);
        o.rw = RwMode.READ;
        o.size = 2 << 20;
        o.createOnly = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(0, s.read.ios);
        assertEquals(2 << 20, Files.size(dir.resolve("co.0.0")), "laid out as a read job's file");
    }

    @Test
    void overwriteLaysAWriteJobsNewFileOutWithData() throws Exception {
        JobOptions o = touchOneBlock("over", "none");
        o.overwrite = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(allocatedBytes(dir.resolve("over.0.0")) >= (8 << 20), "written whole before the job's one write");
    }

    @Test
    void syncOpensWithDsyncAndCreateOnOpenIsAccepted() {
        JobOptions o = Jobs.job("ds", dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 256 * 1024;
        o.sync = true;
        o.createOnOpen = true;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(64, s.write.ios);
    }

    @Test
    void iodepthBatchSubmitRefillsInBatches() {
        JobOptions o = Jobs.job("b", dir);
        o.rw = RwMode.RANDREAD;
        o.size = 16L << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.iodepth = 16;
        o.iodepthBatchSubmit = 8;
        JobStats s = Jobs.run(o);
        assertEquals(4096, s.read.ios);
        long small = s.submitLevels[1];
        long batched = s.submitLevels[2] + s.submitLevels[3];
        assertTrue(batched > 0 && small <= 2, "submissions of 5-16 requests, not of 1-4: " + java.util.Arrays.toString(s.submitLevels));

        long reaps = java.util.Arrays.stream(s.completeLevels).sum();
        assertTrue(reaps > 0 && reaps <= 4096, "completions are reaped in batches: " + java.util.Arrays.toString(s.completeLevels));

        o.rw = RwMode.READ;
        o.iodepth = 1;
        o.iodepthBatchSubmit = 1;
        JobStats one = Jobs.run(o);
        assertEquals(4096, one.submitLevels[1], "depth 1: one request per submission");
        assertEquals(4096, one.depthLevels[0]);
    }

    @Test
    void iodepthBatchCompleteMaxCapsEachReapAndRefillsBetween() {
        JobOptions o = Jobs.job("m", dir);
        o.rw = RwMode.RANDREAD;
        o.size = 16L << 20;
        o.ioengine = "null";
        o.aioEngine = "null";
        o.iodepth = 32;
        JobStats whole = Jobs.run(o);
        assertEquals(4096, whole.read.ios);
        long big = whole.completeLevels[2] + whole.completeLevels[3] + whole.completeLevels[4];
        assertTrue(big > 0, "without a cap a null-engine batch reaps more than 4: " + java.util.Arrays.toString(whole.completeLevels));

        o.iodepthBatchCompleteMax = 4;
        JobStats capped = Jobs.run(o);
        assertEquals(4096, capped.read.ios, "every request still completes once");
        assertEquals(4096L * 4096, capped.read.bytes);
        long reaps = java.util.Arrays.stream(capped.completeLevels).sum();
        assertEquals(reaps, capped.completeLevels[1], "every reap takes 1-4: " + java.util.Arrays.toString(capped.completeLevels));
        assertTrue(reaps >= 4096 / 4, "at least one reap per 4 completions: " + reaps);
    }
}
