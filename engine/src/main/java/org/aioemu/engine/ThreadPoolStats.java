package org.aioemu.engine;

/**
 * A snapshot of a {@link ThreadPool}.
 *
 * @param currentThreads workers that exist or are owed (QEMU's cur_threads)
 * @param idleThreads    workers waiting for work
 * @param pendingThreads workers owed or started but not yet running
 * @param queued         requests waiting for a worker
 * @param active         requests running on a worker
 * @param submitted      requests ever accepted
 * @param completed      completions ever delivered on the loop (cancelled ones included)
 * @param cancelled      requests completed with -ECANCELED because they were cancelled while queued
 * @param ranInline      submissions the loop completed itself, without a worker, because they could run without
 *                       blocking ({@link BlockingTask#tryWithoutBlocking}); counted in submitted and completed too
 */
public record ThreadPoolStats(int currentThreads, int idleThreads, int pendingThreads, int minThreads, int maxThreads,
                              int queued, int active, long submitted, long completed, long cancelled, long ranInline) {
}
