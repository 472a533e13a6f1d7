package org.aioemu.blockdev;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to open, as QEMU's {@code -blockdev} / {@code --image-opts} say it: a driver name and options, with the
 * options of a child node under its name and a dot ({@code file.filename=disk.img}), so drivers stack:
 * {@code driver=raw,offset=1M,size=64M,file.driver=file,file.filename=disk.img}. Immutable; any thread.
 *
 * <p>The text form is QEMU's: {@code key=value} pairs separated by commas, a doubled comma ({@code ,,}) standing for
 * a comma inside a value. Keys are case-sensitive, as in QEMU. Which keys a driver takes is the driver's to say
 * (see {@link BlockDrivers}); a key no driver in the stack takes is an error naming it.
 *
 * <p>Inherited options: {@code read-only}, {@code cache.direct}, {@code cache.no-flush}, {@code cache.writethrough},
 * {@code aio}, {@code pool} and {@code thread-pool-max} given on a node apply to its children unless a child sets
 * its own, as QEMU's {@code cache} and {@code read-only} do. {@code cache=MODE} is short for the three
 * {@code cache.*} flags: {@code writeback} (the default), {@code none} (O_DIRECT), {@code writethrough}
 * (O_DSYNC), {@code directsync} (both), {@code unsafe} (flushes do nothing).
 */
public final class BlockSpec {
    static final Set<String> INHERITED = Set.of("read-only", "cache.direct", "cache.no-flush", "cache.writethrough", "aio",
            "pool", "thread-pool-max");

    private final Map<String, String> options;

    private BlockSpec(Map<String, String> options) {
        this.options = Collections.unmodifiableMap(options);
    }

    /** A spec naming only its driver. */
    public static BlockSpec of(String driver) {
        return new BlockSpec(new LinkedHashMap<>()).with("driver", driver);
    }

    /**
     * A spec naming only a file and no driver, so that opening it probes the format (lz4 by its header, else raw), as
     * qemu does for an image given without {@code -f}. Callers that mean one format say so with {@link #of} instead:
     * a probed raw image refuses writes that would make it probe as lz4, which a forced raw one need not.
     */
    public static BlockSpec ofFile(String filename) {
        Objects.requireNonNull(filename, "filename");
        return new BlockSpec(new LinkedHashMap<>()).with("filename", filename);
    }

    /**
     * Parses QEMU's option text, e.g. {@code driver=file,filename=/var/tmp/disk.raw,cache=none,aio=io_uring}.
     *
     * @throws IllegalArgumentException for an empty key, a pair without {@code =}, a key given twice, or a bad
     *         {@code cache} mode, naming it
     */
    public static BlockSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        BlockSpec spec = new BlockSpec(new LinkedHashMap<>());
        StringBuilder part = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char ch = i < text.length() ? text.charAt(i) : ',';
            if (ch == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                part.append(',');
                i++;
            } else if (ch == ',') {
                if (!part.isEmpty()) {
                    spec = spec.withPair(part.toString(), text);
                }
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        return spec;
    }

    private BlockSpec withPair(String pair, String text) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + pair + "' in '" + text + "' is not key=value");
        }
        String key = pair.substring(0, eq);
        if (options.containsKey(key)) {
            throw new IllegalArgumentException("option '" + key + "' is given twice in '" + text + "'");
        }
        return with(key, pair.substring(eq + 1));
    }

    /** This spec with {@code key} set to {@code value}; {@code cache=MODE} sets the three {@code cache.*} flags. */
    public BlockSpec with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of " + key);
        Map<String, String> m = new LinkedHashMap<>(options);
        if (key.equals("cache") || key.endsWith(".cache")) {
            String prefix = key.substring(0, key.length() - "cache".length());
            boolean[] flags = cacheMode(value); // direct, no-flush, writethrough
            m.put(prefix + "cache.direct", flags[0] ? "on" : "off");
            m.put(prefix + "cache.no-flush", flags[1] ? "on" : "off");
            m.put(prefix + "cache.writethrough", flags[2] ? "on" : "off");
        } else {
            m.put(key, value);
        }
        return new BlockSpec(m);
    }

    /** QEMU's cache modes as {direct, no-flush, writethrough}. */
    private static boolean[] cacheMode(String mode) {
        return switch (mode) {
            case "writeback" -> new boolean[]{false, false, false};
            case "none" -> new boolean[]{true, false, false};
            case "writethrough" -> new boolean[]{false, false, true};
            case "directsync" -> new boolean[]{true, false, true};
            case "unsafe" -> new boolean[]{false, true, false};
            default -> throw new IllegalArgumentException("cache mode '" + mode
                    + "' is not one of writeback, none, writethrough, directsync, unsafe");
        };
    }

    /** This spec without {@code key} (a driver-less spec with a filename is probed: see {@code BlockDrivers}). */
    BlockSpec without(String key) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.remove(key);
        return new BlockSpec(copy);
    }

    /**
     * A node of {@code driver} with this spec as its child {@code name}, for stacking a filter over it: the inherited
     * options ({@code read-only}, {@code cache.*}, ...) move to the new node, which passes them down, so the stack as a
     * whole keeps them; the rest go under {@code name.}.
     */
    public BlockSpec wrappedIn(String driver, String name) {
        Objects.requireNonNull(name, "name");
        BlockSpec top = of(driver);
        for (Map.Entry<String, String> e : options.entrySet()) {
            top = top.with(INHERITED.contains(e.getKey()) ? e.getKey() : name + "." + e.getKey(), e.getValue());
        }
        return top;
    }

    /** The driver's name, or null when none is given. */
    public String driver() {
        return options.get("driver");
    }

    /** The value of {@code key} on this node, or null. */
    public String get(String key) {
        return options.get(key);
    }

    /** Every option, keys as given (children's under their prefix). */
    public Map<String, String> options() {
        return options;
    }

    /** Whether the spec has options under {@code name.} (a child node called {@code name}). */
    public boolean hasChild(String name) {
        String prefix = name + ".";
        for (String k : options.keySet()) {
            if (k.startsWith(prefix) && !INHERITED.contains(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The child node called {@code name}: the options under {@code name.}, with the prefix removed, plus this node's
     * inherited options the child does not set itself.
     */
    public BlockSpec child(String name) {
        String prefix = name + ".";
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getKey().startsWith(prefix) && !INHERITED.contains(e.getKey())) {
                m.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        for (String k : INHERITED) {
            if (options.containsKey(k)) {
                m.putIfAbsent(k, options.get(k));
            }
        }
        return new BlockSpec(m);
    }

    /**
     * Throws IllegalArgumentException naming the first key of this node (not of its children {@code children}) that
     * is not in {@code known}, nor inherited, nor {@code driver}: a typo gets an error, not silence.
     */
    void checkKeys(Set<String> known, Set<String> children) {
        Set<String> unknown = new TreeSet<>();
        for (String k : options.keySet()) {
            int dot = k.indexOf('.');
            boolean childKey = dot > 0 && children.contains(k.substring(0, dot));
            if (!childKey && !known.contains(k) && !INHERITED.contains(k) && !k.equals("driver")) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("block driver '" + driver() + "' does not take the option"
                    + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " (it takes: "
                    + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }

    /** An on/off option: on, off, true, false, yes, no (QEMU's spellings); {@code absent} when not set. */
    boolean flag(String key, boolean absent) {
        String v = options.get(key);
        if (v == null) {
            return absent;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("option " + key + "=" + v + ": expected on or off");
        };
    }

    /** A size option in bytes, with QEMU's suffixes (k, M, G, T: powers of 1024); {@code absent} when not set. */
    long size(String key, long absent) {
        String v = options.get(key);
        if (v == null) {
            return absent;
        }
        String t = v.trim();
        long unit = 1;
        char last = t.isEmpty() ? ' ' : Character.toLowerCase(t.charAt(t.length() - 1));
        int shift = switch (last) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            case 'b' -> 0;
            default -> -1;
        };
        if (shift >= 0) {
            unit = 1L << shift;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n >= 0 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("option " + key + "=" + v + ": expected a size in bytes (a number, with k, M, G"
                + " or T for powers of 1024)");
    }

    /** The text form, which {@link #parse} reads back to an equal spec. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(e.getKey()).append('=').append(e.getValue().replace(",", ",,"));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockSpec s && s.options.equals(options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }
}
