package org.aioemu.bench.job;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * fio's scalar value syntax: sizes and integers with unit suffixes, ranges, percentages, times and
 * booleans. Every parser throws {@link ValueException} with the "expected ..." part of the message.
 *
 * <p>Sizes follow what fio 3.33 does (checked with {@code fio --debug=parse}), which is not quite what
 * its HOWTO says: with the default {@code kb_base=1024}, {@code k}, {@code kb} and {@code ki} all mean
 * 1024, and only the full IEC form {@code kib} is read "backwards" as 1000 (fio's compatibility mode).
 * With {@code kb_base=1000} it is the other way round. Fractions ({@code 1.5g}) and trailing garbage
 * ({@code 4q}), which fio silently truncates, are rejected here.
 */
final class FioNumbers {
    static final String SIZE = "a size such as 4096, 4k, 1m, 2g or 0x1000";
    static final long SECOND = 1_000_000_000L;
    static final long MILLISECOND = 1_000_000L;
    static final long MICROSECOND = 1_000L;
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private FioNumbers() {
    }

    /** A byte count: decimal with an optional unit suffix, or {@code 0x} hex. */
    static long size(String text, int kbBase) {
        String t = text.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            String hex = t.substring(2);
            if (!HEX.matcher(hex).matches()) {
                throw ValueException.expected(SIZE);
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw ValueException.expected("a size below 8 EiB");
            }
        }
        int digits = 0;
        while (digits < t.length() && isAsciiDigit(t.charAt(digits))) {
            digits++;
        }
        long multiplier = digits == 0 ? -1 : multiplier(t.substring(digits).toLowerCase(Locale.ROOT), kbBase);
        if (multiplier < 0) {
            throw ValueException.expected(SIZE);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, digits)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw ValueException.expected("a size below 8 EiB");
        }
    }

    /** 1 for no suffix or "b"; the unit for k/m/g/t/p with an optional "b", "i" or "ib"; -1 if invalid. */
    private static long multiplier(String suffix, int kbBase) {
        if (suffix.isEmpty() || suffix.equals("b")) {
            return 1;
        }
        int power = "kmgtp".indexOf(suffix.charAt(0)) + 1;
        String rest = suffix.substring(1);
        if (power == 0 || !(rest.isEmpty() || rest.equals("b") || rest.equals("i") || rest.equals("ib"))) {
            return -1;
        }
        // fio's compatibility mode: "KiB" takes the base kb_base does not name.
        long base = rest.equals("ib") ? (kbBase == 1000 ? 1024 : 1000) : kbBase;
        long m = 1;
        for (int i = 0; i < power; i++) {
            m *= base;
        }
        return m;
    }

    /** An integer option: fio reads these with the size syntax too ({@code iodepth=1k} is 1024). */
    static long integer(String text, long min, long max, int kbBase) {
        long v;
        try {
            v = size(text, kbBase);
        } catch (ValueException e) {
            throw ValueException.expected(between(min, max));
        }
        if (v < min || v > max) {
            throw ValueException.expected(between(min, max));
        }
        return v;
    }

    static String between(long min, long max) {
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "an integer >= " + min
                : "an integer from " + min + " to " + max;
    }

    /** A size from min to max (block sizes: 1 byte up to what an int holds). */
    static long size(String text, long min, long max, int kbBase) {
        long v = size(text, kbBase);
        if (v < min || v > max) {
            throw ValueException.expected("a size from " + min + " to " + max + " bytes");
        }
        return v;
    }

    /** {@code N%} with N from 1 to 100, or -1 when the text is not a percentage. */
    static int percentOrMinus1(String text) {
        String t = text.trim();
        if (!t.endsWith("%")) {
            return -1;
        }
        String n = t.substring(0, t.length() - 1).trim();
        if (!n.matches("\\d{1,3}") || Integer.parseInt(n) < 1 || Integer.parseInt(n) > 100) {
            throw ValueException.expected("a percentage from 1% to 100%");
        }
        return Integer.parseInt(n);
    }

    /**
     * {@code low-high} or {@code low:high} (fio's irange), each a size; swapped when given high first, as
     * fio does. A single value gives {value, value} when {@code singleOk}, else it is an error.
     */
    static long[] range(String text, boolean singleOk, long min, long max, int kbBase) {
        String t = text.trim();
        int sep = Math.max(t.indexOf('-', 1), t.indexOf(':', 1));
        if (sep < 0) {
            if (!singleOk) {
                throw ValueException.expected("a range such as 1k-4k or 1k:4k");
            }
            long v = size(t, min, max, kbBase);
            return new long[]{v, v};
        }
        long a = size(t.substring(0, sep), min, max, kbBase);
        long b = size(t.substring(sep + 1), min, max, kbBase);
        return new long[]{Math.min(a, b), Math.max(a, b)};
    }

    /**
     * A time: digits with an optional unit (us/usec, ms/msec, s/sec, m/min, h, d; any case), in
     * nanoseconds; {@code defaultUnit} is the unit of a bare number (seconds for runtime, microseconds for
     * thinktime). fio 3.33 reads "10sec" and "2min" as microseconds; its HOWTO documents sec and min, and
     * that is what is followed here.
     */
    static long timeNanos(String text, long defaultUnit) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int digits = 0;
        while (digits < t.length() && isAsciiDigit(t.charAt(digits))) {
            digits++;
        }
        long unit = switch (t.substring(digits)) {
            case "" -> defaultUnit;
            case "us", "usec" -> MICROSECOND;
            case "ms", "msec" -> MILLISECOND;
            case "s", "sec" -> SECOND;
            case "m", "min" -> 60 * SECOND;
            case "h" -> 3600 * SECOND;
            case "d" -> 86400 * SECOND;
            default -> -1;
        };
        if (digits == 0 || unit < 0) {
            throw ValueException.expected(defaultUnit == SECOND
                    ? "a time such as 10 (seconds), 500ms, 2m, 1h"
                    : "a time such as 100 (microseconds), 10ms, 1s");
        }
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, digits)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw ValueException.expected("a time below 292 years");
        }
    }

    /**
     * fio's booleans are 0 and 1; aioemu also takes true/false, yes/no, on/off, and a bare option name
     * ({@code text == null}) as true, for every boolean (fio only for some).
     */
    static boolean bool(String text) {
        if (text == null) {
            return true;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw ValueException.expected("0 or 1 (or true/false, yes/no, on/off)");
        };
    }

    /** 0-9 only: Character.isDigit would also take other scripts' digits, which fio does not. */
    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A plain decimal fraction such as 1.2 or 0.25 (no NaN, no hex floats). */
    static double decimal(String text, String expected) {
        String t = text.trim();
        if (!DECIMAL.matcher(t).matches()) {
            throw ValueException.expected(expected);
        }
        return Double.parseDouble(t);
    }
}
