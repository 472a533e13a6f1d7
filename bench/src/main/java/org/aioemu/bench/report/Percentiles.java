package org.aioemu.bench.report;

import org.aioemu.bench.job.JobOptions;

/**
 * Which latency percentiles a job reports, after fio's percentile_list (sorted, as fio sorts it; printed with as
 * many decimals as its most precise entry) and clat_percentiles / lat_percentiles / slat_percentiles (fio's
 * defaults: completion latency only).
 */
record Percentiles(double[] list, int precision, boolean slat, boolean clat, boolean lat) {
    static final Percentiles DEFAULT = new Percentiles(LatStats.FIO_PERCENTILES, 2, false, true, false);

    static Percentiles of(JobOptions o) {
        double[] list = o.percentileList != null ? o.percentileList.clone() : LatStats.FIO_PERCENTILES;
        java.util.Arrays.sort(list);
        return new Percentiles(list, o.percentilePrecision, o.slatPercentiles, o.clatPercentiles, o.latPercentiles);
    }
}
