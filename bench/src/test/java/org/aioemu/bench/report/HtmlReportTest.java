package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir
    Path tmp;

    static List<Path> fioLogs() {
        return List.of(Fixtures.path("blog_bw.3.log"), Fixtures.path("blog_iops.3.log"), Fixtures.path("blog_clat.3.log"));
    }

    @Test
    void fioResultsWithLogsBecomeChartsForTheJobThatWroteThem() throws IOException {
        Path out = tmp.resolve("report.html");
        HtmlReport.write(Fixtures.path("fio-3.33-groups.json"), fioLogs(), out);
        String html = Files.readString(out);

        String a = section(html, 0);
        String b = section(html, 1);
        assertTrue(a.contains("<h2>a<span class=\"group\">group 0, jobs 2</span></h2>"), a);
        assertTrue(a.contains("IOPS over time: no log given"), "job a wrote no logs");
        assertTrue(a.contains("data-chart=\"percentiles\""), a);
        // Job b (write_*_log=/tmp/fioref/blog) owns blog_*.3.log.
        assertTrue(b.contains("data-chart=\"iops\""), b);
        assertTrue(b.contains("data-chart=\"bw\""), b);
        assertTrue(b.contains("data-chart=\"latency\""), b);
        assertEquals(9, points(b, "iops", "write").size(), "one point per line of blog_iops.3.log");
        assertTrue(b.contains(">MiB/s</text>"), "2.6 GB/s reads better in MiB/s");
        assertFalse(html.contains("not matched"), html);
        // Self-contained: nothing is fetched.
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
        assertFalse(html.contains("https://"));
    }

    @Test
    void ourJsonPlusAndPerIoLogsRenderToo() throws IOException {
        Path json = tmp.resolve("results.json");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write("json+", List.of(Synthetic.mixed("mine", 0)), Synthetic.context(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Files.write(json, bytes.toByteArray());
        // Per-I/O logs (no log_avg_msec): every line one 4 KiB I/O, 10 per ms for 2 s.
        List<String> iops = new ArrayList<>();
        List<String> bw = new ArrayList<>();
        for (int ms = 0; ms < 2000; ms++) {
            for (int i = 0; i < 10; i++) {
                iops.add(ms + ", 1, 0, 4096, " + (i * 4096L));
                bw.add(ms + ", 4000, 0, 4096, " + (i * 4096L));
            }
        }
        Path iopsLog = Files.write(tmp.resolve("mine_iops.1.log"), iops);
        Path bwLog = Files.write(tmp.resolve("mine_bw.1.log"), bw);
        Path stray = Files.write(tmp.resolve("other_iops.1.log"), List.of("0, 5, 0, 0, 0"));
        Path out = tmp.resolve("mine.html");

        HtmlReport.write(json, List.of(iopsLog, bwLog, stray), out);

        String html = Files.readString(out);
        List<double[]> rate = points(section(html, 0), "iops", "read");
        assertTrue(rate.size() >= 10 && rate.size() <= 600, "binned, not 20000 points: " + rate.size());
        assertTrue(html.contains("Logs not matched to a job"), html);
        assertTrue(html.contains("other_iops.1.log"), html);
        assertTrue(section(html, 0).contains("<td class=\"dir\">write</td>"), html);
    }

    @Test
    void perIoLogsBecomeRates() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int ms = 0; ms < 1000; ms++) {
            lines.add(ms + ", 1, 1, 8192, 0");
            lines.add(ms + ", 1, 1, 8192, 0");
        }
        FioLog iops = FioLog.read(Files.write(tmp.resolve("x_iops.2.log"), lines));
        assertEquals(2, iops.jobNumber());
        assertEquals("x", iops.prefix());
        for (double[] p : iops.series(1, 600)) {
            assertEquals(2000, p[1], 1e-6, "2 I/Os every ms");
        }
        FioLog bw = FioLog.read(Files.write(tmp.resolve("x_bw.2.log"), lines));
        for (double[] p : bw.series(1, 600)) {
            assertEquals(16_000, p[1], 1e-6, "16 KiB every ms");
        }
        assertTrue(bw.series(0, 600).isEmpty(), "no reads logged");
    }

    @Test
    void badInputIsNamed() throws IOException {
        Path notJson = Files.writeString(tmp.resolve("x.json"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.write(notJson, List.of(), tmp.resolve("o.html")));
        assertTrue(e.getMessage().contains("x.json"), e.getMessage());
        Path badName = Files.writeString(tmp.resolve("foo.txt"), "0, 1, 0, 0, 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> FioLog.read(badName));
        assertTrue(e.getMessage().contains("PREFIX_bw.N.log"), e.getMessage());
        Path badLine = Files.writeString(tmp.resolve("j_lat.1.log"), "0, 1, 0, 0, 0\nten, 2, 0, 0, 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> FioLog.read(badLine));
        assertTrue(e.getMessage().contains("j_lat.1.log:2"), e.getMessage());
        // fio's own JSON often follows warnings on the same stream.
        Path noisy = Files.writeString(tmp.resolve("noisy.json"), "note: both iodepth >= 1 and synchronous I/O engine\n"
                + Fixtures.read("fio-3.33-randrw-psync.json"));
        HtmlReport.write(noisy, List.of(), tmp.resolve("noisy.html"));
        assertTrue(Files.readString(tmp.resolve("noisy.html")).contains("data-chart=\"percentiles\""));
    }

    @Test
    void resultsThatAreNotUtf8StillRender() throws IOException {
        // fio writes a job name as the bytes it was given: a Latin-1 name is not UTF-8. Reading it strictly failed
        // with "Input length = 1" and nothing else (found by HtmlReportFuzzTest).
        byte[] json = "{\"jobs\": [{\"jobname\": \"caf\u00e9\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        Path latin1 = Files.write(tmp.resolve("latin1.json"), json);
        HtmlReport.write(latin1, List.of(), tmp.resolve("latin1.html"));
        assertTrue(Files.readString(tmp.resolve("latin1.html")).contains("caf\uFFFD"));
    }

    @Test
    void aPercentileKeyThatIsNoNumberIsLeftOffTheChart() throws IOException {
        // Double.parseDouble on the key threw NumberFormatException: "aioemu: For input string: ..." and no page
        // (found by HtmlReportFuzzTest).
        Path odd = Files.writeString(tmp.resolve("odd.json"), "{\"jobs\": [{\"jobname\": \"j\", \"read\": {\"clat_ns\":"
                + " {\"percentile\": {\"50.000000\": 1000, \"99.50[0000\": 5000, \"99.900000\": 9000}}}}]}");
        HtmlReport.write(odd, List.of(), tmp.resolve("odd.html"));
        String html = Files.readString(tmp.resolve("odd.html"));
        assertEquals(2, points(html, "percentiles", "read").size(), "the two percentiles that are numbers");
    }

    /** The HTML of job {@code index}'s section. */
    static String section(String html, int index) {
        int start = html.indexOf("<section class=\"job\" id=\"job-" + index + "\">");
        assertTrue(start >= 0, "no section " + index);
        return html.substring(start, html.indexOf("</section>", start));
    }

    /** The pixel points of a chart's series. */
    static List<double[]> points(String html, String chart, String series) {
        int at = html.indexOf("data-chart=\"" + chart + "\"");
        assertTrue(at >= 0, "no chart " + chart);
        String svg = html.substring(at, html.indexOf("</svg>", at));
        Matcher m = Pattern.compile("<polyline class=\"series " + series + "\"[^>]* points=\"([^\"]*)\"").matcher(svg);
        assertTrue(m.find(), "no " + series + " line in " + chart);
        List<double[]> out = new ArrayList<>();
        for (String xy : m.group(1).split(" ")) {
            String[] c = xy.split(",");
            out.add(new double[]{Double.parseDouble(c[0]), Double.parseDouble(c[1])});
        }
        return out;
    }
}
