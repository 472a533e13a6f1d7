package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size-based jobs on real files: exact counts, files created only when asked, errors reported per job. */
class RunnerBasicsTest {
    @TempDir
    Path dir;
    /** For O_DIRECT jobs: under target/, as java.io.tmpdir may be a tmpfs that refuses O_DIRECT. */
    @TempDir(factory = Jobs.UnderTarget.class)
    Path diskDir;

    private JobOptions job(String name, RwMode rw, long size) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = rw;
        o.size = size;
        return o;
    }

    @Test
    void sequentialWriteCreatesTheFileAndWritesExactlyItsSize() throws Exception {
        JobStats s = Jobs.run(job("w", RwMode.WRITE, 1 << 20));
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.write.ios);
        assertEquals(1 << 20, s.write.bytes);
        assertEquals(0, s.read.ios);
        assertEquals(1 << 20, Files.size(dir.resolve("w.0.0")), "fio's generated name jobname.clone.file");
        assertTrue(s.runtimeNanos > 0);
        assertTrue(s.write.clat().count() == 256 && s.write.slat().count() == 256);
        assertTrue(s.startEpochMillis > 0);
    }

    @Test
    void randomReadOfAMissingFileLaysItOutWithDataFirst() throws Exception {
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        JobOptions o = job("r", RwMode.RANDREAD, 2 << 20);
        o.bs[0] = 8192;
        JobStats s = WorkloadRunner.run(List.of(o), RunSettings.defaults()
                .withNotices(new PrintStream(notices, true, StandardCharsets.UTF_8))).getFirst();
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.read.ios);
        assertEquals(2 << 20, s.read.bytes);
        Path f = dir.resolve("r.0.0");
        assertEquals(2 << 20, Files.size(f));
        byte[] data = Files.readAllBytes(f);
        int nonZero = 0;
        for (byte b : data) {
            nonZero += b != 0 ? 1 : 0;
        }
        assertTrue(nonZero > data.length / 2, "laid out with data, not a hole");
        assertTrue(notices.toString(StandardCharsets.UTF_8).contains("r: Laying out IO file (1 file / 2MiB)"), notices.toString());
    }

    @Test
    void aReadJobNeverTruncatesOrRewritesAnExistingFile() throws Exception {
        Path f = dir.resolve("data");
        byte[] content = new byte[3 << 20];
        new java.util.Random(7).nextBytes(content);
        Files.write(f, content);
        long mtime = Files.getLastModifiedTime(f).toMillis();
        JobOptions o = job("r", RwMode.READ, 1 << 20);
        o.filename = f.toString();
        o.directory = null;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.read.ios);
        assertArrayEquals(content, Files.readAllBytes(f));
        assertEquals(mtime, Files.getLastModifiedTime(f).toMillis());
    }

    @Test
    void aReadJobOnAFileTooSmallFailsClearlyAndLeavesItAlone() throws Exception {
        Path f = dir.resolve("small");
        Files.write(f, new byte[4096 * 3]);
        JobOptions o = job("r", RwMode.READ, 1 << 20);
        o.filename = "small";
        JobStats s = Jobs.run(o);
        assertEquals(22, s.error);
        assertTrue(s.errorMessage.contains("smaller than the 1048576 bytes the job reads"), s.errorMessage);
        assertEquals(0, s.read.ios);
        assertEquals(4096 * 3, Files.size(f));
    }

    @Test
    void withoutASizeAReadJobUsesTheExistingFile() throws Exception {
        Files.write(dir.resolve("f"), new byte[64 * 1024]);
        JobOptions o = job("r", RwMode.READ, 0);
        o.filename = "f";
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(16, s.read.ios);
        JobOptions missing = job("m", RwMode.READ, 0);
        JobStats e = Jobs.run(missing);
        assertEquals(22, e.error);
        assertTrue(e.errorMessage.contains("you need to specify size="), e.errorMessage);
        assertFalse(Files.exists(dir.resolve("m.0.0")));
    }

    @Test
    void sizePercentAndOffsetPercentAreOfTheExistingFile() throws Exception {
        Files.write(dir.resolve("f"), new byte[400 * 1024]);
        JobOptions o = job("r", RwMode.READ, 0);
        o.filename = "f";
        o.sizePercent = 50;
        o.offsetPercent = 25;
        Jobs.Recorded r = Jobs.record(o);
        assertEquals(0, r.stats().error, r.stats().errorMessage);
        assertEquals(50, r.stats().read.ios);
        assertEquals(100 * 1024, r.ops().getFirst().offset());
    }

    @Test
    void writeJobExtendsAShorterFileButNeverShrinksALongerOne() throws Exception {
        Files.write(dir.resolve("short"), new byte[4096]);
        Files.write(dir.resolve("long"), new byte[8 << 20]);
        JobOptions a = job("a", RwMode.WRITE, 1 << 20);
        a.filename = "short";
        JobOptions b = job("b", RwMode.WRITE, 1 << 20);
        b.filename = "long";
        List<JobStats> s = Jobs.runAll(a, b);
        assertEquals(0, s.get(0).error, s.get(0).errorMessage);
        assertEquals(0, s.get(1).error, s.get(1).errorMessage);
        assertEquals(1 << 20, Files.size(dir.resolve("short")));
        assertEquals(8 << 20, Files.size(dir.resolve("long")));
    }

    @Test
    void filenameListWithEscapedColonAndNrfilesNames() throws Exception {
        JobOptions o = job("w", RwMode.WRITE, 64 * 1024);
        o.filename = "a\\:1:b";
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(32 * 1024, Files.size(dir.resolve("a:1")), "size is split between the files");
        assertEquals(32 * 1024, Files.size(dir.resolve("b")));
        assertEquals(16, s.write.ios);

        JobOptions n = job("n", RwMode.WRITE, 64 * 1024);
        n.nrfiles = 2;
        n.numjobs = 2;
        List<JobStats> all = Jobs.runAll(n);
        assertEquals(2, all.size());
        for (String name : List.of("n.0.0", "n.0.1", "n.1.0", "n.1.1")) {
            assertEquals(32 * 1024, Files.size(dir.resolve(name)), name);
        }
    }

    @Test
    void offsetIoSizeAndLoopsBoundTheBytes() {
        JobOptions o = job("w", RwMode.WRITE, 1 << 20);
        o.offset = 1 << 20;
        Jobs.Recorded r = Jobs.record(o);
        assertEquals(256, r.stats().write.ios);
        assertEquals(1 << 20, r.ops().getFirst().offset());
        assertEquals((2 << 20) - 4096, r.ops().getLast().offset());

        JobOptions io = job("io", RwMode.READ, 1 << 20);
        io.ioSize = 3 << 20;
        JobStats s = Jobs.run(io);
        assertEquals(768, s.read.ios, "io_size wraps around the region");
        assertEquals(3 << 20, s.read.bytes);

        JobOptions loops = job("l", RwMode.RANDREAD, 1 << 20);
        loops.loops = 3;
        assertEquals(768, Jobs.run(loops).read.ios);

        JobOptions small = job("s", RwMode.READ, 1 << 20);
        small.ioSize = 10000;
        assertEquals(2, Jobs.run(small).read.ios, "a partial last block is not issued");
    }

    @Test
    void nullEngineDoesNoIoAndCountsEveryRequest() {
        JobOptions o = job("nul", RwMode.RANDRW, 64L << 20);
        o.ioengine = "null";
        o.aioEngine = "null";
        o.iodepth = 8;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(16384, s.read.ios + s.write.ios);
        assertEquals(64L << 20, s.read.bytes + s.write.bytes);
        assertFalse(Files.exists(dir.resolve("nul.0.0")));
        assertTrue(s.depthLevels[3] > 0, "depth 8 reached");
    }

    @Test
    void directIoAndTheSyncEngineWork() {
        Jobs.assumeDirectIo(diskDir);
        JobOptions o = job("d", RwMode.RANDWRITE, 1 << 20);
        o.directory = diskDir.toString();
        o.direct = true;
        o.iodepth = 4;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(256, s.write.ios);
        JobOptions r = job("d", RwMode.RANDREAD, 1 << 20);
        r.directory = diskDir.toString();
        r.direct = true;
        r.aioEngine = "sync";
        JobStats rs = Jobs.run(r);
        assertEquals(0, rs.error, rs.errorMessage);
        assertEquals(256, rs.read.ios);
    }

    @Test
    void unavailableEngineIsTheJobsErrorAndOtherJobsStillRun() {
        JobOptions bad = job("u", RwMode.WRITE, 64 * 1024);
        bad.aioEngine = "io_uring";
        JobOptions good = job("g", RwMode.WRITE, 64 * 1024);
        // Loops on NIO (there on every machine, unlike epoll): the io_uring engine has no ring to submit to
        // there, as on a kernel without io_uring.
        List<JobStats> s = WorkloadRunner.run(List.of(bad, good),
                RunSettings.defaults().withContextTuning(b -> b.transport(org.aioemu.engine.Transport.NIO)));
        assertEquals(22, s.get(0).error);
        assertNotNull(s.get(0).errorMessage);
        assertTrue(s.get(0).errorMessage.contains("io_uring"), s.get(0).errorMessage);
        assertEquals(0, s.get(1).error);
        assertEquals(16, s.get(1).write.ios);
    }

    @Test
    void unlinkRemovesTheFilesAfterwards() {
        JobOptions o = job("u", RwMode.WRITE, 64 * 1024);
        o.unlink = true;
        JobStats s = Jobs.run(o);
        assertEquals(16, s.write.ios);
        assertFalse(Files.exists(dir.resolve("u.0.0")));
    }

    @Test
    void anIoErrorStopsTheJobWithOpOffsetAndErrno() throws Exception {
        // O_DIRECT with a 1000-byte block: the kernel refuses the misaligned request with EINVAL.
        Jobs.assumeDirectIo(diskDir);
        JobOptions o = job("e", RwMode.WRITE, 64 * 1024);
        o.directory = diskDir.toString();
        o.direct = true;
        o.bs[1] = 1000;
        JobStats s = Jobs.run(o);
        assertEquals(22, s.error);
        assertTrue(s.errorMessage.startsWith("write of 1000 bytes at offset 0 of "), s.errorMessage);
        assertTrue(s.errorMessage.contains("EINVAL"), s.errorMessage);
        assertEquals(0, s.write.ios);
    }

    @Test
    void cpuAndRuntimeAreFilled() {
        JobOptions o = job("c", RwMode.RANDRW, 4 << 20);
        JobStats s = Jobs.run(o);
        assertTrue(s.usrCpuPercent + s.sysCpuPercent > 0, "cpu " + s.usrCpuPercent + "/" + s.sysCpuPercent);
        assertTrue(s.contextSwitches >= 0);
        assertTrue(s.read.runtimeNanos > 0 && s.write.runtimeNanos > 0);
    }

    @Test
    void aFailingPluginEndsItsJobWithAnErrorInsteadOfHangingIt() {
        DataFactory throwing = new DataFactory() {
            @Override
            public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
                return (buf, offset, length) -> {
                    if (offset >= 8192) {
                        throw new IllegalStateException("boom at " + offset);
                    }
                };
            }

            @Override
            public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
                return null;
            }
        };
        JobOptions o = job("x", RwMode.WRITE, 1 << 20);
        o.refillBuffers = true;
        o.iodepth = 4;
        JobStats s = WorkloadRunner.run(List.of(o), RunSettings.defaults().withData(throwing)).getFirst();
        assertEquals(5, s.error);
        assertTrue(s.errorMessage.contains("internal error") && s.errorMessage.contains("boom at 8192"), s.errorMessage);
        assertEquals(2, s.write.ios);

        LogSinkFactory broken = (file, kind) -> new LogSink() {
            @Override
            public void entry(long timeMillis, long value, int ddir, long blockSize, long offset) {
                throw new java.io.UncheckedIOException(new java.io.IOException("disk full"));
            }

            @Override
            public void close() {
            }
        };
        JobOptions l = job("l", RwMode.READ, 1 << 20);
        l.writeLatLog = dir.resolve("lat").toString();
        JobStats ls = WorkloadRunner.run(List.of(l), RunSettings.defaults().withLogSinks(broken)).getFirst();
        assertEquals(5, ls.error);
        assertTrue(ls.errorMessage.contains("disk full"), ls.errorMessage);
    }
}
