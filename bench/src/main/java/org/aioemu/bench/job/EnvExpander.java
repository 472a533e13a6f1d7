package org.aioemu.bench.job;

import java.util.Map;

/**
 * Environment variables in option values. {@code ${NAME}} is fio's form: the variable's value, or
 * nothing when it is unset. {@code $NAME} (letters, digits, '_') is aioemu's shorthand and only expands a
 * variable that is set; otherwise it stays as written, because fio gives {@code $NAME} no meaning of its
 * own beyond its reserved {@code $pagesize}-style keywords, which {@link FioKeywords} replaces next.
 */
final class EnvExpander {
    private EnvExpander() {
    }

    static String expand(String value, Map<String, String> env) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            int close = c == '$' && value.startsWith("${", i) ? value.indexOf('}', i + 2) : -1;
            if (close > 0) {
                out.append(env.getOrDefault(value.substring(i + 2, close), ""));
                i = close + 1;
                continue;
            }
            int end = i + 1;
            if (c == '$' && end < value.length() && isNameStart(value.charAt(end))) {
                while (end < value.length() && isNamePart(value.charAt(end))) {
                    end++;
                }
                String v = env.get(value.substring(i + 1, end));
                if (v != null) {
                    out.append(v);
                    i = end;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** The names of the {@code ${NAME}} forms in {@code value} that {@code env} does not set, in order. */
    static java.util.List<String> unset(String value, Map<String, String> env) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int i = value.indexOf("${");
        while (i >= 0) {
            int close = value.indexOf('}', i + 2);
            if (close < 0) {
                break;
            }
            String name = value.substring(i + 2, close);
            if (!env.containsKey(name) && !out.contains(name)) {
                out.add(name);
            }
            i = value.indexOf("${", close + 1);
        }
        return out;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }
}
