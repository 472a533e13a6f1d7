package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;

/**
 * Expands jobs into their numjobs clones and orders them into run batches and reporting groups, as fio
 * does: a job with {@code stonewall} (wait_for_previous) waits for every job before it, so it starts a new
 * run batch and a new group; {@code new_group} starts a new reporting group only (fio runs it alongside the
 * jobs before it). The first job never starts a new group. Clones share their job's group. Stateless.
 */
final class JobGroups {
    private JobGroups() {
    }

    /** Every clone in order; clones of one batch are consecutive. */
    static List<JobClone> expand(List<JobOptions> jobs) {
        List<JobClone> out = new ArrayList<>();
        int group = 0;
        int batch = 0;
        int number = 0;
        boolean first = true;
        for (JobOptions job : jobs) {
            if (!first && job.stonewall) {
                group++;
                batch++;
            } else if (!first && job.newGroup) {
                group++;
            }
            first = false;
            int n = Math.max(1, job.numjobs);
            for (int c = 0; c < n; c++) {
                JobOptions copy = job.copy();
                copy.index = number;
                number++;
                out.add(new JobClone(copy, group, batch, number, c));
            }
        }
        for (JobClone c : out) {
            c.options().jobsInRun = number; // fio's thread_number: dedupe_global spreads its working set over them
        }
        return out;
    }

    /** The clones split into run batches, in order. */
    static List<List<JobClone>> batches(List<JobClone> clones) {
        List<List<JobClone>> out = new ArrayList<>();
        for (JobClone c : clones) {
            if (out.isEmpty() || out.getLast().getFirst().batch() != c.batch()) {
                out.add(new ArrayList<>());
            }
            out.getLast().add(c);
        }
        return out;
    }
}
