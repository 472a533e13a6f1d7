package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aioemu.bench.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: real runs on real files, and one-line errors for bad input. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void defaultJobShapeOnATemporaryImageReportsIopsAndLeavesNothingBehind() throws Exception {
        String tmp = System.getProperty("java.io.tmpdir");
        long before = countBenchDirs(Path.of(tmp));
        Run r = Cli.aioemu("bench", "--runtime=1", "--size=64m");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("rw=randread, bs=(R) 4096B-4096B"), r.out());
        assertTrue(r.out().contains("ioengine=threads, iodepth=16"), r.out());
        Matcher m = Pattern.compile("read: IOPS=([0-9.]+)(k?),").matcher(r.out());
        assertTrue(m.find(), r.out());
        double iops = Double.parseDouble(m.group(1)) * (m.group(2).isEmpty() ? 1 : 1000);
        assertTrue(iops > 100, "IOPS " + iops);
        assertTrue(r.out().contains("clat percentiles"), r.out());
        assertTrue(r.out().contains("99.99th=["), r.out());
        assertTrue(r.out().contains("Run status group 0 (all jobs):"), r.out());
        assertTrue(r.err().contains("bench: Laying out IO file (1 file / 64MiB)"),
                "the image is filled with data before the reads, not read as holes: " + r.err());
        assertEquals(before, countBenchDirs(Path.of(tmp)), "the temporary image is removed");
    }

    @Test
    void sizeBasedWriteJobWritesExactlyTheSizeToAGivenFile() throws Exception {
        Path image = dir.resolve("w.raw");
        Files.write(image, new byte[1 << 20]);
        Run r = Cli.aioemu("bench", "--filename=" + image, "--rw=write", "--bs=64k", "--iodepth=4", "--size=1m",
                "--time_based=0", "--runtime=30", "--aio=sync");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("io=1024KiB"), r.out());
        assertTrue(r.out().contains("issued rwts: total=0,16,0,0"), r.out());
        assertTrue(r.out().contains("ioengine=sync"), r.out());
        byte[] data = Files.readAllBytes(image);
        assertEquals(1 << 20, data.length);
        int nonZero = 0;
        for (byte b : data) {
            nonZero += b != 0 ? 1 : 0;
        }
        assertTrue(nonZero > data.length / 2, "the job wrote its pattern over the image: " + nonZero);
    }

    @Test
    void anExistingFileWithoutASizeIsCoveredWhole() throws Exception {
        Path image = dir.resolve("small.raw");
        Files.write(image, new byte[3 << 20]);
        Run r = Cli.aioemu("bench", "--filename=" + image, "--rw=read", "--bs=64k", "--time_based=0", "--aio=sync",
                "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"io_bytes\" : 3145728"), "fio reads the whole 3 MiB file: " + r.out());
        assertEquals(3 << 20, Files.size(image), "and leaves it as it was");
    }

    @Test
    void aFileNamedThriceInOneListIsLaidOutOnceAndReadThrice() throws Exception {
        // fio 3.33: filename=a:a:a is three entries of one 1 MiB file for size=3m, 3 MiB read in all.
        Run r = Cli.aioemu("bench", "--directory=" + dir, "--filename=a:a:a", "--size=3m", "--rw=read", "--time_based=0",
                "--aio=sync", "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"io_bytes\" : 3145728"), r.out());
        assertEquals(1 << 20, Files.size(dir.resolve("a")));
    }

    @Test
    void aMissingReadIologIsAnErrorBeforeAnythingRuns() {
        Path log = dir.resolve("missing.log");
        Run r = Cli.aioemu("bench", "--read_iolog=" + log, "--runtime=1");
        assertBad(r, "read_iolog=" + log + ": No such file or directory (ENOENT)");
        assertFalse(r.out().contains("Run status"), "nothing ran: " + r.out());
        assertFalse(Files.exists(log));
    }

    @Test
    void createOnOpenSaysWhatAioemuDoesInstead() {
        Run r = Cli.aioemu("bench", "--directory=" + dir, "--size=64k", "--rw=write", "--create_on_open=1", "--time_based=0",
                "--aio=sync");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("create_on_open=1 is accepted, but the files are laid out before the job starts"), r.err());
    }

    @Test
    void aBlockDeviceIsReadWholeByItsDeviceSize() throws Exception {
        Path backing = dir.resolve("dev.img");
        try (var raf = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            raf.setLength(4 << 20);
        }
        Process attach;
        try {
            attach = new ProcessBuilder("losetup", "--find", "--show", backing.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("losetup is not installed");
            return;
        }
        String dev = new String(attach.getInputStream().readAllBytes()).trim();
        org.junit.jupiter.api.Assumptions.assumeTrue(attach.waitFor() == 0 && dev.startsWith("/dev/loop"),
                "no loop device here (needs root): " + dev);
        try {
            // fio takes a device's size from the device; its inode's st_size is 0.
            Run r = Cli.aioemu("bench", "--filename=" + dev, "--rw=read", "--bs=64k", "--time_based=0", "--direct=1",
                    "--aio=sync", "--output-format=json");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"io_bytes\" : 4194304"), r.out());
        } finally {
            new ProcessBuilder("losetup", "--detach", dev).start().waitFor();
        }
    }

    @Test
    void typosGetOneLineAndASuggestion() {
        Run r = Cli.aioemu("bench", "--iodeph=4");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--iodeph=4: unknown option"), r.err());
        assertTrue(r.err().contains("did you mean --iodepth?"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badValuesAreClearErrorsAndCreateNothing() throws Exception {
        assertBad(Cli.aioemu("bench", "--rw=randwalk"), "randwalk");
        assertBad(Cli.aioemu("bench", "--bs=4q"), "4q");
        assertBad(Cli.aioemu("bench", "--runtime=soon"), "runtime");
        assertBad(Cli.aioemu("bench", "--aio=magic"), "--aio=magic");
        assertBad(Cli.aioemu("bench", "--poll-max-ns=soon"), "--poll-max-ns=soon");
        assertBad(Cli.aioemu("bench", "--worker-spin-ns=-1"), "--worker-spin-ns=-1");
        assertBad(Cli.aioemu("bench", "--thread-pool-max=0"), "--thread-pool-max=0");
        assertBad(Cli.aioemu("bench", "--pool=ringz"), "--pool=ringz: expected queue or rings");
        assertBad(Cli.aioemu("bench", "--pool=rings", "--pool-ring-size=3"), "--pool-ring-size=3");
        assertBad(Cli.aioemu("bench", "--pool-inline=maybe"), "--pool-inline=maybe: expected auto or off");
        assertBad(Cli.aioemu("bench", "--ioengine=windowsaio"), "windowsaio");
        assertBad(Cli.aioemu("bench", "--size=0"), "--size=0: the temporary image needs a size");
        assertBad(Cli.aioemu("bench", "--zonesize=1m", "--size=4m", "--runtime=1"), "--zonemode=none and --zonesize are not compatible");
        assertBad(Cli.aioemu("bench", "--zonemode=zbd"), "zonemode=zbd needs a zoned block device");
        Path unreachable = dir.resolve("no-such-dir").resolve("missing.raw");
        Run r = Cli.aioemu("bench", "--filename=" + unreachable, "--runtime=1");
        assertBad(r, "missing.raw");
        assertFalse(Files.exists(unreachable.getParent()), "nothing is created for a path that cannot be opened");
        Path small = dir.resolve("small.raw");
        Files.write(small, new byte[4096]);
        Run tooSmall = Cli.aioemu("bench", "--filename=" + small, "--size=1m", "--runtime=1");
        assertBad(tooSmall, "small.raw");
        assertEquals(4096, Files.size(small), "a read job never rewrites or extends an existing image");
    }

    @Test
    void ioUringEngineRunsTheJobAndDataRoundTrips() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                org.aioemu.engine.AioContext.isAvailable(org.aioemu.engine.Transport.IO_URING), "no io_uring here");
        Path f = dir.resolve("uring.raw");
        Run w = Cli.aioemu("bench", "--aio=io_uring", "--filename=" + f, "--rw=randwrite", "--bs=4k", "--size=4m",
                "--time_based=0", "--verify=crc32c", "--output-format=json");
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.out().contains("\"total_ios\" : 1024"), "every block written once, then read back and verified: " + w.out());
    }

    @Test
    void anLz4ImageIsWrittenVerifiedAndReadAsTheDiskItHolds() throws Exception {
        Path f = dir.resolve("disk.lz4");
        // a new lz4 image: laid out, then every block written at random (partial clusters: read-modify-write of 64 KiB
        // clusters) and read back against fio's crc32c headers
        Run w = Cli.aioemu("bench", "--format=lz4", "--filename=" + f, "--rw=randwrite", "--bs=4k", "--size=4m",
                "--iodepth=8", "--time_based=0", "--verify=crc32c", "--output-format=json");
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.out().contains("\"total_ios\" : 1024"), "every block written once and verified: " + w.out());
        assertTrue(org.aioemu.blockdev.lz4.Lz4Images.probe(f), "the file is an lz4 image");
        assertTrue(org.aioemu.blockdev.lz4.Lz4Images.check(f, false).clean());
        assertEquals(4 << 20, org.aioemu.blockdev.lz4.Lz4Images.info(f).virtualSize());
        // probed: a read job sizes the file by its virtual size (4 MiB), not its compressed length on disk
        Run r = Cli.aioemu("bench", "--filename=" + f, "--rw=randread", "--bs=4k", "--runtime=1", "--output-format=terse");
        assertEquals(0, r.exit(), r.err());
        String[] terse = r.out().strip().split(";");
        assertTrue(Long.parseLong(terse[7]) > 0, r.out());
    }

    @Test
    void engineKnobsAreAcceptedWithPollingAndSpinningOffOrOn() {
        for (String[] knobs : new String[][] {{"--poll-max-ns=0", "--worker-spin-ns=0"}, {"--poll-max-ns=200000", "--thread-pool-max=1"},
                {"--pool=rings", "--pool-ring-size=2"}, {"--pool=queue", "--worker-spin-ns=0"},
                {"--pool-inline=off", "--pool=queue"}, {"--pool-inline=auto", "--iodepth=1"}}) {
            Run r = Cli.aioemu("bench", knobs[0], knobs[1], "--runtime=1", "--size=8m", "--output-format=terse");
            assertEquals(0, r.exit(), r.err());
            String[] f = r.out().strip().split(";");
            assertTrue(Long.parseLong(f[7]) > 0, "reads happened with " + String.join(" ", knobs) + ": " + r.out());
        }
        String help = Cli.aioemu("bench", "--help").out();
        assertTrue(help.contains("--poll-max-ns") && help.contains("--pool=queue|rings") && help.contains("--pool-inline=auto|off"), help);
    }

    @Test
    void helpAndVersion() {
        Run help = Cli.aioemu("bench", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--iodepth"), help.out());
        Run version = Cli.aioemu("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("aioemu "), version.out());
    }

    /** Exit 1, and a one-line "aioemu: ..." error naming {@code mentions} (notices may come before it). */
    private static void assertBad(Run r, String mentions) {
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("aioemu: ") && l.contains(mentions)), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static long countBenchDirs(Path tmp) throws Exception {
        try (var s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("aioemu-bench-")).count();
        }
    }
}
