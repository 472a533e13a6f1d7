package org.aioemu.bench.workload;

/**
 * Receives the live status line (fio's {@code Jobs: 1 (f=1): [r(1)][45.5%][r=393MiB/s][r=101k IOPS][eta 00m:06s]})
 * about once a second while jobs run. Called on the runner's status timer thread, never on a job's loop; an
 * implementation decides whether to show it (the CLI prints it only to a terminal).
 */
@FunctionalInterface
public interface StatusListener {
    void status(String line);
}
