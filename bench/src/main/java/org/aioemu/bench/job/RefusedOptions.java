package org.aioemu.bench.job;

import java.util.HashMap;
import java.util.Map;

/**
 * Why aioemu refuses each fio option it does not run, for the error (after the file and line) and for
 * docs/fio-options.md. Options fio documents for hardware aioemu's engines do not drive say so; the rest are
 * not implemented yet. Stateless.
 */
final class RefusedOptions {
    private static final String ZONED = "it drives zoned block devices (zonemode=zbd), which aioemu does not";
    private static final String NOT_YET = "not implemented in aioemu yet";
    private static final Map<String, String> WHY = new HashMap<>();

    static {
        for (String z : new String[] {"ignore_zone_limits", "job_max_open_zones", "max_open_zones", "read_beyond_wp",
                "zone_reset_frequency", "zone_reset_threshold", "zonecapacity"}) {
            WHY.put(z, ZONED);
        }
        WHY.put("atomic", "O_ATOMIC writes need a device and kernel that offer them, which Linux does not");
        WHY.put("write_barrier", "fio issues barrier writes only through its sg (SCSI generic) engine");
        WHY.put("profile", "fio's built-in profiles are not part of aioemu: act drives raw devices for Aerospike, and"
                + " fio 3.33's tiobench ignores its own options (size, block, numruns, dir, threads), running four fixed"
                + " jobs (seqwrite, randwrite, seqread, randread on four files, direct, bs=4k) that a job file states plainly");
        WHY.put("error_dump", NOT_YET + ": a job stops at its first error");
    }

    private RefusedOptions() {
    }

    /** Why fio option {@code name} is refused. */
    static String why(String name) {
        return WHY.getOrDefault(name, NOT_YET);
    }
}
