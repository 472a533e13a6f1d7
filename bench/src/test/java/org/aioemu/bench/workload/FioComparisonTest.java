package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same size-based jobs in fio (psync) and in aioemu: the totals a size-based job moves are set by its
 * options, so they must agree exactly. (The read/write split of a mixed job is random in both, so only its
 * share is compared.) Skipped where fio is not installed.
 */
class FioComparisonTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needFio() {
        assumeTrue(org.aioemu.bench.FioPeer.available(), "fio is not on the PATH");
    }

    /** Runs fio (psync) with {@code args} in the temp dir and returns its first job's JSON. */
    private Object fio(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--ioengine=psync"));
        all.addAll(List.of(args));
        return fioJob(dir, all);
    }

    /** Runs fio with {@code args} in {@code dir} and returns its first job's JSON (also for other fio tests here). */
    static Object fioJob(Path dir, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fio", "--output-format=json"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fio finished");
        int brace = out.indexOf('{');
        assertTrue(brace >= 0, "fio printed JSON: " + out);
        return MiniJson.path(MiniJson.parse(out.substring(brace)), "jobs", 0);
    }

    static long num(Object job, String... path) {
        return ((Double) MiniJson.path(job, (Object[]) path)).longValue();
    }

    private JobOptions aio(String name, RwMode rw, long size) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = rw;
        o.size = size;
        return o;
    }

    @Test
    void randrwTotalsMatchAndTheMixIsClose() throws Exception {
        Object f = fio("--name=fio", "--rw=randrw", "--rwmixread=70", "--bs=4k", "--size=4m");
        JobOptions o = aio("aio", RwMode.RANDRW, 4 << 20);
        o.rwmixread = 70;
        JobStats a = Jobs.run(o);
        assertEquals(0, a.error, a.errorMessage);
        long fioIos = num(f, "read", "total_ios") + num(f, "write", "total_ios");
        long fioBytes = num(f, "read", "io_bytes") + num(f, "write", "io_bytes");
        assertEquals(fioIos, a.read.ios + a.write.ios);
        assertEquals(fioBytes, a.read.bytes + a.write.bytes);
        double fioShare = num(f, "read", "total_ios") / (double) fioIos;
        double aioShare = a.read.ios / (double) (a.read.ios + a.write.ios);
        assertEquals(fioShare, aioShare, 0.06, "read share: fio " + fioShare + ", aioemu " + aioShare);
    }

    @Test
    void singleDirectionJobsMatchExactly() throws Exception {
        record Case(String[] fioArgs, JobOptions aio) {
        }
        JobOptions write = aio("w", RwMode.WRITE, 4 << 20);
        JobOptions skip = aio("k", RwMode.WRITE, 1 << 20);
        skip.rwSequencer = 4096;
        JobOptions loops = aio("l", RwMode.RANDREAD, 1 << 20);
        loops.loops = 3;
        JobOptions ioSize = aio("i", RwMode.READ, 1 << 20);
        ioSize.ioSize = 3 << 20;
        JobOptions fsync = aio("s", RwMode.WRITE, 68 * 1024);
        fsync.fsync = 4;
        JobOptions range = aio("r", RwMode.WRITE, 1 << 20);
        range.syncFileRange = 8;
        range.syncFileRangeFlags = 7;
        JobOptions bs = aio("b", RwMode.RANDWRITE, 2 << 20);
        bs.bs[1] = 16384;
        bs.offset = 1 << 20;
        List<Case> cases = List.of(
                new Case(new String[] {"--name=w", "--rw=write", "--bs=4k", "--size=4m"}, write),
                new Case(new String[] {"--name=k", "--rw=write:4k", "--bs=4k", "--size=1m"}, skip),
                new Case(new String[] {"--name=l", "--rw=randread", "--bs=4k", "--size=1m", "--loops=3"}, loops),
                new Case(new String[] {"--name=i", "--rw=read", "--bs=4k", "--size=1m", "--io_size=3m"}, ioSize),
                new Case(new String[] {"--name=s", "--rw=write", "--bs=4k", "--size=68k", "--fsync=4"}, fsync),
                new Case(new String[] {"--name=r", "--rw=write", "--bs=4k", "--size=1m",
                        "--sync_file_range=wait_before,write,wait_after:8"}, range),
                new Case(new String[] {"--name=b", "--rw=randwrite", "--bs=16k", "--size=2m", "--offset=1m"}, bs));
        for (Case c : cases) {
            Object f = fio(c.fioArgs());
            // fio laid the file out under the same name aioemu generates: start aioemu on a fresh one
            Files.deleteIfExists(dir.resolve(c.aio().name + ".0.0"));
            JobStats a = Jobs.run(c.aio());
            String what = String.join(" ", c.fioArgs());
            assertEquals(0, a.error, a.errorMessage);
            assertEquals(num(f, "read", "total_ios"), a.read.ios, what);
            assertEquals(num(f, "read", "io_bytes"), a.read.bytes, what);
            assertEquals(num(f, "write", "total_ios"), a.write.ios, what);
            assertEquals(num(f, "write", "io_bytes"), a.write.bytes, what);
            assertEquals(num(f, "sync", "total_ios"), a.syncsCounted(), what);
            assertEquals(num(f, "sync", "lat_ns", "N"), a.sync.ios, what + ": syncs timed");
        }
    }
}
