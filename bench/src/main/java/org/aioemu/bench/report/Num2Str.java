package org.aioemu.bench.report;

import java.util.Locale;

/**
 * fio's compact number style ("IOPS=35.2k", "BW=137MiB/s (144MB/s)", "max=1387.0k"): a number is
 * scaled by 1000 (or 1024) until its integer part has at most {@code maxlen} digits; whatever room is
 * left, minus one for the point, becomes decimals of the last remainder. With no room for a decimal
 * the remainder rounds the integer part instead. Tools diff fio output textually, so the rounding here
 * follows fio's observable behaviour, quirks included (e.g. 1234567 at maxlen 4 is "1235k").
 */
final class Num2Str {
    private static final String[] SI = {"", "k", "M", "G", "T", "P", "E"};
    private static final String[] IEC = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Num2Str() {
    }

    /**
     * @param num    the value (never negative here; clamped to 0)
     * @param maxlen digits allowed, counting the decimal point
     * @param pow2   1024 steps and Ki/Mi prefixes instead of 1000 and k/M
     * @param unit   appended after the prefix: "", "B", "B/s"
     */
    static String format(long num, int maxlen, boolean pow2, String unit) {
        int thousand = pow2 ? 1024 : 1000;
        String[] prefixes = pow2 ? IEC : SI;
        long n = Math.max(0, num);
        int index = 0;
        long remainder = -1;
        while (index < prefixes.length - 1 && digits(n) > maxlen) {
            remainder = n % thousand;
            n /= thousand;
            index++;
        }
        if (remainder < 0) {
            return n + prefixes[index] + unit;
        }
        int decimals = maxlen - digits(n) - 1;
        if (decimals <= 0) {
            // No room for even one decimal: round the integer part on the dropped remainder.
            if (remainder >= thousand / 2) {
                n++;
            }
            return n + prefixes[index] + unit;
        }
        String fraction = String.format(Locale.ROOT, "%." + decimals + "f", (double) remainder / thousand);
        if (fraction.charAt(0) == '1') {
            // .96 rounded to one decimal is 1.0: carry into the integer part, keep the zero decimals.
            n++;
        }
        return n + "." + fraction.substring(2) + prefixes[index] + unit;
    }

    /** "35.2k": fio's IOPS figure. */
    static String count(long n) {
        return format(n, 4, false, "");
    }

    /** "137MiB/s". */
    static String rateBinary(long bytesPerSec) {
        return format(bytesPerSec, 4, true, "B/s");
    }

    /** "144MB/s". */
    static String rateDecimal(long bytesPerSec) {
        return format(bytesPerSec, 4, false, "B/s");
    }

    /** "104MiB". */
    static String sizeBinary(long bytes) {
        return format(bytes, 4, true, "B");
    }

    /** "109MB". */
    static String sizeDecimal(long bytes) {
        return format(bytes, 4, false, "B");
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }
}
