package org.aioemu.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: axes with round-number ticks, grid lines, one polyline per series and a
 * legend. The x axis is numeric (time) or categorical (percentiles, evenly spaced); the y axis is linear
 * or, when values span more than {@link #LOG_RATIO}x, logarithmic so tail latencies stay readable.
 * Output is plain markup, no scripts or external resources, so the page works offline.
 */
final class SvgChart {
    /** Above this max/min ratio of positive values the y axis turns logarithmic. */
    static final double LOG_RATIO = 50;
    private static final int WIDTH = 760;
    private static final int HEIGHT = 300;
    private static final int LEFT = 78;
    private static final int RIGHT = 20;
    private static final int TOP = 34;
    private static final int BOTTOM = 48;

    /** One line: its legend name, CSS class (read, write, trim) and points. */
    record Series(String name, String cssClass, List<double[]> points) {
    }

    private final String kind;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private List<String> categories;

    SvgChart(String kind, String title, String xLabel, String yLabel) {
        this.kind = kind;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Makes x categorical: point x values are indexes into {@code labels}. */
    SvgChart categories(List<String> labels) {
        this.categories = List.copyOf(labels);
        return this;
    }

    SvgChart add(Series s) {
        if (!s.points().isEmpty()) {
            series.add(s);
        }
        return this;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    String render() {
        double xMin = categories != null ? 0 : Double.MAX_VALUE;
        double xMax = categories != null ? Math.max(1, categories.size() - 1) : -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        double yMax = -Double.MAX_VALUE;
        double yMinPositive = Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (categories == null) {
                    xMin = Math.min(xMin, p[0]);
                    xMax = Math.max(xMax, p[0]);
                }
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
                if (p[1] > 0) {
                    yMinPositive = Math.min(yMinPositive, p[1]);
                }
            }
        }
        if (series.isEmpty()) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        boolean log = yMinPositive != Double.MAX_VALUE && yMin > 0 && yMax / yMinPositive > LOG_RATIO;
        Axis y = log ? Axis.log(yMinPositive, yMax) : Axis.linear(Math.min(0, yMin), yMax);
        Axis x = categories != null ? Axis.categorical(categories) : Axis.linear(xMin, xMax).tight(xMin, xMax);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"%s\" data-scale=\"%s\" "
                        + "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
                Html.escape(kind), log ? "log" : "linear", WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"20\">%s</text>%n", LEFT, Html.escape(title)));
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        for (Axis.Tick t : y.ticks()) {
            double py = plotBottom - y.fraction(t.value()) * (plotBottom - TOP);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    + "<text class=\"tick y\" x=\"%d\" y=\"%.1f\">%s</text>%n", LEFT, py, plotRight, py, LEFT - 6, py + 4,
                    Html.escape(t.label())));
        }
        for (Axis.Tick t : x.ticks()) {
            double px = LEFT + x.fraction(t.value()) * (plotRight - LEFT);
            svg.append(String.format(Locale.ROOT, "<line class=\"tickmark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                    + "<text class=\"tick x\" x=\"%.1f\" y=\"%d\">%s</text>%n", px, plotBottom, px, plotBottom + 5, px,
                    plotBottom + 18, Html.escape(t.label())));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n",
                LEFT, TOP, LEFT, plotBottom, LEFT, plotBottom, plotRight, plotBottom));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label x\" x=\"%d\" y=\"%d\">%s</text>%n",
                (LEFT + plotRight) / 2, HEIGHT - 8, Html.escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label y\" x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                (TOP + plotBottom) / 2, (TOP + plotBottom) / 2, Html.escape(yLabel)));
        int legendX = plotRight;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            legendX -= 16 + 7 * s.name().length() + 18;
            svg.append(String.format(Locale.ROOT, "<g class=\"legend %s\"><rect x=\"%d\" y=\"12\" width=\"12\" height=\"4\"/>"
                    + "<text x=\"%d\" y=\"20\">%s</text></g>%n", Html.escape(s.cssClass()), legendX, legendX + 16, Html.escape(s.name())));
        }
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                double px = LEFT + x.fraction(p[0]) * (plotRight - LEFT);
                double py = plotBottom - y.fraction(log ? Math.max(p[1], y.min()) : p[1]) * (plotBottom - TOP);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"series %s\" data-series=\"%s\" points=\"%s\"/>%n",
                    Html.escape(s.cssClass()), Html.escape(s.name()), pts.toString().trim()));
            if (s.points().size() <= 40) {
                // Few points: mark them, so a single sample is still visible.
                for (String xy : pts.toString().trim().split(" ")) {
                    String[] c = xy.split(",");
                    svg.append(String.format("<circle class=\"dot %s\" cx=\"%s\" cy=\"%s\" r=\"2.5\"/>", Html.escape(s.cssClass()), c[0], c[1]));
                }
                svg.append('\n');
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }
}
