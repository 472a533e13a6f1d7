package org.aioemu.bench.job;

import static org.aioemu.bench.job.FioNumbers.MICROSECOND;
import static org.aioemu.bench.job.FioNumbers.MILLISECOND;
import static org.aioemu.bench.job.FioNumbers.SECOND;
import static org.aioemu.bench.job.JobFiles.assertBs;
import static org.aioemu.bench.job.JobFiles.job;
import static org.aioemu.bench.job.JobFiles.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.aioemu.bench.job.JobOptions.BsSplit;
import org.aioemu.bench.job.JobOptions.Distribution;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.job.JobOptions.Verify;
import org.junit.jupiter.api.Test;

/**
 * The values the job files under jobs/good parse to. Each expectation was checked against fio 3.33
 * ({@code fio --debug=parse --parse-only}, or the bs=(R)..(W)..(T) line of a null-engine run); the few
 * places where aioemu deliberately differs say so.
 */
class GoodJobFilesTest {
    @Test
    void sizes() {
        List<JobOptions> jobs = parse("good/sizes.fio");
        for (String name : List.of("k", "K", "kb", "KB", "ki", "b", "hex")) {
            assertBs(job(jobs, name), 4096, 4096, 4096);
        }
        assertBs(job(jobs, "KiB"), 4000, 4000, 4000); // fio's compatibility mode, kb_base=1024
        assertBs(job(jobs, "plain"), 512, 512, 512);
        assertBs(job(jobs, "m"), 1 << 20, 1 << 20, 1 << 20);
        assertEquals(1L << 20, job(jobs, "m").size, "[global] size=1m");
        assertEquals(1L << 30, job(jobs, "g").size);
        assertEquals(2L << 40, job(jobs, "t").size);
        assertEquals(1L << 50, job(jobs, "p").size);
        assertEquals(1_000_000, job(jobs, "mib").size);
        JobOptions pct = job(jobs, "size-percent");
        assertEquals(50, pct.sizePercent);
        assertEquals(0, pct.size, "a percentage replaces [global]'s byte size");
        assertEquals(10, pct.offsetPercent);
        assertEquals(1 << 20, job(jobs, "offset-bytes").offset);
        assertEquals(2L << 30, job(jobs, "offset-bytes").ioSize);
        assertEquals(512 << 10, job(jobs, "io-limit").ioSize);
        assertEquals(1 << 20, job(jobs, "filesize").filesizeLow);
        assertEquals(2 << 20, job(jobs, "filesize").filesizeHigh);
        assertEquals(8 << 20, job(jobs, "filesize-one").filesizeLow);
        assertEquals(8 << 20, job(jobs, "filesize-one").filesizeHigh);
        assertEquals(3, job(jobs, "nrfiles").nrfiles);
        assertEquals(1024, job(jobs, "int-suffix").iodepth);
        assertEquals(1024, job(jobs, "int-suffix").rateIops[0]);
    }

    @Test
    void kbBase1000() {
        List<JobOptions> jobs = parse("good/kb-base.fio");
        JobOptions si = job(jobs, "si");
        assertEquals(1000, si.size);
        assertBs(si, 4096, 4096, 4096);
        assertEquals(1_000_000, si.rate[0]);
        assertEquals(1 << 20, job(jobs, "mib").size);
        assertEquals("1000", si.given.get("kb_base"));
    }

    @Test
    void perDirection() {
        List<JobOptions> jobs = parse("good/per-direction.fio");
        assertBs(job(jobs, "all"), 8192, 8192, 8192);
        assertBs(job(jobs, "two"), 8192, 32768, 32768);
        assertBs(job(jobs, "two-comma"), 8192, 32768, 16384);
        assertBs(job(jobs, "skip-read"), 16384, 8192, 8192);
        assertBs(job(jobs, "skip-read-trim"), 16384, 8192, 16384);
        assertBs(job(jobs, "three"), 4096, 8192, 16384);
        assertBs(job(jobs, "middle-empty"), 4096, 16384, 16384);
        assertArrayEquals(new int[]{1024, 1024, 1024}, job(jobs, "range").bsrangeLow);
        assertArrayEquals(new int[]{4096, 4096, 4096}, job(jobs, "range").bsrangeHigh);
        assertArrayEquals(new int[]{1024, 2048, 2048}, job(jobs, "range-two").bsrangeLow);
        assertArrayEquals(new int[]{4096, 8192, 8192}, job(jobs, "range-two").bsrangeHigh);
        assertArrayEquals(new int[]{512, 512, 512}, job(jobs, "range-alias").bsrangeLow);
        assertArrayEquals(new int[]{65536, 65536, 65536}, job(jobs, "range-alias").bsrangeHigh);
        assertArrayEquals(new int[]{4096, 8192, 8192}, job(jobs, "align").ba);
        assertArrayEquals(new int[]{512, 512, 512}, job(jobs, "align-alias").ba);
        JobOptions rate = job(jobs, "rate");
        assertArrayEquals(new long[]{1 << 20, 2 << 20, 2 << 20}, rate.rate);
        assertArrayEquals(new long[]{0, 500 << 10, 500 << 10}, rate.rateMin);
        assertArrayEquals(new long[]{100, 200, 300}, rate.rateIops);
        assertArrayEquals(new long[]{100 << 10, 100 << 10, 100 << 10}, job(jobs, "rate-alias").rateMin);
        assertArrayEquals(new int[]{50, 10, 10}, job(jobs, "random-pct").percentageRandom);
    }

    @Test
    void bssplit() {
        List<JobOptions> jobs = parse("good/per-direction.fio");
        BsSplit[] split = {new BsSplit(4096, 10), new BsSplit(65536, 50), new BsSplit(32768, 40)};
        assertSplits(job(jobs, "split"), split, split, split);
        BsSplit[] blank = {new BsSplit(4096, 50), new BsSplit(1024, 25), new BsSplit(32768, 25)};
        assertSplits(job(jobs, "split-blank"), blank, blank, blank);
        BsSplit[] read = {new BsSplit(2048, 50), new BsSplit(4096, 50)};
        BsSplit[] write = {new BsSplit(4096, 90), new BsSplit(8192, 10)};
        assertSplits(job(jobs, "split-dirs"), read, write, write);
        BsSplit[] none = {new BsSplit(4096, 33), new BsSplit(8192, 33), new BsSplit(16384, 33)};
        assertSplits(job(jobs, "split-none"), none, none, none);
        BsSplit[] w8k = {new BsSplit(8192, 100)};
        assertSplits(job(jobs, "split-write"), null, w8k, w8k);
        assertNull(job(jobs, "all").bssplit[0]);
    }

    private static void assertSplits(JobOptions j, BsSplit[] read, BsSplit[] write, BsSplit[] trim) {
        assertArrayEquals(read, j.bssplit[JobOptions.READ], j.name + " read");
        assertArrayEquals(write, j.bssplit[JobOptions.WRITE], j.name + " write");
        assertArrayEquals(trim, j.bssplit[JobOptions.TRIM], j.name + " trim");
    }

    @Test
    void times() {
        List<JobOptions> jobs = parse("good/times.fio");
        JobOptions plain = job(jobs, "plain");
        assertEquals(10 * SECOND, plain.runtimeNanos);
        assertEquals(3 * SECOND, plain.rampTimeNanos);
        assertEquals(2 * SECOND, plain.startdelayNanos);
        assertEquals(10 * MICROSECOND, plain.thinktimeNanos, "thinktime's bare unit is microseconds");
        assertEquals(4, plain.thinktimeBlocks);
        JobOptions units = job(jobs, "units");
        assertEquals(500 * MILLISECOND, units.runtimeNanos);
        assertEquals(100 * MICROSECOND, units.rampTimeNanos);
        assertEquals(120 * SECOND, units.startdelayNanos);
        assertEquals(10 * MILLISECOND, units.thinktimeNanos);
        JobOptions more = job(jobs, "more-units");
        assertEquals(3600 * SECOND, more.runtimeNanos);
        assertEquals("1h", more.given.get("runtime"), "timeout is recorded under fio's name, runtime");
        assertEquals(86400 * SECOND, more.rampTimeNanos);
        assertEquals(SECOND, more.thinktimeNanos);
        JobOptions upper = job(jobs, "upper");
        assertEquals(600 * SECOND, upper.runtimeNanos);
        assertEquals(2 * MILLISECOND, upper.rampTimeNanos);
        assertEquals(SECOND, upper.thinktimeNanos);
        JobOptions msec = job(jobs, "msec");
        assertEquals(500 * MILLISECOND, msec.runtimeNanos);
        assertEquals(100 * MICROSECOND, msec.thinktimeNanos);
        assertEquals(500, msec.logAvgMsec);
        assertEquals(0, job(jobs, "zero").runtimeNanos);
    }

    @Test
    void rwModes() {
        List<JobOptions> jobs = parse("good/rw-modes.fio");
        for (RwMode m : RwMode.values()) {
            assertEquals(m, job(jobs, m.fioName).rw, m.fioName);
        }
        assertEquals(RwMode.RW, job(jobs, "readwrite").rw);
        assertEquals(70, job(jobs, "readwrite").rwmixread);
        assertEquals(80, job(jobs, "randrw").rwmixread, "rwmixwrite=20");
        assertEquals(50, job(jobs, "rw").rwmixread);
        assertEquals(RwMode.RANDREAD, job(jobs, "randread-8").rw);
        assertEquals(8, job(jobs, "randread-8").rwSequencer);
        assertEquals(4096, job(jobs, "write-holes").rwSequencer);
        assertEquals(0, job(jobs, "empty-modifier").rwSequencer);
        assertEquals(90, job(jobs, "mix-last-wins").rwmixread, "the later of rwmixread/rwmixwrite wins");
        assertEquals("randread", job(jobs, "randread").given.get("rw"), "readwrite is recorded as rw");
    }

    @Test
    void distributions() {
        List<JobOptions> jobs = parse("good/distributions.fio");
        assertDistribution(job(jobs, "zipf"), Distribution.ZIPF, 1.2);
        assertDistribution(job(jobs, "zipf-default"), Distribution.ZIPF, 1.1);
        assertDistribution(job(jobs, "pareto"), Distribution.PARETO, 0.9);
        assertDistribution(job(jobs, "pareto-default"), Distribution.PARETO, 0.2);
        assertDistribution(job(jobs, "normal"), Distribution.NORMAL, 5);
        assertDistribution(job(jobs, "normal-default"), Distribution.NORMAL, 0);
        JobOptions random = job(jobs, "random");
        assertDistribution(random, Distribution.RANDOM, 0);
        assertTrue(random.norandommap);
        assertFalse(random.randrepeat);
        assertEquals(1234, random.randseed);
        assertTrue(random.randseedGiven);
        assertEquals("lfsr", random.randomGenerator);
        JobOptions hex = job(jobs, "hex-seed");
        assertEquals(16, hex.randseed);
        assertTrue(hex.randrepeat && hex.allrandrepeat, "allrandrepeat is its own option");
        assertEquals("tausworthe64", hex.randomGenerator);
        assertFalse(job(jobs, "zipf").randseedGiven);
        assertEquals(0x89, job(jobs, "zipf").randseed);
    }

    private static void assertDistribution(JobOptions j, Distribution d, double param) {
        assertEquals(d, j.randomDistribution, j.name);
        assertEquals(param, j.randomDistributionParam, 1e-12, j.name);
    }

    @Test
    void verifyAndPatterns() {
        List<JobOptions> jobs = parse("good/verify-patterns.fio");
        JobOptions crc = job(jobs, "crc");
        assertEquals(Verify.CRC32C, crc.verify);
        assertTrue(crc.verifyFatal);
        assertFalse(crc.doVerify);
        assertEquals(Verify.CRC32C, job(jobs, "crc-intel").verify);
        assertEquals(Verify.MD5, job(jobs, "md5").verify);
        assertEquals(Verify.PATTERN, job(jobs, "pattern").verify);
        assertArrayEquals(bytes(0xde, 0xad, 0xbe, 0xef), job(jobs, "pattern").verifyPattern);
        assertEquals(Verify.NONE, job(jobs, "none").verify);
        assertEquals(Verify.NONE, job(jobs, "null").verify);
        JobOptions buffers = job(jobs, "buffers");
        assertArrayEquals("abc".getBytes(), buffers.bufferPattern);
        assertTrue(buffers.zeroBuffers);
        assertTrue(buffers.refillBuffers);
        assertFalse(buffers.scrambleBuffers);
        assertEquals(50, buffers.bufferCompressPercentage);
        assertTrue(job(jobs, "crc").scrambleBuffers, "fio's default");
        assertArrayEquals(bytes(12), job(jobs, "decimal").bufferPattern);
        assertArrayEquals(bytes(0, 1), job(jobs, "decimal").verifyPattern);
        assertArrayEquals(bytes(0xf4, 0xff, 0xff, 0xff), job(jobs, "negative").bufferPattern);
        assertArrayEquals(bytes(0xde, 0xad, 0xfa, 0xce, 'a', 'b', 'c', 'd', 0xf4, 0xff, 0xff, 0xff),
                job(jobs, "combined").bufferPattern);
        assertArrayEquals(bytes(0x01, 0x23), job(jobs, "odd-hex").verifyPattern);
    }

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void engines() {
        List<JobOptions> jobs = parse("good/engines.fio");
        assertEquals("io_uring", job(jobs, "io_uring").aioEngine);
        for (String e : List.of("libaio", "posixaio", "psync", "sync", "pvsync", "pvsync2")) {
            assertEquals("threads", job(jobs, e).aioEngine, e);
            assertEquals(e, job(jobs, e).ioengine);
        }
        assertEquals("null", job(jobs, "null").aioEngine);
        assertEquals("0-3", job(jobs, "cpus").cpusAllowed);
        assertEquals("psync", job(jobs, "cpus").ioengine, "fio's default");
    }

    @Test
    void logs() {
        List<JobOptions> jobs = parse("good/logs.fio");
        JobOptions bare = job(jobs, "bare");
        assertEquals("bare", bare.writeBwLog, "a bare log option takes the job name, as fio names the file");
        assertEquals("bare", bare.writeLatLog);
        assertEquals("bare", bare.writeIopsLog);
        assertEquals(1000, bare.logAvgMsec);
        JobOptions prefixed = job(jobs, "prefixed");
        assertEquals("bw", prefixed.writeBwLog);
        assertEquals("lat", prefixed.writeLatLog);
        assertEquals("iops", prefixed.writeIopsLog);
        assertEquals("/tmp/aioemu-io.log", prefixed.writeIolog);
        assertNull(prefixed.readIolog);
        JobOptions replay = job(jobs, "replay");
        assertEquals("/tmp/aioemu-io.log", replay.readIolog);
        assertTrue(replay.replayNoStall);
        assertNull(replay.writeBwLog);
    }

    @Test
    void filesAndDurability() {
        List<JobOptions> jobs = parse("good/files.fio");
        JobOptions f = job(jobs, "files");
        assertEquals("/tmp/a\\:b:/tmp/c", f.filename, "kept as written; the runner splits on unescaped ':'");
        assertEquals("/tmp", f.directory);
        assertTrue(f.createOnOpen);
        assertEquals("none", f.fallocate);
        assertTrue(f.unlink);
        assertTrue(f.endFsync);
        assertTrue(f.fsyncOnClose);
        assertEquals(32, f.fsync);
        assertEquals(16, f.fdatasync);
        assertTrue(f.sync);
        JobOptions old = job(jobs, "fallocate-old");
        assertEquals("posix", old.fallocate);
        assertTrue(old.sync);
        assertFalse(old.direct, "buffered=1 after direct=1");
        JobOptions keep = job(jobs, "fallocate-keep");
        assertEquals("keep", keep.fallocate);
        assertFalse(keep.sync);
        assertTrue(keep.direct, "buffered=0");
    }

    @Test
    void workload() {
        List<JobOptions> jobs = parse("good/workload.fio");
        JobOptions d = job(jobs, "depths");
        assertEquals(32, d.iodepth);
        assertEquals(8, d.iodepthBatchSubmit);
        assertEquals(4, d.iodepthBatchCompleteMin);
        assertEquals(16, d.iodepthBatchCompleteMax);
        assertEquals(2, d.numjobs);
        assertEquals(3, d.loops);
        JobOptions a = job(jobs, "depth-aliases");
        assertEquals(2, a.iodepthBatchSubmit);
        assertEquals(1, a.iodepthBatchCompleteMin);
        assertTrue(a.blocksizeUnaligned);
        assertTrue(a.stonewall);
        assertTrue(a.newGroup);
        JobOptions m = job(jobs, "more");
        assertFalse(m.blocksizeUnaligned);
        assertTrue(m.stonewall);
        assertFalse(m.timeBased);
        assertTrue(m.groupReporting);
        assertEquals(List.of("bs_unaligned", "stonewall", "time_based", "group_reporting"), List.copyOf(m.given.keySet()));
    }

    @Test
    void deliberateDifferencesFromFio() {
        List<JobOptions> jobs = parse("good/divergent.fio");
        assertBs(job(jobs, "space-after-equals"), 4096, 4096, 4096);
        assertEquals(10 * SECOND, job(jobs, "sec-suffix").runtimeNanos);
        assertEquals(120 * SECOND, job(jobs, "sec-suffix").rampTimeNanos);
    }
}
