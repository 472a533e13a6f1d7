package org.aioemu.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A stop asked for from outside the run — the CLI's SIGINT, SIGTERM or SIGHUP — as fio's terminate: every running
 * job stops issuing, lets what it has in flight complete, skips its verify phase, does its closing flushes and ends
 * with the statistics it has; a job still waiting to start (startdelay, wait_for) ends without I/O, and no later
 * batch (after a stonewall) starts.
 *
 * <p>Threading: {@link #request} may be called from any thread (a signal handler's), once or many times; the runner
 * thread attaches and detaches each batch's jobs. The monitor orders a request against an attach, so a job attached
 * after the request is stopped by the attach and one attached before it by the request: none is missed; and a batch
 * is detached before its loops close, so no stop is queued on a closed loop. Each job stops on its own loop.
 */
public final class RunStop {
    private final List<JobExecution> running = new ArrayList<>();
    /** Written under the monitor; volatile so that the runner's check between batches needs no lock. */
    private volatile boolean requested;

    /** Any thread: stops the run; later calls do nothing more. */
    public synchronized void request() {
        if (requested) {
            return;
        }
        requested = true;
        // Under the monitor: a detached batch's loops may be closed next, and terminate() only queues a task on a
        // loop that is still open (it neither blocks nor runs the stop here).
        for (JobExecution j : running) {
            j.terminate();
        }
    }

    /**
     * Any thread, after {@link #request}: the drain has taken too long. Every running job ends now with the
     * statistics it has, its requests still in flight left out ({@link JobExecution#abandon}), so the results can be
     * reported; fio does the same to a job stuck after its terminate.
     */
    public synchronized void abandon() {
        for (JobExecution j : running) {
            j.abandon();
        }
    }

    /** Whether {@link #request} has been called. */
    public boolean requested() {
        return requested;
    }

    /** Runner thread: {@code jobs} are about to start; stops them at once when the run is already stopping. */
    void attach(List<JobExecution> jobs) {
        boolean late;
        synchronized (this) {
            running.addAll(jobs);
            late = requested;
        }
        if (late) {
            for (JobExecution j : jobs) {
                j.terminate();
            }
        }
    }

    /** Runner thread: the batch of {@code jobs} has ended. */
    synchronized void detach(List<JobExecution> jobs) {
        running.removeAll(jobs);
    }
}
