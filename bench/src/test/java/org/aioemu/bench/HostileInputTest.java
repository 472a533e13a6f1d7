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
}
