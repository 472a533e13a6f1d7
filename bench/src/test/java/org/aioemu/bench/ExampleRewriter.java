package org.aioemu.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites one of fio's example job files to run on scratch files in a directory, small and short, changing
 * nothing else: every file name (devices included) becomes a file of that base name in the directory, sizes
 * above a cap are capped, times (runtime, startdelay, steady-state windows) are cut to at most a second or
 * two. Examples whose engine does not do I/O on files (network, cpuio, exec, vendor libraries) are not
 * rewritten: {@link #rewrite} returns null for them.
 */
final class ExampleRewriter {
    /** Engines that read and write regular files; what else an example names is not run. */
    static final Set<String> FILE_ENGINES = Set.of("libaio", "io_uring", "psync", "sync", "pvsync", "pvsync2",
            "posixaio", "null", "mmap", "vsync");
    static final long SIZE_CAP = 16L << 20;
    static final long ZONE_CAP = 1L << 20;
    private static final Set<String> SIZES = Set.of("size", "filesize", "io_size", "io_limit", "offset_increment");
    private static final Set<String> ZONE_SIZES = Set.of("zonesize", "zoneskip", "zonerange");
    private static final Set<String> SHORT_TIMES = Set.of("runtime", "timeout", "startdelay");
    private static final Set<String> WINDOWS = Set.of("ss_dur", "ss_ramp", "ramp_time");

    private ExampleRewriter() {
    }

    /** The rewritten text, or null when the example does not run on files. */
    static String rewrite(String text, Path dir) {
        // A first [global]: the file's own options come after it and win, except where capped below. The runtime
        // bounds jobs paced slower than their size allows (rate=1250 on 16 MiB would run for hours).
        StringBuilder out = new StringBuilder("[global]\ndirectory=" + dir + "\nsize=" + SIZE_CAP + "\nruntime=1s\n\n");
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[") || eq < 0) {
                out.append(raw).append('\n');
                continue;
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = stripComment(line.substring(eq + 1)).strip();
            String rewritten = switch (key) {
                case "ioengine" -> FILE_ENGINES.contains(value) ? value : null;
                case "filename" -> fileNames(value);
                case "directory" -> dir.toString();
                default -> value;
            };
            if (rewritten == null) {
                return null;
            }
            if (SIZES.contains(key)) {
                rewritten = cap(value, SIZE_CAP);
            } else if (ZONE_SIZES.contains(key)) {
                rewritten = cap(value, ZONE_CAP);
            } else if (SHORT_TIMES.contains(key)) {
                rewritten = capSeconds(value, 1);
            } else if (WINDOWS.contains(key)) {
                rewritten = capSeconds(value, 0.5);
            } else if (key.equals("numjobs")) {
                rewritten = String.valueOf(Math.min(4, Long.parseLong(value)));
            } else if (key.equals("loops")) {
                rewritten = String.valueOf(Math.min(2, Long.parseLong(value)));
            }
            out.append(key).append('=').append(rewritten).append('\n');
        }
        return out.toString();
    }

    private static String stripComment(String v) {
        int hash = v.indexOf('#');
        int semi = v.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return cut < 0 ? v : v.substring(0, cut);
    }

    /** Each ':'-separated name becomes its last path segment (a device name for a device). */
    private static String fileNames(String value) {
        StringBuilder b = new StringBuilder();
        for (String name : value.split(":")) {
            String base = name.substring(name.lastIndexOf('/') + 1);
            b.append(b.isEmpty() ? "" : ":").append(base.isEmpty() ? "file" : base);
        }
        return b.toString();
    }

    /** A size, or a low-high range, with every bound above {@code cap} lowered to it; percentages kept. */
    private static String cap(String value, long cap) {
        if (value.contains("%")) {
            return value;
        }
        String[] parts = value.split("-", -1);
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            long bytes = bytes(p);
            b.append(b.isEmpty() ? "" : "-").append(bytes > cap ? String.valueOf(cap) : p);
        }
        return b.toString();
    }

    static long bytes(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).replace("ib", "").replace("b", "");
        int shift = switch (unit) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> throw new IllegalArgumentException("size unit in " + v);
        };
        return n << shift;
    }

    /** A time (seconds unless a unit is given) at most {@code max} seconds, written in milliseconds. */
    private static String capSeconds(String value, double max) {
        String s = value.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        double n = Double.parseDouble(s.substring(0, i));
        double seconds = switch (s.substring(i)) {
            case "", "s" -> n;
            case "ms" -> n / 1e3;
            case "us" -> n / 1e6;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86400;
            default -> throw new IllegalArgumentException("time unit in " + value);
        };
        return Math.round(Math.min(seconds, max) * 1000) + "ms";
    }
}
