package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aioemu.bench.Cli.Run;
import org.aioemu.bench.job.CommandLineJob;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.blockdev.FaultInjection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --inject} and continue_on_error as a user meets them: rules add up, a bad rule or errno list is one line
 * naming it, and the results count the errors a job went on after in fio's shapes (JSON total_err and first_error,
 * the normal output's "errors" line), with exit status 0.
 */
class InjectCommandTest {
    @TempDir
    Path dir;

    @Test
    void rulesAddUpInOrder() {
        JobOptions job = CommandLineJob.parse(List.of("--inject=read:errno=EIO:every=3", "--inject=flush:errno=ENOSPC:nth=1"),
                BenchCommand.defaults()).job();
        assertEquals(FaultInjection.parse("read:errno=EIO:every=3;flush:errno=ENOSPC:nth=1"), job.faults);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--inject=reed:errno=EIO | --inject=reed:errno=EIO: bad value (expected a valid fault rule; 'reed' is not an operation",
            "--inject=read:every=0 | --inject=read:every=0: bad value (expected a valid fault rule; every=0: expected a count of at least 1)",
            "--inject=read:errno=EBOGUS | errno=EBOGUS: expected EIO, ENOSPC, EAGAIN, EINTR or a positive number",
            "--continue_on_error=sometimes | --continue_on_error=sometimes: bad value (expected one of none, 0, read, write, io, verify, all, 1)",
            "--ignore_error=EIO,EFOO | 'EFOO' is neither"})
    void badInputIsOneLine(String arg, String expected) {
        Run r = Cli.aioemu("bench", "--filename=" + dir.resolve("x.raw"), "--size=1m", arg);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(dir.resolve("x.raw")), "nothing created for a bad command line");
    }

    @Test
    void countedErrorsInJsonAndNormalOutput() throws Exception {
        String[] args = {"bench", "--filename=" + dir.resolve("e.raw"), "--size=1m", "--rw=randwrite", "--iodepth=1",
            "--time_based=0", "--inject=write:errno=EIO:every=16", "--continue_on_error=io"};
        Run json = Cli.aioemu(concat(args, "--output-format=json"));
        assertEquals(0, json.exit(), json.err());
        JsonNode job = new ObjectMapper().readTree(json.out()).path("jobs").get(0);
        assertEquals(5, job.path("error").asInt(), "fio: the first error, though the job went on");
        assertEquals(16, job.path("total_err").asLong());
        assertEquals(5, job.path("first_error").asInt());
        assertEquals(240, job.path("write").path("total_ios").asLong());
        Run normal = Cli.aioemu(args);
        assertEquals(0, normal.exit(), normal.err());
        assertTrue(normal.out().contains("errors    : total=16, first_error=5/<Input/output error>"), normal.out());
        assertTrue(normal.out().contains("err= 5 (error=write of 4096 bytes at offset"), normal.out());
    }

    @Test
    void aJobStoppedByAnInjectedErrorFailsWithItsMessage() {
        Run r = Cli.aioemu("bench", "--filename=" + dir.resolve("s.raw"), "--size=1m", "--rw=randwrite", "--iodepth=1",
                "--time_based=0", "--inject=write:errno=ENOSPC:after=5");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("ENOSPC (No space left on device); injected by fault rule 1 (write:errno=ENOSPC:after=5)"),
                r.err());
        assertFalse(r.out().contains("errors    :"), "no errors line without continue_on_error, as fio");
    }

    @Test
    void injectWithTheNullEngineIsRefused() {
        Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--time_based=0", "--inject=read:errno=EIO");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("inject= works on the job's files and devices, not on ioengine=null"), r.err());
    }

    @Test
    void serveInjectsBelowTheExportAndKeepsServing() throws Exception {
        Path image = dir.resolve("served.raw");
        Files.write(image, new byte[1 << 20]);
        Run bad = Cli.aioemu("serve", image.toString(), "--port=0", "--inject=write:errno=EIO:every=x");
        assertEquals(1, bad.exit());
        assertEquals("aioemu: --inject=write:errno=EIO:every=x: every=x: expected a whole number, 0 or more", bad.err().strip());
        try (ServedImage served = ServedImage.start(image.toString(), "--inject=write:errno=ENOSPC:nth=2",
                "--inject=flush:errno=EIO:nth=1");
             org.aioemu.engine.AioContext ctx = org.aioemu.engine.AioContext.create();
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            java.lang.foreign.MemorySegment buf = arena.allocate(4096);
            try (org.aioemu.blockdev.nbd.NbdClient c = org.aioemu.blockdev.nbd.NbdClient.connect(ctx, served.uri())) {
                assertEquals(4096, call(ctx, d -> c.write(0, buf, d)));
                assertEquals(-org.aioemu.engine.Errno.ENOSPC, call(ctx, d -> c.write(4096, buf, d)), "NBD_ENOSPC");
                assertEquals(4096, call(ctx, d -> c.write(8192, buf, d)), "the export keeps serving");
            }
            Tools.Result stopped = served.stop();
            assertEquals(1, stopped.exit(), "the final flush failed: " + stopped.out());
            assertTrue(stopped.out().contains("the final flush of") && stopped.out().contains("EIO"), stopped.out());
        }
    }

    private static int call(org.aioemu.engine.AioContext ctx,
            java.util.function.Consumer<org.aioemu.blockdev.BlockCompletion> op) throws Exception {
        java.util.concurrent.CompletableFuture<Integer> f = new java.util.concurrent.CompletableFuture<>();
        ctx.execute(() -> op.accept((r, d) -> f.complete(r)));
        return f.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static String[] concat(String[] a, String b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }
}
