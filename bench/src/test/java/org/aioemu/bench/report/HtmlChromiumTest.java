package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in headless Chromium, which parses it as a browser would: the DOM it dumps
 * must still hold the charts (SVG parsed, not dropped as invalid markup). Skipped without Chromium.
 * Leaves a screenshot in target/ for a look by eye.
 */
class HtmlChromiumTest {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser");

    @TempDir
    static Path tmp;
    private static Path page;
    /** The Chromium found on the PATH that runs, else null, and then why not; probed once, by {@link #chromium()}. */
    private static Path chromium;
    private static String missing;

    @BeforeAll
    static void writePage() throws IOException {
        page = tmp.resolve("report.html");
        HtmlReport.write(Fixtures.path("fio-3.33-groups.json"), HtmlReportTest.fioLogs(), page);
    }

    /** Skips the test, saying why, unless a Chromium on the PATH answers {@code --version}. */
    private static synchronized Path chromium() {
        if (chromium == null && missing == null) {
            missing = "no " + String.join(" or ", NAMES) + " on the PATH";
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                for (String name : NAMES) {
                    Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                    if (chromium == null && candidate != null && Files.isExecutable(candidate)) {
                        missing = runs(candidate);
                        chromium = missing == null ? candidate : null;
                    }
                }
            }
        }
        assumeTrue(chromium != null, missing);
        return chromium;
    }

    /** Null if {@code exe --version} exits 0 within 30 s, else what went wrong. */
    private static String runs(Path exe) {
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return exe + " --version did not finish in 30 s";
            }
            return p.exitValue() == 0 ? null : exe + " --version failed with exit " + p.exitValue();
        } catch (IOException e) {
            return exe + " cannot be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing " + exe;
        }
    }

    private static List<String> chromium(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private static String run(List<String> cmd) throws Exception {
        Path stdout = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("chromium-stderr.txt").toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        return Files.readString(stdout);
    }

    @Test
    void domKeepsTheCharts() throws Exception {
        chromium();
        String dom = run(chromium("--dump-dom", page.toUri().toString()));

        assertTrue(dom.contains("<h2>a<span class=\"group\">group 0, jobs 2</span></h2>"), dom);
        assertTrue(dom.contains("<h2>b<span class=\"group\">group 1, jobs 1</span></h2>"), dom);
        // b: iops, bw, latency, percentiles; a: percentiles only.
        assertEquals(5, count(dom, "<svg "), dom);
        Matcher lines = Pattern.compile("<polyline class=\"series (read|write)\"[^>]*points=\"([^\"]+)\"").matcher(dom);
        int withPoints = 0;
        while (lines.find()) {
            assertTrue(lines.group(2).split(" ").length >= 2, lines.group());
            withPoints++;
        }
        assertEquals(5, withPoints, dom);
        for (String label : List.of("IOPS over time", "Bandwidth over time", "Latency over time",
                "Completion latency percentiles", "time (s)", "MiB/s", "percentile", "99.99")) {
            assertTrue(dom.contains(">" + label + "<"), "axis or title text " + label);
        }
    }

    @Test
    void screenshotIsAPicture() throws Exception {
        chromium();
        Path png = Path.of(System.getProperty("basedir", "."), "target", "html-report.png");
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        run(chromium("--screenshot=" + png.toAbsolutePath(), "--window-size=1100,1600", "--hide-scrollbars",
                page.toUri().toString()));
        assertTrue(Files.size(png) > 10_000, "a rendered page, not a blank: " + Files.size(png) + " bytes");
        byte[] signature = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, signature);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
