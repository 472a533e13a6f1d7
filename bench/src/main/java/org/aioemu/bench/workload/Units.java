package org.aioemu.bench.workload;

import java.util.Locale;

/** fio's compact human units for notices and the status line. Stateless. */
final class Units {
    private static final String[] BIN = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Units() {
    }

    /** 4194304 -> "4MiB", 1536 -> "1536B"; exact multiples only, as fio's layout notice prints sizes. */
    static String bytes(long n) {
        int u = 0;
        while (u < BIN.length - 1 && n >= 1024 && n % 1024 == 0) {
            n /= 1024;
            u++;
        }
        return n + BIN[u];
    }

    /** A rate in bytes/s as fio's status line shows it: "393MiB/s", "1024KiB/s", "0KiB/s". */
    static String rate(double bytesPerSec) {
        double v = bytesPerSec / 1024;
        int u = 1;
        while (u < BIN.length - 1 && v >= 10240) {
            v /= 1024;
            u++;
        }
        return (v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + BIN[u] + "/s";
    }

    /** A count as fio's status line shows IOPS: "987", "101k", "1234k". */
    static String count(double n) {
        if (n < 10_000) {
            return String.format(Locale.ROOT, "%.0f", n);
        }
        if (n < 10_000_000) {
            return String.format(Locale.ROOT, "%.0fk", n / 1000);
        }
        return String.format(Locale.ROOT, "%.0fM", n / 1_000_000);
    }
}
