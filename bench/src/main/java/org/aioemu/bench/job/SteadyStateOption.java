package org.aioemu.bench.job;

import java.util.Map;

/** fio's {@code steadystate=MODE:LIMIT[%]} (alias {@code ss}). Stateless. */
final class SteadyStateOption {
    private static final Map<String, JobOptions.SteadyStateMode> MODES = Map.of(
            "iops", JobOptions.SteadyStateMode.IOPS,
            "iops_slope", JobOptions.SteadyStateMode.IOPS_SLOPE,
            "bw", JobOptions.SteadyStateMode.BW,
            "bw_slope", JobOptions.SteadyStateMode.BW_SLOPE);

    private SteadyStateOption() {
    }

    /**
     * As fio: the limit is a number (a percentage of the window's mean when it ends in %); for the bandwidth tests
     * without % it is a size per second, with fio's suffixes (bw:10m).
     */
    static void apply(JobOptions o, String value, ApplyContext c) {
        String v = value.trim();
        int colon = v.indexOf(':');
        if (colon < 0) {
            throw ValueException.expected("MODE:LIMIT, e.g. iops:10% or bw_slope:1m (fio needs the limit too)");
        }
        JobOptions.SteadyStateMode mode = MODES.get(v.substring(0, colon).trim());
        if (mode == null) {
            throw ValueException.expected("iops, iops_slope, bw or bw_slope before ':' (got '" + v.substring(0, colon).trim() + "')");
        }
        String limit = v.substring(colon + 1).trim();
        boolean percent = limit.endsWith("%");
        double value2;
        try {
            if (percent) {
                value2 = Double.parseDouble(limit.substring(0, limit.length() - 1).trim());
            } else if (mode.iops()) {
                value2 = Double.parseDouble(limit);
            } else {
                value2 = c.size(limit);
            }
        } catch (NumberFormatException e) {
            throw ValueException.expected("a number" + (mode.iops() ? "" : " or size") + ", or a percentage, after ':' (got '"
                    + limit + "')");
        }
        if (!(value2 >= 0) || Double.isInfinite(value2)) {
            throw ValueException.expected("a limit of 0 or more (got '" + limit + "')");
        }
        o.ssMode = mode;
        o.ssLimit = value2;
        o.ssPercent = percent;
    }
}
