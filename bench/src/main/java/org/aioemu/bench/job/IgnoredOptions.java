package org.aioemu.bench.job;

/**
 * fio options that only tune fio itself (its threads vs processes, clocks, CPU and NUMA placement,
 * statistics it computes, how it lays out or caches files) and do not change the I/O a job issues. A job
 * file that has them runs unchanged, with a one-line notice for each.
 */
final class IgnoredOptions {
    /** fio 3.33 job options. */
    private static final String FIO = """
            thread|threads ioscheduler disable_lat disable_clat disable_slat disable_bw_measurement|disable_bw
            gtod_reduce gtod_cpu clocksource unit_base
            allow_file_create serialize_overlap
            log_offset per_job_logs log_unix_epoch log_max_value log_prio log_entries log_compression
            log_compression_cpus log_store_compressed log_alternate_epoch log_alternate_epoch_clock_id
            numa_cpu_nodes numa_mem_policy cpus_allowed_policy cpumask nice
            lockmem mem|iomem hugepage-size stats cgroup cgroup_nodelete cgroup_weight uid gid
            create_serialize lockfile unique_filename io_submit_mode block_error_percentiles
            write_hint bwavgtime iopsavgtime verify_async
            """;
    /** Options of fio's io_uring, libaio and pvsync2 engines that tune how those engines submit. */
    private static final String ENGINES = """
            hipri hipri_percentage fixedbufs registerfiles sqthread_poll sqthread_poll_cpu nonvectored
            uncached nowait force_async userspace_reap
            """;
    /** I/O priority: it orders requests in a device's queue, and aioemu's engines do not pass it on. */
    private static final String PRIORITIES = """
            prio prioclass cmdprio cmdprio_class cmdprio_percentage cmdprio_bssplit cmdprio_hint
            """;

    private IgnoredOptions() {
    }

    static void register(OptionTable.Builder b) {
        for (String names : (FIO + ENGINES).trim().split("\\s+")) {
            b.add(names, OptionSpec.Kind.IGNORED, "Only tunes fio internals; ignored", (o, v, c) -> {
            });
        }
        b.add("thinktime_spin", OptionSpec.Kind.IGNORED, "Spins for part of thinktime; aioemu waits all of it on a timer,"
                + " so only the CPU use differs; ignored", (o, v, c) -> {
                });
        b.add("openfiles", OptionSpec.Kind.IGNORED, "Caps how many files are open at once; aioemu keeps a job's files open"
                + " throughout; ignored", (o, v, c) -> {
                });
        for (String names : PRIORITIES.trim().split("\\s+")) {
            b.add(names, OptionSpec.Kind.IGNORED, "Sets an I/O priority, which aioemu's engines do not pass to the kernel; ignored",
                    (o, v, c) -> {
                    });
        }
    }
}
