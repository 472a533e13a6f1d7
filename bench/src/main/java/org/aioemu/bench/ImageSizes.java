package org.aioemu.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as qemu-img reads and prints them, so that a size a user types for {@code qemu-img create} means the same
 * here, and {@code info}'s lines read alike. Stateless.
 */
final class ImageSizes {
    /** Shown for a size that does not parse: qemu-img's message, on one line. */
    static final String INVALID = "Invalid image size specified. You may use k, M, G, T, P or E suffixes for"
            + " kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.";

    /**
     * A decimal (a fraction only before a suffix, as in qemu) or a 0x hexadecimal whole number, then at most one
     * suffix; leading blanks and a plus sign pass, as strtoull lets them.
     */
    private static final Pattern SIZE = Pattern.compile("\\s*\\+?(?:(0[xX][0-9a-fA-F]+)|([0-9]+)(\\.[0-9]*)?)([bBkKmMgGtTpPeE]?)");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ImageSizes() {
    }

    /** {@code text} in bytes ({@code 1.5G}, {@code 64k}, {@code 1048576}); a bad size is a one-line user error. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches() || (m.group(3) != null && m.group(4).isEmpty())) {
            throw new Main.UserError(INVALID); // "1.5" alone: qemu takes fractions only of a unit
        }
        int shift = switch (m.group(4).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 60; // "e"
        };
        BigDecimal number = m.group(1) != null
                ? new BigDecimal(new java.math.BigInteger(m.group(1).substring(2), 16))
                : new BigDecimal(m.group(2) + (m.group(3) == null || m.group(3).equals(".") ? "" : m.group(3)));
        // qemu rounds a fraction of a unit to the nearest byte: 1.1k is 1126.
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(1L << shift)).setScale(0, RoundingMode.HALF_UP);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new Main.UserError("Invalid image size specified. Must be between 0 and " + Long.MAX_VALUE + ".");
        }
        return bytes.longValueExact();
    }

    /**
     * {@code bytes} as qemu prints sizes: three significant digits of the largest binary unit that keeps the value
     * under 1000 ("1 GiB", "1.5 KiB", "196 KiB", "0 B"), and C's %g exponent where rounding reaches 1000.
     */
    static String human(long bytes) {
        int unit = 0;
        // The unit changes at 1000 of the smaller one rather than 1024, as in qemu: "0.977 KiB", not "1000 B".
        while (unit < UNITS.length - 1 && bytes / 1000.0 >= Math.pow(1024, unit)) {
            unit++;
        }
        BigDecimal v = new BigDecimal(bytes).divide(BigDecimal.valueOf(2).pow(10 * unit), new MathContext(3, RoundingMode.HALF_EVEN));
        String digits = v.compareTo(BigDecimal.valueOf(1000)) >= 0 ? "1e+03" : v.stripTrailingZeros().toPlainString();
        return digits + " " + UNITS[unit];
    }

    /** The size in whole 512-byte sectors: qemu's block layer sees a raw file of 1000 bytes as 1024. */
    static long sectorAligned(long bytes) {
        return (bytes + 511) & ~511L;
    }
}
