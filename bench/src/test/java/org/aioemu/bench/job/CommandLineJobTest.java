package org.aioemu.bench.job;

import static org.aioemu.bench.job.JobFiles.assertBs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code aioemu bench}'s fio-style arguments. */
class CommandLineJobTest {
    private static JobOptions job(String... args) {
        return CommandLineJob.parse(List.of(args), new JobOptions()).job();
    }

    private static String error(String... args) {
        return assertThrows(JobFileException.class, () -> job(args)).getMessage();
    }

    @Test
    void fioStyleOptions() {
        JobOptions j = job("--name=x", "--rw=randread", "--bs=4k", "--iodepth=16", "--size=1g", "--runtime=10",
                "--time_based", "--direct=1", "--numjobs=2", "--rwmixread=70", "--ioengine=io_uring");
        assertEquals("x", j.name);
        assertEquals(JobOptions.RwMode.RANDREAD, j.rw);
        assertBs(j, 4096, 4096, 4096);
        assertEquals(16, j.iodepth);
        assertEquals(1L << 30, j.size);
        assertEquals(10 * FioNumbers.SECOND, j.runtimeNanos);
        assertTrue(j.timeBased);
        assertTrue(j.direct);
        assertEquals(2, j.numjobs);
        assertEquals(70, j.rwmixread);
        assertEquals("io_uring", j.aioEngine);
        assertEquals("command line", j.source);
        assertEquals(0, j.index);
        assertEquals(List.of("name", "rw", "bs", "iodepth", "size", "runtime", "time_based", "direct", "numjobs",
                "rwmixread", "ioengine"), List.copyOf(j.given.keySet()));
    }

    @Test
    void seedIsTheStartingPointAndIsNotChanged() {
        JobOptions seed = new JobOptions();
        seed.iodepth = 16;
        seed.rw = JobOptions.RwMode.RANDREAD;
        seed.timeBased = true;
        seed.given.put("iodepth", "16");
        JobOptions j = CommandLineJob.parse(List.of("--bs=8k"), seed).job();
        assertEquals(16, j.iodepth);
        assertEquals(JobOptions.RwMode.RANDREAD, j.rw);
        assertTrue(j.timeBased);
        assertEquals(Map.of("bs", "8k"), j.given);
        assertEquals(4096, seed.bs[0]);
        assertEquals(Map.of("iodepth", "16"), seed.given);
    }

    @Test
    void valueInTheNextArgument() {
        JobOptions j = job("--bs", "8k", "--time_based", "--direct", "1", "--norandommap", "--iodepth", "4");
        assertBs(j, 8192, 8192, 8192);
        assertTrue(j.timeBased);
        assertTrue(j.direct);
        assertTrue(j.norandommap);
        assertEquals(4, j.iodepth);
        JobOptions off = job("--direct", "0", "--time_based", "no");
        assertFalse(off.direct);
        assertFalse(off.timeBased);
    }

    @Test
    void bareBooleanDoesNotSwallowANonBoolean() {
        assertEquals("x: unexpected argument (options are written --name=value)", error("--time_based", "x"));
    }

    @Test
    void errorsQuoteTheArgument() {
        assertEquals("--bsz=4k: unknown option; did you mean --bs?", error("--bsz=4k"));
        assertEquals("--frobnicate: unknown option", error("--frobnicate"));
        assertEquals("--bs=4q: bad value (expected " + FioNumbers.SIZE + ")", error("--bs=4q"));
        assertEquals("--bs 4q: bad value (expected " + FioNumbers.SIZE + ")", error("--bs", "4q"));
        assertEquals("--iodepth: needs a value (--iodepth=...)", error("--iodepth"));
        assertEquals("--iodepth: needs a value (--iodepth=...)", error("--iodepth", "--direct=1"));
        assertTrue(error("--ioengine=splice").startsWith("--ioengine=splice: not supported by aioemu (its engines are "));
        assertEquals("--write_barrier=4: fio option not supported by aioemu: fio issues barrier writes only through its"
                + " sg (SCSI generic) engine", error("--write_barrier=4"));
        assertEquals("-b: unexpected argument (options are written --name=value)", error("-b"));
        assertEquals("--: unexpected argument (options are written --name=value)", error("--"));
        assertEquals("'': an empty argument (options are written --name=value)", error(""));
        assertEquals("' ': an empty argument (options are written --name=value)", error("--rw=read", " "));
    }

    @Test
    void oneJobOnly() {
        assertEquals("--name=b: aioemu bench runs one job; put several in a job file (aioemu run)",
                error("--name=a", "--bs=8k", "--name=b"));
    }

    @Test
    void ignoredOptionsGiveNotices() {
        CommandLineJob c = CommandLineJob.parse(List.of("--thread", "--ioscheduler=none", "--invalidate=0", "--bs=8k"),
                new JobOptions());
        assertEquals(List.of("command line: option 'thread' only tunes fio internals; ignored",
                "command line: option 'ioscheduler' only tunes fio internals; ignored"), c.notices());
        assertFalse(c.job().invalidate, "invalidate is done, not ignored");
    }

    @Test
    void callerOptionsAreHandedBack() {
        CommandLineJob c = CommandLineJob.parse(List.of("--output-format=json", "--bs=8k", "--eta", "--aio=sync"),
                new JobOptions(), Set.of("output-format", "eta"));
        assertEquals(Map.of("output-format", "json", "eta", ""), c.callerOptions());
        assertEquals(List.of("output-format", "eta"), List.copyOf(c.callerOptions().keySet()));
        assertEquals("sync", c.job().aioEngine, "aio is in the table, as aioemu's own option");
        assertFalse(c.job().given.containsKey("output-format"));
    }

    @Test
    void bareLogOptionTakesTheJobName() {
        assertEquals("x", job("--name=x", "--write_bw_log").writeBwLog);
        assertEquals("", job("--write_lat_log").writeLatLog, "no name: left for the caller");
        assertNull(job("--bs=4k").writeIopsLog);
    }

    @Test
    void valuesMayContainEqualsAndSpaces() {
        assertEquals("/tmp/a=b", job("--filename=/tmp/a=b").filename);
        assertEquals("/tmp/a b", job("--filename", "/tmp/a b").filename);
        assertEquals(List.of((byte) 'a', (byte) ' '), List.of(job("--buffer_pattern=\"a \"").bufferPattern[0],
                job("--buffer_pattern=\"a \"").bufferPattern[1]));
    }

    @Test
    void latencyPercentileListWithoutAValueIsRefused() {
        // ":" split into no elements and threw ArrayIndexOutOfBoundsException (found by CommandLineJobFuzzTest).
        assertEquals("--latency_percentile=:: bad value (expected a percentage (got ':'))",
                error("--latency_percentile=:"));
        assertEquals(99.5, job("--latency_percentile=99.5:90").latencyPercentile);
    }
}
