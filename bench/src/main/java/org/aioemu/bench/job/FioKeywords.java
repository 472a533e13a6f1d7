package org.aioemu.bench.job;

import java.util.Locale;

/**
 * fio's reserved keywords in job-file values: {@code $pagesize}, {@code $mb_memory} (total memory in MiB)
 * and {@code $ncpus} (online CPUs). fio replaces them and, when the value is then arithmetic
 * ({@code size=$mb_memory/4}, {@code bs=2*$pagesize}, {@code (8*$pagesize)}), evaluates it: + - * / % and
 * parentheses over numbers, in doubles, truncated to a whole number, as fio's expression parser does.
 * Values without a keyword are left alone (fio does not evaluate {@code size=2m+4k} either). Stateless.
 */
final class FioKeywords {
    /** What the keywords stand for on some machine. */
    record Machine(long pageSize, long mbMemory, long cpus) {
        /** This machine: /proc/meminfo's MemTotal, the JVM's processor count, the usual 4 KiB page. */
        static Machine current() {
            long mb = 0;
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        mb = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                        break;
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                mb = Runtime.getRuntime().maxMemory() >> 20; // not Linux: a lower bound rather than nothing
            }
            return new Machine(4096, mb, Runtime.getRuntime().availableProcessors());
        }
    }

    private static final String[] NAMES = {"$pagesize", "$mb_memory", "$ncpus"};

    private FioKeywords() {
    }

    /** {@code value} with the keywords replaced and, if they were there, its arithmetic done. */
    static String replace(String value, Machine m) {
        if (value == null || value.indexOf('$') < 0) {
            return value;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        boolean any = false;
        for (String k : NAMES) {
            any |= lower.contains(k);
        }
        if (!any) {
            return value;
        }
        String s = value.replace("$pagesize", Long.toString(m.pageSize())).replace("$mb_memory", Long.toString(m.mbMemory()))
                .replace("$ncpus", Long.toString(m.cpus()));
        if (s.chars().noneMatch(c -> "+-*/%()".indexOf(c) >= 0)) {
            return s.strip();
        }
        return Long.toString((long) new Arithmetic(s).evaluate());
    }

    /** A recursive-descent evaluator of + - * / % and parentheses over decimal numbers. */
    private static final class Arithmetic {
        private final String text;
        private int at;

        Arithmetic(String text) {
            this.text = text;
        }

        double evaluate() {
            double v = sum();
            skipSpace();
            if (at != text.length()) {
                throw ValueException.expected("arithmetic of numbers, + - * / % and parentheses (stopped at '"
                        + text.substring(at) + "' in '" + text + "')");
            }
            return v;
        }

        private double sum() {
            double v = product();
            while (true) {
                skipSpace();
                if (eat('+')) {
                    v += product();
                } else if (eat('-')) {
                    v -= product();
                } else {
                    return v;
                }
            }
        }

        private double product() {
            double v = unary();
            while (true) {
                skipSpace();
                if (eat('*')) {
                    v *= unary();
                } else if (eat('/')) {
                    double d = unary();
                    if (d == 0) {
                        throw ValueException.expected("no division by zero in '" + text + "'");
                    }
                    v /= d;
                } else if (eat('%')) {
                    double d = unary();
                    if (d == 0) {
                        throw ValueException.expected("no division by zero in '" + text + "'");
                    }
                    v %= d;
                } else {
                    return v;
                }
            }
        }

        private double unary() {
            skipSpace();
            if (eat('-')) {
                return -unary();
            }
            if (eat('(')) {
                double v = sum();
                skipSpace();
                if (!eat(')')) {
                    throw ValueException.expected("a closing ')' in '" + text + "'");
                }
                return v;
            }
            int start = at;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                at++;
            }
            if (start == at) {
                throw ValueException.expected("a number at '" + text.substring(start) + "' in '" + text + "'");
            }
            return Double.parseDouble(text.substring(start, at));
        }

        private boolean eat(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void skipSpace() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }
    }
}
