package org.aioemu.bench.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Maps data values to [0, 1] along a chart axis and chooses the ticks shown on it. */
final class Axis {
    /** A tick: where it sits (data value) and what it says. */
    record Tick(double value, String label) {
    }

    private enum Kind { LINEAR, LOG, CATEGORICAL }

    private final Kind kind;
    private final double min;
    private final double max;
    private final List<Tick> ticks;

    private Axis(Kind kind, double min, double max, List<Tick> ticks) {
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.ticks = ticks;
    }

    /** Round-number ticks (1, 2 or 5 times a power of ten), the range widened to whole ticks. */
    static Axis linear(double lo, double hi) {
        if (hi <= lo) {
            hi = lo + (lo == 0 ? 1 : Math.abs(lo));
        }
        double step = niceStep((hi - lo) / 5);
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        List<Tick> ticks = new ArrayList<>();
        long count = Math.round((end - start) / step);
        for (long i = 0; i <= count; i++) {
            double v = start + i * step;
            // Multiples of a decimal step are inexact in binary; snap what should be zero to zero.
            ticks.add(new Tick(v, label(Math.abs(v) < step * 1e-9 ? 0 : v)));
        }
        return new Axis(Kind.LINEAR, start, end, ticks);
    }

    /** Same ticks, but the axis spans exactly [lo, hi] (time axes start at the first sample). */
    Axis tight(double lo, double hi) {
        List<Tick> inside = ticks.stream().filter(t -> t.value() >= lo - 1e-9 && t.value() <= hi + 1e-9).toList();
        return new Axis(Kind.LINEAR, lo, hi, inside);
    }

    /** Decades: ticks at each power of ten from below {@code lo} to above {@code hi}. */
    static Axis log(double lo, double hi) {
        int from = (int) Math.floor(Math.log10(lo));
        int to = Math.max(from + 1, (int) Math.ceil(Math.log10(hi)));
        List<Tick> ticks = new ArrayList<>();
        for (int e = from; e <= to; e++) {
            double v = Math.pow(10, e);
            ticks.add(new Tick(v, label(v)));
        }
        return new Axis(Kind.LOG, Math.pow(10, from), Math.pow(10, to), ticks);
    }

    /** Evenly spaced labels at positions 0 .. n-1. */
    static Axis categorical(List<String> labels) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            ticks.add(new Tick(i, labels.get(i)));
        }
        return new Axis(Kind.CATEGORICAL, 0, Math.max(1, labels.size() - 1), ticks);
    }

    double min() {
        return min;
    }

    List<Tick> ticks() {
        return ticks;
    }

    double fraction(double v) {
        if (kind == Kind.LOG) {
            return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        }
        return (v - min) / (max - min);
    }

    private static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double r = rough / magnitude;
        double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** Compact tick text: 0.5, 250, 12k, 1.5M. */
    static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e4) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        // Rounded to 4 significant digits, trailing zeros dropped: floating-point steps print as 0.3, not 0.30000000000000004.
        BigDecimal d = new BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
