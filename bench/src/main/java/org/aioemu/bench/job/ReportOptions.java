package org.aioemu.bench.job;

/** Parsing for the options that shape the report rather than the I/O. Stateless. */
final class ReportOptions {
    /** fio's FIO_IO_U_LIST_MAX_LEN. */
    private static final int MAX_PERCENTILES = 20;

    private ReportOptions() {
    }

    /** percentile_list: up to 20 percentages (0..100), ':'-separated. */
    static double[] percentiles(String v) {
        String[] parts = v.trim().split(":");
        if (parts.length > MAX_PERCENTILES) {
            throw ValueException.expected("at most " + MAX_PERCENTILES + " percentiles separated by ':'");
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw ValueException.expected("percentiles separated by ':' (got '" + parts[i].trim() + "')");
            }
            if (!(out[i] >= 0 && out[i] <= 100)) {
                throw ValueException.expected("percentiles from 0 to 100 (got '" + parts[i].trim() + "')");
            }
        }
        return out;
    }

    /** The most decimals any entry is written with: fio prints every percentile with that many. */
    static int precision(String v) {
        int max = 0;
        for (String p : v.trim().split(":")) {
            int dot = p.indexOf('.');
            if (dot >= 0) {
                int digits = 0;
                for (int i = dot + 1; i < p.length() && Character.isDigit(p.charAt(i)); i++) {
                    digits++;
                }
                max = Math.max(max, digits);
            }
        }
        return max;
    }
}
