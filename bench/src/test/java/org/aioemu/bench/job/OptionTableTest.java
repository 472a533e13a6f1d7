package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The option table: its rows, lookups, suggestions, and what applying an option does. */
class OptionTableTest {
    private static final OptionTable TABLE = OptionTable.standard();

    /** Applies name=value (value null: bare) to a fresh job, returns the job. */
    private static JobOptions apply(String name, String value) {
        JobOptions j = new JobOptions();
        TABLE.apply(j, new ApplyContext(), name, value);
        return j;
    }

    private static OptionError error(String name, String value) {
        return assertThrows(OptionError.class, () -> apply(name, value));
    }

    @ParameterizedTest
    @CsvSource({
        "name,name", "filename,filename", "directory,directory", "size,size", "filesize,filesize",
        "offset,offset", "fileoffset,offset", "io_size,io_size", "io_limit,io_size", "nrfiles,nrfiles",
        "nr_files,nrfiles", "rw,rw", "readwrite,rw", "rwmixread,rwmixread", "rwmixwrite,rwmixwrite", "bs,bs",
        "blocksize,bs", "bsrange,bsrange", "blocksize_range,bsrange", "bssplit,bssplit",
        "blocksize_unaligned,bs_unaligned", "bs_unaligned,bs_unaligned", "ba,ba", "blockalign,ba",
        "iodepth,iodepth", "iodepth_batch,iodepth_batch", "iodepth_batch_submit,iodepth_batch",
        "iodepth_batch_complete_min,iodepth_batch_complete_min",
        "iodepth_batch_complete,iodepth_batch_complete_min", "iodepth_batch_complete_max,iodepth_batch_complete_max",
        "numjobs,numjobs", "group_reporting,group_reporting", "runtime,runtime", "timeout,runtime",
        "time_based,time_based", "ramp_time,ramp_time", "startdelay,startdelay", "loops,loops", "direct,direct",
        "buffered,buffered", "sync,sync", "fsync,fsync", "fdatasync,fdatasync", "end_fsync,end_fsync",
        "fsync_on_close,fsync_on_close", "norandommap,norandommap", "randrepeat,randrepeat",
        "allrandrepeat,allrandrepeat", "randseed,randseed", "random_distribution,random_distribution",
        "random_generator,random_generator", "percentage_random,percentage_random", "rate,rate",
        "rate_iops,rate_iops", "rate_min,rate_min", "ratemin,rate_min", "thinktime,thinktime",
        "thinktime_blocks,thinktime_blocks", "stonewall,stonewall", "wait_for_previous,stonewall",
        "new_group,new_group", "create_on_open,create_on_open", "fallocate,fallocate", "unlink,unlink",
        "zero_buffers,zero_buffers", "refill_buffers,refill_buffers", "scramble_buffers,scramble_buffers",
        "buffer_compress_percentage,buffer_compress_percentage", "buffer_pattern,buffer_pattern", "verify,verify",
        "verify_pattern,verify_pattern", "verify_fatal,verify_fatal", "do_verify,do_verify",
        "read_iolog,read_iolog", "write_iolog,write_iolog", "replay_no_stall,replay_no_stall",
        "write_bw_log,write_bw_log", "write_lat_log,write_lat_log", "write_iops_log,write_iops_log",
        "log_avg_msec,log_avg_msec", "ioengine,ioengine", "cpus_allowed,cpus_allowed", "kb_base,kb_base",
    })
    void everyOptionAndAliasIsInTheTable(String spelling, String canonical) {
        OptionSpec spec = TABLE.find(spelling).orElseThrow(() -> new AssertionError(spelling));
        assertEquals(canonical, spec.name());
        assertNotEquals(OptionSpec.Kind.IGNORED, spec.kind(), spelling);
    }

    @Test
    void rowsAreWellFormed() {
        assertEquals("name", TABLE.options().get(0).name());
        for (OptionSpec o : TABLE.options()) {
            assertFalse(o.help().isBlank(), o.name());
            assertEquals(o, TABLE.find(o.name()).orElseThrow());
            for (String a : o.aliases()) {
                assertEquals(o, TABLE.find(a).orElseThrow(), a);
            }
            boolean aioemuOwn = Set.of("aio", "format", "write_blktrace", "inject", "throttle").contains(o.name()); // documented as aioemu's own
            boolean engineOption = Set.of("hipri", "hipri_percentage", "fixedbufs", "registerfiles", "sqthread_poll",
                    "sqthread_poll_cpu", "nonvectored", "uncached", "nowait", "force_async", "userspace_reap",
                    "cmdprio_percentage", "cmdprio", "cmdprio_class", "cmdprio_bssplit", "cmdprio_hint", "uri").contains(o.name());
            assertTrue(aioemuOwn || engineOption || FioOptionNames.contains(o.name()), o.name() + " is not fio's");
        }
        assertTrue(TABLE.find("BS").isEmpty(), "names are case-sensitive, as in fio");
        assertTrue(TABLE.options().stream().anyMatch(o -> o.kind() == OptionSpec.Kind.IGNORED && o.name().equals("thread")));
    }

    @ParameterizedTest
    @CsvSource({
        "bsz,bs", "iodepht,iodepth", "iodpeth,iodepth", "runtim,runtime", "blocksze,blocksize", "rwmixred,rwmixread",
        "time-based,time_based", "direcct,direct", "numjob,numjobs", "ioengin,ioengine", "filname,filename",
        "thinktime_block,thinktime_blocks", "randseeds,randseed",
    })
    void suggestions(String misspelt, String suggested) {
        assertEquals(suggested, TABLE.suggest(misspelt));
    }

    @Test
    void noSuggestionWhenNothingIsClose() {
        assertNull(TABLE.suggest("frobnicate"));
        assertNull(TABLE.suggest("xyz"));
        assertNull(TABLE.suggest("q"));
    }

    @Test
    void levenshtein() {
        assertEquals(0, OptionTable.levenshtein("bs", "bs"));
        assertEquals(1, OptionTable.levenshtein("bsz", "bs"));
        assertEquals(2, OptionTable.levenshtein("iodepht", "iodepth"));
        assertEquals(3, OptionTable.levenshtein("kitten", "sitting"));
        assertEquals(4, OptionTable.levenshtein("", "abcd"));
    }

    @Test
    void givenUsesFiosNameAndTheValueAsWritten() {
        JobOptions j = apply("blocksize", " 8k ,16k");
        assertEquals("bs", j.given.keySet().iterator().next());
        assertEquals(" 8k ,16k", j.given.get("bs"));
        assertEquals("", apply("time_based", null).given.get("time_based"));
        JobOptions ignored = apply("iomem", "malloc");
        assertEquals("malloc", ignored.given.get("iomem"), "ignored options keep the spelling used");
    }

    @Test
    void noticeOnlyForIgnoredOptions() {
        assertEquals("option 'ioscheduler' only tunes fio internals; ignored",
                TABLE.apply(new JobOptions(), new ApplyContext(), "ioscheduler", "none"));
        assertEquals("option 'cmdprio_class' sets an I/O priority, which aioemu's engines do not pass to the kernel; ignored",
                TABLE.apply(new JobOptions(), new ApplyContext(), "cmdprio_class", "1"));
        assertNull(TABLE.apply(new JobOptions(), new ApplyContext(), "invalidate", "1"), "done, not ignored");
        assertEquals("option 'hipri' only tunes fio internals; ignored",
                TABLE.apply(new JobOptions(), new ApplyContext(), "hipri", null));
        assertNull(TABLE.apply(new JobOptions(), new ApplyContext(), "bs", "4k"));
        assertNull(TABLE.apply(new JobOptions(), new ApplyContext(), "description", "anything"));
    }

    @Test
    void rwmixSetsBoth() {
        assertEquals(70, apply("rwmixread", "70").rwmixread);
        assertEquals(70, apply("rwmixwrite", "30").rwmixread);
        assertEquals(100, apply("rwmixwrite", "0").rwmixread);
    }

    @Test
    void engines() {
        assertEquals("io_uring", apply("ioengine", "io_uring").aioEngine);
        for (String e : List.of("libaio", "posixaio", "psync", "sync", "vsync", "pvsync", "pvsync2")) {
            JobOptions j = apply("ioengine", e);
            assertEquals("threads", j.aioEngine, e);
            assertEquals(e, j.ioengine);
        }
        assertEquals("null", apply("ioengine", "null").aioEngine);
        assertEquals("mmap", apply("ioengine", "mmap").aioEngine);
        for (String e : List.of("splice", "sg", "rbd", "external:/x.so", "IO_URING")) {
            assertEquals(OptionError.Kind.UNSUPPORTED_VALUE, error("ioengine", e).kind, e);
        }
        assertEquals("sync", apply("aio", "sync").aioEngine);
        assertEquals(OptionError.Kind.BAD_VALUE, error("aio", "libaio").kind);
    }

    @Test
    void verifyKinds() {
        assertEquals(JobOptions.Verify.NONE, apply("verify", "0").verify);
        assertEquals(OptionError.Kind.UNSUPPORTED_VALUE, error("verify", "sha256").kind);
        assertEquals(JobOptions.Verify.META, apply("verify", "meta").verify);
        assertEquals(OptionError.Kind.BAD_VALUE, error("verify", "crc33").kind);
    }

    @Test
    void syncWords() {
        for (String on : List.of("1", "sync", "dsync", "true")) {
            assertTrue(apply("sync", on).sync, on);
        }
        for (String off : List.of("0", "none", "false")) {
            assertFalse(apply("sync", off).sync, off);
        }
    }

    @Test
    void sizeAndPercentReplaceEachOther() {
        JobOptions j = new JobOptions();
        ApplyContext c = new ApplyContext();
        TABLE.apply(j, c, "size", "1g");
        TABLE.apply(j, c, "size", "20%");
        assertEquals(0, j.size);
        assertEquals(20, j.sizePercent);
        TABLE.apply(j, c, "size", "2m");
        assertEquals(2 << 20, j.size);
        assertEquals(0, j.sizePercent);
        TABLE.apply(j, c, "offset", "5%");
        TABLE.apply(j, c, "offset", "4k");
        assertEquals(4096, j.offset);
        assertEquals(0, j.offsetPercent);
    }

    @Test
    void kbBaseAppliesToWhatFollows() {
        JobOptions j = new JobOptions();
        ApplyContext c = new ApplyContext();
        TABLE.apply(j, c, "size", "1k");
        TABLE.apply(j, c, "kb_base", "1000");
        TABLE.apply(j, c, "io_size", "1k");
        assertEquals(1024, j.size);
        assertEquals(1000, j.ioSize);
    }

    @Test
    void rwModifierResetsWhenRewritten() {
        JobOptions j = new JobOptions();
        ApplyContext c = new ApplyContext();
        TABLE.apply(j, c, "rw", "randread:8");
        assertEquals(8, j.rwSequencer);
        TABLE.apply(j, c, "rw", "randread");
        assertEquals(0, j.rwSequencer);
    }

    @Test
    void errorKinds() {
        OptionError unknown = error("bsz", "4k");
        assertEquals(OptionError.Kind.UNKNOWN, unknown.kind);
        assertEquals("bs", unknown.detail);
        assertEquals("f:1: unknown option 'bsz'; did you mean 'bs'?", unknown.inFile("f:1"));
        assertEquals("--bsz=4k: unknown option; did you mean --bs?", unknown.onCommandLine("--bsz=4k"));
        assertEquals(OptionError.Kind.UNSUPPORTED_VALUE, error("zonemode", "zbd").kind, "strided is done; zbd needs a zoned device");
        assertEquals(OptionError.Kind.UNSUPPORTED_OPTION, error("write_barrier", "4").kind);
        assertEquals(OptionError.Kind.MISSING_VALUE, error("bs", null).kind);
        assertEquals(OptionError.Kind.MISSING_VALUE, error("read_iolog", null).kind);
        OptionError bad = error("bs", "4q");
        assertEquals("f:2: bad value for 'bs': '4q' (expected " + FioNumbers.SIZE + ")", bad.inFile("f:2"));
        assertEquals("--bs=4q: bad value (expected " + FioNumbers.SIZE + ")", bad.onCommandLine("--bs=4q"));
        assertEquals(OptionError.Kind.BAD_VALUE, error("filename", " ").kind);
        assertEquals(OptionError.Kind.BAD_VALUE, error("random_distribution", "zipf:").kind);
        assertEquals(OptionError.Kind.BAD_VALUE, error("random_distribution", "ZIPF").kind);
        assertEquals(OptionError.Kind.BAD_VALUE, error("buffer_compress_percentage", "101").kind);
        assertEquals(OptionError.Kind.BAD_VALUE, error("nrfiles", "0").kind);
        assertEquals(OptionError.Kind.BAD_VALUE, error("log_avg_msec", "-1").kind);
    }
}
