package org.aioemu.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One job's section of the HTML report: summary table, charts over time, latency percentiles. */
final class HtmlJob {
    private static final String[] DIRS = {"read", "write", "trim"};
    /** Enough for a smooth line on a 760-pixel chart. */
    private static final int MAX_POINTS = 600;

    private HtmlJob() {
    }

    static String render(JsonNode job, int index, List<FioLog> logs) {
        StringBuilder html = new StringBuilder();
        html.append(String.format(Locale.ROOT, "<section class=\"job\" id=\"job-%d\">%n<h2>%s<span class=\"group\">group %d, jobs %s</span></h2>%n",
                index, Html.escape(job.path("jobname").asText()), job.path("groupid").asInt(),
                Html.escape(job.path("job options").path("numjobs").asText("1"))));
        if (job.path("error").asInt() != 0) {
            html.append("<p class=\"error\">error ").append(job.path("error").asInt()).append("</p>\n");
        }
        html.append(summary(job));
        html.append("<div class=\"charts\">\n");
        html.append(overTime(logs, FioLog.Kind.IOPS, "iops", "IOPS over time", "IOPS", "write_iops_log"));
        html.append(overTime(logs, FioLog.Kind.BW, "bw", "Bandwidth over time", null, "write_bw_log"));
        html.append(latencyOverTime(logs));
        html.append(percentiles(job));
        html.append("</div>\n</section>\n");
        return html.toString();
    }

    private static String summary(JsonNode job) {
        StringBuilder t = new StringBuilder("<table class=\"summary\">\n<tr><th class=\"dir\">direction</th><th>IOPS</th>"
                + "<th>bandwidth</th><th>I/O</th><th>runtime</th><th>clat min</th><th>clat avg</th><th>clat p50</th>"
                + "<th>clat p99</th><th>clat p99.9</th><th>clat max</th></tr>\n");
        for (String dir : DIRS) {
            JsonNode d = job.path(dir);
            if (d.path("total_ios").asLong() == 0) {
                continue;
            }
            JsonNode clat = d.path("clat_ns");
            JsonNode p = clat.path("percentile");
            long bw = d.path("bw_bytes").asLong();
            t.append("<tr><td class=\"dir\">").append(dir).append("</td>")
                    .append(cell(Num2Str.count(Math.round(d.path("iops").asDouble()))))
                    .append(cell(Num2Str.rateBinary(bw) + " (" + Num2Str.rateDecimal(bw) + ")"))
                    .append(cell(Num2Str.sizeBinary(d.path("io_bytes").asLong())))
                    .append(cell(d.path("runtime").asLong() + " ms"))
                    .append(cell(nanos(clat.path("min").asDouble())))
                    .append(cell(nanos(clat.path("mean").asDouble())))
                    .append(cell(p.has("50.000000") ? nanos(p.path("50.000000").asDouble()) : "-"))
                    .append(cell(p.has("99.000000") ? nanos(p.path("99.000000").asDouble()) : "-"))
                    .append(cell(p.has("99.900000") ? nanos(p.path("99.900000").asDouble()) : "-"))
                    .append(cell(nanos(clat.path("max").asDouble())))
                    .append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String cell(String text) {
        return "<td>" + Html.escape(text) + "</td>";
    }

    /** "850 ns", "12.3 µs", "4.56 ms". */
    static String nanos(double ns) {
        if (ns < 1_000) {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.3g µs", ns / 1_000);
        }
        if (ns < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3g ms", ns / 1_000_000);
        }
        return String.format(Locale.ROOT, "%.3g s", ns / 1_000_000_000);
    }

    /** IOPS or bandwidth from the job's logs of {@code kind}, a series per direction and log file. */
    private static String overTime(List<FioLog> logs, FioLog.Kind kind, String id, String title, String yLabel, String option) {
        List<FioLog> mine = logs.stream().filter(l -> l.kind() == kind).toList();
        if (mine.isEmpty()) {
            return "<p class=\"nolog\">" + Html.escape(title) + ": no log given (fio's " + option + ").</p>\n";
        }
        List<SvgChart.Series> series = seriesOf(mine, "");
        String unit = yLabel;
        if (kind == FioLog.Kind.BW) {
            // KiB/s in the logs; MiB/s once that reads better.
            double max = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(0);
            double scale = max > 10 * 1024 ? 1024 : 1;
            unit = scale == 1 ? "KiB/s" : "MiB/s";
            series = scale(series, 1 / scale);
        }
        SvgChart chart = new SvgChart(id, title, "time (s)", unit);
        series.forEach(chart::add);
        return chart.render();
    }

    /** Latency over time from lat/clat/slat logs, all kinds on one chart. */
    private static String latencyOverTime(List<FioLog> logs) {
        List<FioLog> mine = logs.stream().filter(l -> l.kind() == FioLog.Kind.LAT || l.kind() == FioLog.Kind.CLAT
                || l.kind() == FioLog.Kind.SLAT).toList();
        if (mine.isEmpty()) {
            return "";
        }
        List<SvgChart.Series> series = new ArrayList<>();
        for (FioLog.Kind kind : List.of(FioLog.Kind.CLAT, FioLog.Kind.LAT, FioLog.Kind.SLAT)) {
            series.addAll(seriesOf(mine.stream().filter(l -> l.kind() == kind).toList(), " " + kind.name().toLowerCase(Locale.ROOT)));
        }
        double max = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(0);
        LatencyUnit u = LatencyUnit.forMax(max);
        SvgChart chart = new SvgChart("latency", "Latency over time", "time (s)", "latency (" + u.label + ")");
        scale(series, 1 / u.divisor).forEach(chart::add);
        return chart.render();
    }

    /** The clat percentiles fio reported, one line per direction. */
    private static String percentiles(JsonNode job) {
        List<String> labels = new ArrayList<>();
        List<SvgChart.Series> series = new ArrayList<>();
        double max = 0;
        for (String dir : DIRS) {
            JsonNode p = job.path(dir).path("clat_ns").path("percentile");
            if (!p.isObject() || p.isEmpty()) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            List<String> dirLabels = new ArrayList<>();
            for (var e : p.properties()) {
                double percentile;
                try {
                    percentile = Double.parseDouble(e.getKey());
                } catch (NumberFormatException notFios) {
                    continue; // fio writes "99.500000"; a key that is no number has no place on the axis
                }
                dirLabels.add(Axis.label(percentile));
                points.add(new double[]{points.size(), e.getValue().asDouble()});
                max = Math.max(max, e.getValue().asDouble());
            }
            if (labels.isEmpty()) {
                labels = dirLabels;
            }
            series.add(new SvgChart.Series(dir, dir, points));
        }
        if (series.isEmpty()) {
            return "<p class=\"nolog\">No completion latency percentiles in the results.</p>\n";
        }
        LatencyUnit u = LatencyUnit.forMax(max);
        SvgChart chart = new SvgChart("percentiles", "Completion latency percentiles", "percentile", "clat (" + u.label + ")")
                .categories(labels);
        scale(series, 1 / u.divisor).forEach(chart::add);
        return chart.render();
    }

    private static List<SvgChart.Series> seriesOf(List<FioLog> logs, String suffix) {
        List<SvgChart.Series> out = new ArrayList<>();
        for (FioLog log : logs) {
            for (int ddir = 0; ddir < DIRS.length; ddir++) {
                List<double[]> points = log.series(ddir, MAX_POINTS);
                if (!points.isEmpty()) {
                    // Several files for one job (numjobs with group_reporting): tell them apart by job number.
                    String name = DIRS[ddir] + suffix + (logs.size() > 1 && log.jobNumber() > 0 ? " #" + log.jobNumber() : "");
                    out.add(new SvgChart.Series(name, DIRS[ddir], points));
                }
            }
        }
        return out;
    }

    private static List<SvgChart.Series> scale(List<SvgChart.Series> series, double factor) {
        return series.stream().map(s -> new SvgChart.Series(s.name(), s.cssClass(),
                s.points().stream().map(p -> new double[]{p[0], p[1] * factor}).toList())).toList();
    }

    private enum LatencyUnit {
        NS("ns", 1), US("µs", 1e3), MS("ms", 1e6);

        final String label;
        final double divisor;

        LatencyUnit(String label, double divisor) {
            this.label = label;
            this.divisor = divisor;
        }

        static LatencyUnit forMax(double ns) {
            return ns >= 10_000_000 ? MS : ns >= 10_000 ? US : NS;
        }
    }
}
