package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aioemu.bench.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --throttle=} on bench, run's {@code throttle=} job option and serve: the limits hold, bad values are one line. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThrottleCliTest {
    @TempDir
    Path dir;

    /** The read IOPS of fio's JSON: the first "iops" field, which is the read direction's. */
    private static double readIops(String json) {
        Matcher m = Pattern.compile("\"iops\" : ([0-9.]+)").matcher(json);
        assertTrue(m.find(), json);
        return Double.parseDouble(m.group(1));
    }

    private static void assertBad(Run r, String mentions) {
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("aioemu: ") && l.contains(mentions)), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void benchRunsAtTheIopsLimit() {
        // ramp_time takes in the bucket's first tenth of a second, which fio's figures would otherwise count; the
        // sync engine (page-cache reads on the loop) runs far above the limit even on a loaded machine
        Run r = Cli.aioemu("bench", "--directory=" + dir, "--aio=sync", "--throttle=iops-total=2000", "--rw=randread",
                "--size=16m",
                "--iodepth=32", "--runtime=3", "--ramp_time=1", "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        double iops = readIops(r.out());
        assertTrue(iops > 2000 * 0.95 && iops < 2000 * 1.03, "--throttle=iops-total=2000 ran at " + iops + " IOPS");
    }

    @Test
    void aJobsFilesShareANamedGroup() throws Exception {
        Path job = dir.resolve("shared.fio");
        Files.writeString(job, """
                [shared]
                directory=%s
                filename=a:b
                aio=sync
                size=8m
                rw=randread
                iodepth=16
                runtime=2
                ramp_time=1
                time_based
                throttle=iops-total=1000,throttle-group=shared-%d
                """.formatted(dir, System.nanoTime()));
        Run r = Cli.aioemu("run", job.toString(), "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        double iops = readIops(r.out());
        assertTrue(iops > 1000 * 0.93 && iops < 1000 * 1.03, "two files in one group of 1000 IOPS ran at " + iops);
    }

    /** Two jobs running at once, each on a loop of its own, share one named group: the sum holds, evenly split. */
    @Test
    void concurrentJobsShareANamedGroup() throws Exception {
        Path job = dir.resolve("jobs.fio");
        Files.writeString(job, """
                [global]
                directory=%s
                aio=sync
                size=8m
                rw=randread
                iodepth=16
                runtime=2
                ramp_time=1
                time_based
                throttle=iops-total=2000,throttle-group=jobs-%d
                [a]
                filename=a
                [b]
                filename=b
                """.formatted(dir, System.nanoTime()));
        Run r = Cli.aioemu("run", job.toString(), "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        double[] reads = Pattern.compile("\"read\" : \\{[^}]*?\"iops\" : ([0-9.]+)").matcher(r.out()).results()
                .mapToDouble(x -> Double.parseDouble(x.group(1))).toArray();
        assertEquals(2, reads.length, r.out());
        double sum = reads[0] + reads[1];
        assertTrue(sum > 2000 * 0.93 && sum < 2000 * 1.03, "two jobs in one group of 2000 IOPS ran at " + sum);
        assertTrue(Math.abs(reads[0] / reads[1] - 1) < 0.1, "shares " + reads[0] + " and " + reads[1]);
    }

    @Test
    void badThrottlingIsOneLine() {
        assertBad(Cli.aioemu("bench", "--throttle=iops-total=fast", "--runtime=1"),
                "--throttle=iops-total=fast: bad value (expected QEMU's throttling options, KEY=VALUE[,KEY=VALUE...];"
                        + " throttling option iops-total=fast: expected a whole number");
        assertBad(Cli.aioemu("bench", "--throttle=iops-total=5,iops-write=1", "--runtime=1"),
                "bps/iops/max total values and read/write values cannot be used at the same time");
        assertBad(Cli.aioemu("bench", "--throttle=iops-total-max=50", "--runtime=1"),
                "iops-total-max: bps_max/iops_max require corresponding bps/iops values");
        assertBad(Cli.aioemu("bench", "--ioengine=null", "--throttle=iops-total=5", "--runtime=1"),
                "throttle= limits the job's image files; ioengine=null has none");
    }

    @Test
    void serveThrottlesItsExportAndRefusesBadLimits() throws Exception {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve");
        Path image = dir.resolve("s.raw");
        Files.write(image, new byte[4 << 20]);

        List<String> bad = new ArrayList<>(java);
        bad.addAll(List.of(image.toString(), "--port=0", "--throttle=bps-read=1M,bps-read-max-length=2"));
        Process p = new ProcessBuilder(bad).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertEquals("aioemu: --throttle=bps-read=1M,bps-read-max-length=2: throttling: bps-read-max-length: burst"
                + " length set without burst rate (bps-read-max)", out.strip());

        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.installed("qemu-io"), "qemu-utils is not installed");
        List<String> good = new ArrayList<>(java);
        good.addAll(List.of(image.toString(), "--port=0", "--export-name=t", "--throttle=iops-read=10"));
        Process s = new ProcessBuilder(good).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("as (nbd://127\\.0\\.0\\.1:\\d+/t)").matcher(String.valueOf(lines.readLine()));
            assertTrue(m.find());
            List<String> io = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
            for (int i = 0; i < 21; i++) {
                io.addAll(List.of("-c", "read " + (i * 4096) + " 4k"));
            }
            io.add(m.group(1));
            long t0 = System.nanoTime();
            Process q = new ProcessBuilder(io).redirectErrorStream(true).start();
            String qOut = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(q.waitFor(60, TimeUnit.SECONDS) && q.exitValue() == 0, qOut);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // one goes at once, then one every tenth of a second: 2 s for 21 (unthrottled, well under a second)
            assertTrue(seconds > 1.6, "21 reads at 10 IOPS took " + seconds + " s");
        } finally {
            s.toHandle().destroy();
            s.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
