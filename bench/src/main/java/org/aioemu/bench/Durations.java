package org.aioemu.bench;

import java.util.Locale;

/** fio's time syntax: a plain number is seconds; suffixes us, ms, s, m, h, d. */
final class Durations {
    private Durations() {
    }

    static long parseSeconds(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unitNanos = 1_000_000_000L;
        String[][] units = {{"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}, {"m", "60000000000"},
                {"h", "3600000000000"}, {"d", "86400000000000"}};
        for (String[] u : units) {
            if (t.endsWith(u[0]) && t.length() > u[0].length() && Character.isDigit(t.charAt(t.length() - u[0].length() - 1))) {
                unitNanos = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > Long.MAX_VALUE / unitNanos) {
                throw new NumberFormatException();
            }
            return n * unitNanos;
        } catch (NumberFormatException e) {
            throw new Main.UserError("--" + option + "=" + text + ": not a positive duration (examples: 10, 500ms, 2m)");
        }
    }
}
