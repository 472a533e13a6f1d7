package org.aioemu.bench;

import java.util.Locale;

/**
 * fio's size syntax for the options {@code bench} takes today: a number with an optional
 * {@code k/m/g/t/p} suffix, optionally followed by {@code i}/{@code b}/{@code ib} (all powers of 1024,
 * as fio's default {@code kb_base=1024} reads them). The full fio number language arrives with the job
 * parser.
 */
final class Sizes {
    private Sizes() {
    }

    /** Bytes for {@code text}; IllegalArgumentException with the option name for anything else. */
    static long parse(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") || t.endsWith("i")) {
            t = t.substring(0, t.length() - 1);
        }
        long multiplier = 1;
        if (!t.isEmpty()) {
            int shift = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                case 'p' -> 50;
                default -> 0;
            };
            if (shift > 0) {
                multiplier = 1L << shift;
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0 || n > Long.MAX_VALUE / multiplier) {
                throw new NumberFormatException();
            }
            return n * multiplier;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + "=" + text + ": not a size (examples: 4096, 4k, 1m, 1g)");
        }
    }

    /** fio's short form: 4096 -> "4096B", 4 KiB -> "4k"... only exact multiples take a suffix. */
    static String format(long bytes) {
        String[] units = {"", "k", "m", "g", "t"};
        int i = 0;
        long v = bytes;
        while (i < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            i++;
        }
        return i == 0 ? v + "B" : v + units[i];
    }
}
