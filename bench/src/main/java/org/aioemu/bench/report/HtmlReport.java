package org.aioemu.bench.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code aioemu report}: one self-contained HTML page from a results JSON (aioemu's or fio's, the same
 * shape) and, optionally, fio-format bw/iops/lat logs. Per job it shows the summary numbers, IOPS and
 * bandwidth over time (from the logs), latency over time (from lat logs) and the completion latency
 * percentiles (from the JSON). Charts are inline SVG and the CSS is inline: the page loads nothing.
 */
public final class HtmlReport {
    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
            h2 .group{font-weight:normal;color:#777;font-size:14px;margin-left:8px}
            .meta{color:#555;margin-bottom:12px}
            table{border-collapse:collapse;margin:8px 0 12px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
            th{background:#f4f4f4}td.dir,th.dir{text-align:left}
            .charts{display:flex;flex-wrap:wrap;gap:12px}
            svg.chart{border:1px solid #e4e4e4;background:#fcfcfc;max-width:100%;height:auto}
            svg .title{font-size:14px;font-weight:600;fill:#222}
            svg .tick{font-size:10px;fill:#555}svg .tick.y{text-anchor:end}svg .tick.x{text-anchor:middle}
            svg .axis-label{font-size:11px;fill:#333;text-anchor:middle}
            svg .axis{stroke:#444;stroke-width:1}svg .grid{stroke:#e6e6e6;stroke-width:1}svg .tickmark{stroke:#444}
            svg .legend text{font-size:11px;fill:#333;stroke:none}svg .legend rect{stroke:none}
            svg .series{fill:none;stroke-width:2}
            svg .read{stroke:#1f77b4;fill:#1f77b4}svg .write{stroke:#ff7f0e;fill:#ff7f0e}svg .trim{stroke:#2ca02c;fill:#2ca02c}
            svg .sync{stroke:#9467bd;fill:#9467bd}svg polyline.series{fill:none}
            .nolog{color:#888;font-style:italic;margin:4px 0}
            """;

    private HtmlReport() {
    }

    /**
     * Writes the page.
     *
     * @param resultsJson fio JSON output (json or json+); text before the first '{' (fio's warnings) is skipped
     * @param logs        fio log files, matched to jobs by their prefix and job number; may be empty
     * @param outHtml     the page to write (replaced if present)
     * @throws IllegalArgumentException when the results or a log cannot be read as fio's formats, with the file named
     */
    public static void write(Path resultsJson, List<Path> logs, Path outHtml) throws IOException {
        write(resultsJson, logs, outHtml, warning -> { });
    }

    /** As {@link #write(Path, List, Path)}; log lines skipped (an implausible time) are told to {@code warnings}. */
    public static void write(Path resultsJson, List<Path> logs, Path outHtml, java.util.function.Consumer<String> warnings)
            throws IOException {
        JsonNode results = readResults(resultsJson);
        List<FioLog> parsed = new ArrayList<>();
        for (Path log : logs) {
            parsed.add(FioLog.read(log, warnings));
        }
        String page = render(results, parsed, resultsJson.getFileName().toString());
        try (org.aioemu.bench.output.AtomicFile out = org.aioemu.bench.output.AtomicFile.create(outHtml)) {
            out.stream().write(page.getBytes(StandardCharsets.UTF_8));
            out.commit(); // a kill before this leaves no half page under the name
        }
    }

    static JsonNode readResults(Path file) throws IOException {
        // fio writes job names and file names as the bytes it was given, so text that is not UTF-8 (a Latin-1 name)
        // is read with U+FFFD for the bad bytes. A NUL is no text at all: a binary file, or UTF-16, is refused here
        // by name rather than by the JSON parser's complaint about its first character.
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException(file + ": not fio JSON results: the file is not UTF-8 text"
                        + " (binary, or UTF-16?)");
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int start = text.indexOf('{');
        JsonNode root = null;
        if (start >= 0) {
            try {
                root = FioJson.MAPPER.readTree(text.substring(start));
            } catch (JacksonException e) {
                throw new IllegalArgumentException(file + ": not fio JSON results: " + e.getOriginalMessage(), e);
            }
        }
        if (root == null || !root.path("jobs").isArray()) {
            throw new IllegalArgumentException(file + ": not fio JSON results (no \"jobs\" list)");
        }
        return root;
    }

    static String render(JsonNode results, List<FioLog> logs, String sourceName) {
        JsonNode jobs = results.get("jobs");
        Map<Integer, List<FioLog>> byJob = new LinkedHashMap<>();
        List<FioLog> unmatched = new ArrayList<>();
        for (FioLog log : logs) {
            int job = match(log, results);
            if (job < 0) {
                unmatched.add(log);
            } else {
                byJob.computeIfAbsent(job, k -> new ArrayList<>()).add(log);
            }
        }
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>aioemu report: ").append(Html.escape(sourceName)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>aioemu report: ").append(Html.escape(sourceName)).append("</h1>\n")
                .append("<div class=\"meta\">").append(Html.escape(results.path("fio version").asText("unknown version")))
                .append(", ").append(Html.escape(results.path("time").asText(""))).append(", ")
                .append(jobs.size()).append(jobs.size() == 1 ? " job" : " jobs").append("</div>\n");
        for (int i = 0; i < jobs.size(); i++) {
            html.append(HtmlJob.render(jobs.get(i), i, byJob.getOrDefault(i, List.of())));
        }
        if (!unmatched.isEmpty()) {
            html.append("<h2>Logs not matched to a job</h2>\n<ul>\n");
            for (FioLog log : unmatched) {
                html.append("<li>").append(Html.escape(log.file().getFileName().toString())).append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    /**
     * The index of the job a log belongs to, or -1. A job owns the prefixes its write_*_log options name
     * (its own or [global]'s) and its job name (fio's default prefix). When several jobs share a prefix,
     * the log's job number (1-based, fio's) picks among them.
     */
    static int match(FioLog log, JsonNode results) {
        JsonNode jobs = results.get("jobs");
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            if (prefixes(jobs.get(i), results.path("global options")).contains(log.prefix())) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return -1;
        }
        int byNumber = log.jobNumber() - 1;
        return candidates.contains(byNumber) ? byNumber : candidates.getFirst();
    }

    private static Set<String> prefixes(JsonNode job, JsonNode global) {
        Set<String> out = new TreeSet<>();
        out.add(job.path("jobname").asText());
        for (String option : List.of("write_bw_log", "write_iops_log", "write_lat_log")) {
            for (JsonNode options : List.of(job.path("job options"), global)) {
                String value = options.path(option).asText("");
                if (!value.isEmpty()) {
                    // Logs are often moved after the run: compare the file-name part only.
                    out.add(Path.of(value).getFileName().toString());
                }
            }
        }
        return out;
    }
}
