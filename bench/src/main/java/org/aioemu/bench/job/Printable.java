package org.aioemu.bench.job;

/**
 * Text from the user's input made safe to echo in a one-line message: control characters (NUL, ESC, a
 * newline inside a value, C1 controls) become visible escapes ({@code \0}, {@code \x1b}, {@code \n}), so an
 * error line can neither be cut short nor drive the terminal.
 */
public final class Printable {
    private Printable() {
    }

    /** As {@link #escape}, but a message's own line breaks stay line breaks. */
    public static String escapeLines(String message) {
        if (message == null) {
            return null;
        }
        String[] lines = message.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lines[i] = escape(lines[i]);
        }
        return String.join("\n", lines);
    }

    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && !Character.isISOControl(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to escape, no copy
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\0' -> b.append("\\0");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
