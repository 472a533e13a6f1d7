package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;

/**
 * One job instance to run: a numjobs clone of a job section.
 *
 * @param options    the clone's own copy of the options ({@code index} set to its position among all clones)
 * @param groupId    fio's reporting group
 * @param batch      which run batch it belongs to: batches run one after another (split at stonewall)
 * @param jobNumber  fio's 1-based thread number, counting every clone of every job in order
 * @param cloneIndex 0 .. numjobs-1 within its job section (the middle part of fio's file names)
 */
record JobClone(JobOptions options, int groupId, int batch, int jobNumber, int cloneIndex) {
}
