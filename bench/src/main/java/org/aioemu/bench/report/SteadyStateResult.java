package org.aioemu.bench.report;

/**
 * fio's steady-state detection for one job (or, with group_reporting, one group), as reported.
 *
 * @param criterionName fio's name of the test: "iops", "iops_slope", "bw", "bw_slope"
 * @param limit         the threshold given
 * @param percent       whether the threshold is a percentage of the mean
 * @param seconds       the window, ss_dur, in seconds (one sample per second)
 * @param attained      whether the job reached steady state (and so ended early)
 * @param criterion     the last value tested against the limit (a percentage of the mean when {@code percent})
 * @param maxDeviation  the last window's largest deviation from its mean (deviation tests)
 * @param slope         the last window's least-squares slope per second (slope tests)
 * @param bw            the window's samples, bytes per second, oldest first
 * @param iops          the window's samples, requests per second, oldest first
 */
public record SteadyStateResult(String criterionName, double limit, boolean percent, int seconds, boolean attained,
                                double criterion, double maxDeviation, double slope, long[] bw, long[] iops) {
    public long bwMean() {
        return mean(bw);
    }

    public long iopsMean() {
        return mean(iops);
    }

    /** fio's mean over the whole window (unfilled seconds count as 0, as in fio). */
    private long mean(long[] samples) {
        long sum = 0;
        for (long s : samples) {
            sum += s;
        }
        return seconds == 0 ? 0 : sum / seconds;
    }
}
