package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a careful tester fed the CLI that once lost data, blew up memory, printed stack traces or lost results
 * silently. Each must end in one clear line, a non-zero exit, and the user's files as they were.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
    @TempDir
    Path dir;

    private Path dataFile() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        return Files.write(dir.resolve("X"), data);
    }

    @Test
    void benchRefusesAnOutputThatIsItsDataFileUnderAnyName() throws Exception {
        Path x = dataFile();
        byte[] before = Files.readAllBytes(x);
        Path link = Files.createSymbolicLink(dir.resolve("L"), x.getFileName());
        Path hard = Files.createLink(dir.resolve("H"), x);
        for (Path out : List.of(x, dir.resolve("./X"), link, hard)) {
            Run r = Cli.aioemu("bench", "--filename=" + x, "--rw=read", "--runtime=1", "--output=" + out);
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains("--output=" + out + ": refusing to overwrite " + x), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertArrayEquals(before, Files.readAllBytes(x), "the data file is untouched");
        }
    }

    @Test
    void runRefusesAnOutputThatIsItsJobFileOrADataFile() throws Exception {
        Path x = dataFile();
        Path job = Files.writeString(dir.resolve("j.fio"), "[j]\nfilename=" + x + "\nrw=read\nruntime=1\n");
        String jobText = Files.readString(job);
        Run r = Cli.aioemu("run", job.toString(), "--output=" + job);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("refusing to overwrite the job file"), r.err());
        assertEquals(jobText, Files.readString(job));
        byte[] before = Files.readAllBytes(x);
        r = Cli.aioemu("run", job.toString(), "--output=" + dir + "/./X");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("refusing to overwrite"), r.err());
        assertArrayEquals(before, Files.readAllBytes(x));
    }

    @Test
    void fioCommandLineRefusesAnOutputThatIsItsJobFile() throws Exception {
        Path job = Files.writeString(dir.resolve("j.fio"), "[j]\nioengine=null\nsize=1m\n");
        Run r = Cli.aioemu("fio", "--output=" + dir + "/./j.fio", job.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("refusing to overwrite the job file"), r.err());
        assertEquals("[j]\nioengine=null\nsize=1m\n", Files.readString(job));
    }

    @Test
    void reportRefusesToOverwriteItsInputs() throws Exception {
        Path res = dir.resolve("res.json");
        Run ok = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--output-format=json",
                "--output=" + res);
        assertEquals(0, ok.exit(), ok.err());
        byte[] before = Files.readAllBytes(res);
        Run r = Cli.aioemu("report", res.toString(), "-o", dir.resolve("./res.json").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("refusing to overwrite the input " + res), r.err());
        assertArrayEquals(before, Files.readAllBytes(res));
    }

    @Test
    void resultsToAFullDeviceFailNamingTheFileAndEnospc() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available here");
        Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--output=/dev/full");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cannot write /dev/full: No space left on device (ENOSPC)"), r.err());
    }

    @Test
    void stdoutToAFullDeviceExitsNonZeroNamingEnospc() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is not available here");
        Path err = dir.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "bench", "--ioengine=null", "--size=1m", "--runtime=1"));
        Process p = new ProcessBuilder(cmd).redirectOutput(Path.of("/dev/full").toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        String text = Files.readString(err);
        assertEquals(1, p.exitValue(), text);
        assertTrue(text.contains("cannot write to stdout: No space left on device (ENOSPC)"), text);
    }

    @Test
    void failedResultsLeaveNoFileBehind() throws Exception {
        Path out = dir.resolve("out.txt");
        Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--output=" + out,
                "--write_bw_log=" + dir.resolve("missing/p"));
        assertEquals(1, r.exit(), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains("out.txt")).toList(),
                    "neither the results nor their temporary file");
        }
    }

    @Test
    void reportOnABinaryOrUtf16FileNamesItAndSaysItIsNotUtf8() throws Exception {
        Path bin = Files.write(dir.resolve("bin.json"), new byte[]{(byte) 0xff, (byte) 0xfe, '{', 0, '}', 0});
        Run r = Cli.aioemu("report", bin.toString(), "-o", dir.resolve("r.html").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(bin + ": not fio JSON results: the file is not UTF-8"), r.err());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    @Test
    void reportWritesItsPageWhole() throws Exception {
        Path res = dir.resolve("res.json");
        assertEquals(0, Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--output-format=json",
                "--output=" + res).exit());
        Path html = dir.resolve("r.html");
        Run r = Cli.aioemu("report", res.toString(), "-o", html.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(html, StandardCharsets.UTF_8).strip().endsWith("</html>"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file remains");
        }
    }

    @Test
    void aJobFileWithThousandsOfSectionsStopsAtFiosJobLimit() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            b.append("[j").append(i).append("]\nioengine=null\nsize=1m\n");
        }
        Path job = Files.writeString(dir.resolve("many.fio"), b);
        Run r = Cli.aioemu("run", job.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(job + ":12289: maximum number of jobs reached"), r.err());
    }

    @Test
    void numjobsAndIodepthAreBounded() {
        Run r = Cli.aioemu("bench", "--ioengine=null", "--numjobs=10000", "--runtime=1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("--numjobs=10000: bad value (expected an integer from 1 to 4096)"), r.err());
        r = Cli.aioemu("bench", "--ioengine=null", "--iodepth=100000", "--runtime=1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("--iodepth=100000: bad value (expected an integer from 1 to 65536)"), r.err());
    }

    @Test
    void clonesOfSeveralJobsCountTowardsTheLimit() throws Exception {
        Path job = Files.writeString(dir.resolve("two.fio"),
                "[global]\nioengine=null\nsize=1m\nnumjobs=3000\n[a]\n[b]\n");
        Run r = Cli.aioemu("run", job.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("maximum number of jobs reached: 6000 jobs"), r.err());
    }

    @Test
    void endlessOrHugeInputsAreRefusedAfterABoundedRead() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")), "/dev/zero is not available here");
        Run r = Cli.aioemu("run", "/dev/zero");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("/dev/zero: larger than 16 MiB: not a fio job file"), r.err());
        r = Cli.aioemu("bench", "--ioengine=null", "--read_iolog=/dev/zero", "--runtime=1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("/dev/zero:1: not a fio iolog: the first line is longer than"), r.err());
        Path longLine = Files.writeString(dir.resolve("long.fio"), "[a]\nfilename=" + "x".repeat(10_000) + "\n");
        r = Cli.aioemu("run", longLine.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(longLine + ":2: a line of 10009 characters"), r.err());
    }

    @Test
    void controlCharactersFromInputAreEscapedInMessages() throws Exception {
        Path trace = Files.writeString(dir.resolve("ctl.iolog"), "\u0001\u0000\u001b[31mred\n");
        Run r = Cli.aioemu("bench", "--ioengine=null", "--read_iolog=" + trace, "--runtime=1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("got '\\x01\\0\\x1b[31mred'"), r.err());
        assertFalse(r.err().chars().anyMatch(c -> c == 0 || c == 0x1b || c == 1), r.err());
    }

    @Test
    void logDirectoriesThatDoNotExistStopTheRunWithOneLine() {
        for (String opt : List.of("--write_bw_log", "--write_lat_log", "--write_iops_log", "--write_iolog")) {
            Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", opt + "=" + dir.resolve("no/p"));
            assertEquals(1, r.exit(), opt + ": " + r.err());
            assertTrue(r.err().contains("No such file or directory (ENOENT)"), r.err());
            assertTrue(r.err().contains(dir.resolve("no/p").toString()), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals("", r.out(), "stopped before the run");
        }
        Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--write_iolog=" + dir);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("Is a directory (EISDIR)"), r.err());
    }

    @Test
    void reportSkipsLogLinesWithImplausibleTimesNamingFileAndLine() throws Exception {
        Path res = dir.resolve("res.json");
        assertEquals(0, Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--output-format=json",
                "--output=" + res).exit());
        Path log = Files.writeString(dir.resolve("p_iops.1.log"),
                "0, 1, 0, 4096, 0\n2000000000000, 5, 0, 4096, 0\n10, 1, 0, 4096, 0\n-5, 1, 0, 4096, 0\n");
        Path html = dir.resolve("r.html");
        Run r = Cli.aioemu("report", res.toString(), log.toString(), "-o", html.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(log + ":2: skipped: time 2000000000000 ms is not plausible"), r.err());
        assertTrue(r.err().contains(log + ":4: skipped: time -5 ms"), r.err());
        assertFalse(Files.readString(html).contains("2000000000"), "the absurd time is not charted");
    }

    @Test
    void aioemusOwnOptionsGivenTwiceTakeTheLastAsFiosDo() {
        Run r = Cli.aioemu("bench", "--ioengine=null", "--size=1m", "--runtime=1", "--eta=always", "--eta=never",
                "--output-format=terse", "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().strip().startsWith("{"), "the last --output-format, json: " + r.out());
        r = Cli.aioemu("bench", "--size=1m", "--runtime=1", "--aio=io_uring", "--aio=sync", "--rw=read",
                "--filename=" + dir.resolve("f"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ioengine=sync"), r.out());
    }
}
