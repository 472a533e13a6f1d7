package org.aioemu.bench.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code buffer_pattern=} and {@code verify_pattern=}: a concatenation, with nothing in between, of
 * <ul>
 *   <li>{@code 0x} hex digits: the bytes in the order written ({@code 0x123} is 01 23);</li>
 *   <li>a decimal from -2^31 to 2^31-1: a positive one in as few little-endian bytes as hold it
 *       ({@code 256} is 00 01), a negative one as four little-endian bytes ({@code -12} is f4 ff ff ff);</li>
 *   <li>{@code "text"}: its bytes, no escapes;</li>
 *   <li>{@code 'file'}: the file's bytes, as many as still fit.</li>
 * </ul>
 * Byte layouts were read off files that fio 3.33 wrote. fio caps a pattern at 512 bytes. verify_pattern's
 * {@code %o} (the block offset) is fio's but not aioemu's.
 */
final class FioPattern {
    static final int MAX_BYTES = 512;
    private static final String EXPECTED = "0x hex, a decimal, \"text\" or 'file', joined without spaces";

    private FioPattern() {
    }

    static byte[] parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw ValueException.expected(EXPECTED);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '"' || c == '\'') {
                int end = t.indexOf(c, i + 1);
                if (end < 0 || end == i + 1) {
                    throw ValueException.expected(c + "..." + c + " closed and not empty (" + EXPECTED + ")");
                }
                String body = t.substring(i + 1, end);
                if (c == '"') {
                    out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
                } else {
                    readFile(body, MAX_BYTES - out.size(), out);
                }
                i = end + 1;
            } else if (t.startsWith("0x", i) || t.startsWith("0X", i)) {
                int end = i + 2;
                while (end < t.length() && hexValue(t.charAt(end)) >= 0) {
                    end++;
                }
                if (end == i + 2) {
                    throw ValueException.expected(EXPECTED);
                }
                hex(t.substring(i + 2, end), out);
                i = end;
            } else if (c == '%' && t.startsWith("%o", i)) {
                throw ValueException.unsupported("%o, the block offset in the pattern, is fio's alone");
            } else if (c == '-' || FioNumbers.isAsciiDigit(c)) {
                int end = i + 1;
                while (end < t.length() && FioNumbers.isAsciiDigit(t.charAt(end))) {
                    end++;
                }
                decimal(t.substring(i, end), out);
                i = end;
            } else {
                throw ValueException.expected(EXPECTED);
            }
            if (out.size() > MAX_BYTES) {
                throw ValueException.expected("a pattern of at most " + MAX_BYTES + " bytes");
            }
        }
        if (out.size() == 0) {
            throw ValueException.expected("a pattern of at least one byte");
        }
        return out.toByteArray();
    }

    private static void hex(String digits, ByteArrayOutputStream out) {
        // An odd count means the first digit stands alone: 0x123 -> 01 23.
        int i = 0;
        if (digits.length() % 2 == 1) {
            out.write(hexValue(digits.charAt(0)));
            i = 1;
        }
        for (; i < digits.length(); i += 2) {
            out.write(hexValue(digits.charAt(i)) << 4 | hexValue(digits.charAt(i + 1)));
        }
    }

    /** 0-15 for an ASCII hex digit, else -1 (Character.digit would take other scripts' digits). */
    private static int hexValue(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    private static void decimal(String text, ByteArrayOutputStream out) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ValueException.expected(EXPECTED);
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ValueException.expected("decimals from -2147483648 to 2147483647 (" + EXPECTED + ")");
        }
        if (v < 0) {
            for (int b = 0; b < 4; b++) {
                out.write((int) (v >> (8 * b)) & 0xff);
            }
            return;
        }
        do {
            out.write((int) v & 0xff);
            v >>>= 8;
        } while (v != 0);
    }

    private static void readFile(String name, int room, ByteArrayOutputStream out) {
        // Relative to the working directory, as fio opens it.
        try (InputStream in = Files.newInputStream(Path.of(name))) {
            out.writeBytes(in.readNBytes(Math.max(room, 0)));
        } catch (IOException | RuntimeException e) {
            throw ValueException.expected("a readable file between the quotes: cannot read '" + name + "'");
        }
    }
}
