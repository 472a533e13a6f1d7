package org.aioemu.bench.workload;

import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's trim_percentage with trim_backlog: of the writes a verifying job completes, that share (a seeded draw per
 * write) becomes a trim candidate; whenever trim_backlog more writes have completed since the last batch (and the
 * last request was not itself one of these trims), the next trim_backlog_batch requests (default trim_backlog)
 * trim the oldest candidates, and their blocks are marked in the written log: the verify phase then reads them
 * back expecting zeroes (trim_verify_zero, fio's default), or leaves them out. Without trim_backlog fio never
 * issues the trims, and neither does this. Loop only.
 */
final class TrimBacklogOps implements OpSource {
    private final OpSource workload;
    private final WrittenLog log;
    private final int percentage;
    private final long backlog;
    private final long batch;
    private final SplittableRandom draws;
    /** Log indexes chosen for trimming, oldest first (a ring). */
    private int[] candidates = new int[64];
    private int head;
    private int count;
    /** The log's writes looked at so far (each drawn once). */
    private int seen;
    private int sinceBatch;
    private long batchLeft;
    private boolean lastWasTrim;

    TrimBacklogOps(OpSource workload, WrittenLog log, JobOptions o, long seed) {
        this.workload = workload;
        this.log = log;
        this.percentage = o.trimPercentage;
        this.backlog = o.trimBacklog;
        this.batch = o.trimBacklogBatch > 0 ? o.trimBacklogBatch : o.trimBacklog;
        this.draws = new SplittableRandom(Seeds.mix(seed, Seeds.TRIMS));
    }

    @Override
    public boolean next(IoSlot s) {
        while (seen < log.size()) { // writes completed since the last call: draw each once
            if (draws.nextInt(100) < percentage) {
                push(seen);
            }
            seen++;
            sinceBatch++;
        }
        if (count > 0 && batchLeft == 0 && !lastWasTrim && sinceBatch >= backlog) {
            batchLeft = batch;
            sinceBatch = 0;
        }
        if (count > 0 && batchLeft > 0) {
            batchLeft--;
            int i = candidates[head];
            head = (head + 1) % candidates.length;
            count--;
            long key = log.key(i);
            s.set(JobOptions.TRIM, WrittenLog.file(key), WrittenLog.offset(key), log.length(i));
            log.markTrimmed(i);
            lastWasTrim = true;
            return true;
        }
        batchLeft = 0;
        lastWasTrim = false;
        return workload.next(s);
    }

    @Override
    public boolean betweenLoops() {
        return workload.betweenLoops();
    }

    /** The written log was emptied with the files: no candidate is left, and drawing starts from its first entry. */
    @Override
    public void nextLoop() {
        head = 0;
        count = 0;
        seen = 0;
        sinceBatch = 0;
        batchLeft = 0;
        lastWasTrim = false;
        workload.nextLoop();
    }

    private void push(int index) {
        if (count == candidates.length) {
            int[] bigger = new int[candidates.length * 2];
            for (int k = 0; k < count; k++) {
                bigger[k] = candidates[(head + k) % candidates.length];
            }
            candidates = bigger;
            head = 0;
        }
        candidates[(head + count) % candidates.length] = index;
        count++;
    }

    @Override
    public double progress() {
        return workload.progress();
    }
}
