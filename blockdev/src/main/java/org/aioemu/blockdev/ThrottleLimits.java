package org.aioemu.blockdev;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * I/O limits of a {@link ThrottleGroup}, as QEMU's {@code throttling.*} options state them: six leaky buckets — IOPS
 * and bytes per second, for reads, writes and both together — each with an average rate, an optional burst rate
 * ({@code -max}) and how long a burst at that rate may last ({@code -max-length}, seconds), plus {@code iops-size}
 * (a request larger than this counts as several operations). A rate of 0 is no limit. Immutable; any thread.
 *
 * <p>Build with {@link #with(String, long)} from {@link #NONE} (keys are QEMU's, without the {@code throttling.}
 * prefix: {@code iops-total}, {@code bps-read-max}, {@code iops-write-max-length}, {@code iops-size}, ...) or
 * {@link #parse}; {@link #check()} states QEMU's rules (a group checks its limits when it is made).
 *
 * @param iopsTotal operations per second, reads and writes together
 * @param iopsRead  read operations per second
 * @param iopsWrite write operations per second (discards and write-zeroes count as writes, as in QEMU)
 * @param bpsTotal  bytes per second, reads and writes together
 * @param bpsRead   bytes read per second
 * @param bpsWrite  bytes written per second
 * @param iopsSize  bytes one operation stands for in the IOPS buckets (0: every request is one)
 */
public record ThrottleLimits(Bucket iopsTotal, Bucket iopsRead, Bucket iopsWrite, Bucket bpsTotal, Bucket bpsRead,
                             Bucket bpsWrite, long iopsSize) {
    /** QEMU's THROTTLE_VALUE_MAX: no rate, burst or product of burst rate and length may exceed it. */
    public static final long VALUE_MAX = 1_000_000_000_000_000L;

    /** The bucket names, in the order {@link #bucket(int)} numbers them. */
    static final List<String> BUCKETS = List.of("iops-total", "iops-read", "iops-write", "bps-total", "bps-read",
            "bps-write");

    /** Every key {@link #with(String, long)} takes: each bucket's rate, {@code -max} and {@code -max-length}, and {@code iops-size}. */
    public static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>();
        for (String b : BUCKETS) {
            keys.add(b);
            keys.add(b + "-max");
            keys.add(b + "-max-length");
        }
        keys.add("iops-size");
        KEYS = List.copyOf(keys);
    }

    /** No limit at all. */
    public static final ThrottleLimits NONE = new ThrottleLimits(Bucket.NONE, Bucket.NONE, Bucket.NONE, Bucket.NONE,
            Bucket.NONE, Bucket.NONE, 0);

    /**
     * One leaky bucket: it drains at {@code avg} units a second; a request may go while it holds no more than
     * {@code max * maxLength} (with a burst rate) or a tenth of a second at {@code avg} (without one).
     *
     * @param avg       the sustained rate, 0 for none
     * @param max       the burst rate, 0 for none (then bursts are a tenth of a second at {@code avg})
     * @param maxLength seconds a burst at {@code max} may last, at least 1
     */
    public record Bucket(long avg, long max, long maxLength) {
        public static final Bucket NONE = new Bucket(0, 0, 1);
    }

    public ThrottleLimits {
        Objects.requireNonNull(iopsTotal, "iopsTotal");
        Objects.requireNonNull(iopsRead, "iopsRead");
        Objects.requireNonNull(iopsWrite, "iopsWrite");
        Objects.requireNonNull(bpsTotal, "bpsTotal");
        Objects.requireNonNull(bpsRead, "bpsRead");
        Objects.requireNonNull(bpsWrite, "bpsWrite");
    }

    /** Bucket {@code i} in the order of {@link #BUCKETS}. */
    Bucket bucket(int i) {
        return switch (i) {
            case 0 -> iopsTotal;
            case 1 -> iopsRead;
            case 2 -> iopsWrite;
            case 3 -> bpsTotal;
            case 4 -> bpsRead;
            case 5 -> bpsWrite;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    private ThrottleLimits withBucket(int i, Bucket b) {
        return new ThrottleLimits(i == 0 ? b : iopsTotal, i == 1 ? b : iopsRead, i == 2 ? b : iopsWrite,
                i == 3 ? b : bpsTotal, i == 4 ? b : bpsRead, i == 5 ? b : bpsWrite, iopsSize);
    }

    /**
     * These limits with QEMU's option {@code key} (one of {@link #KEYS}, a {@code throttling.} prefix allowed) set to
     * {@code value}. Whether the whole makes sense is {@link #check()}'s to say.
     *
     * @throws IllegalArgumentException for an unknown key or a negative value, naming it
     */
    public ThrottleLimits with(String key, long value) {
        String k = key.startsWith("throttling.") ? key.substring("throttling.".length()) : key;
        if (!KEYS.contains(k)) {
            throw new IllegalArgumentException("unknown throttling option '" + key + "' (known: " + String.join(", ", KEYS)
                    + ", throttle-group)");
        }
        if (value < 0) {
            throw new IllegalArgumentException("throttling option " + k + "=" + value + " must not be negative");
        }
        if (k.equals("iops-size")) {
            return new ThrottleLimits(iopsTotal, iopsRead, iopsWrite, bpsTotal, bpsRead, bpsWrite, value);
        }
        int i = BUCKETS.indexOf(k.replaceFirst("-max(-length)?$", ""));
        Bucket b = bucket(i);
        if (k.endsWith("-max-length")) {
            return withBucket(i, new Bucket(b.avg(), b.max(), value));
        }
        if (k.endsWith("-max")) {
            return withBucket(i, new Bucket(b.avg(), value, b.maxLength()));
        }
        return withBucket(i, new Bucket(value, b.max(), b.maxLength()));
    }

    /**
     * Reads {@code KEY=VALUE[,KEY=VALUE...]} with the keys of {@link #KEYS} (QEMU's names, the {@code throttling.}
     * prefix optional) and whole numbers, which may end in k, M, G or T (powers of 1024); then {@link #check()}s.
     *
     * @throws IllegalArgumentException naming the bad key or value, or the rule broken, in one line
     */
    public static ThrottleLimits parse(String text) {
        ThrottleLimits l = NONE;
        List<String> seen = new ArrayList<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("throttling option '" + pair + "' is not KEY=VALUE");
            }
            String key = pair.substring(0, eq).trim();
            if (seen.contains(key)) {
                throw new IllegalArgumentException("throttling option '" + key + "' is given twice");
            }
            seen.add(key);
            l = l.with(key, number(key, pair.substring(eq + 1)));
        }
        l.check();
        return l;
    }

    /** A whole number with an optional k, M, G or T suffix (powers of 1024), for {@code key}'s messages. */
    static long number(String key, String text) {
        String t = text.trim();
        int shift = 0;
        if (!t.isEmpty()) {
            shift = switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
        }
        String digits = shift > 0 ? t.substring(0, t.length() - 1) : t;
        try {
            long n = Long.parseLong(digits);
            if (n >= 0 && n <= VALUE_MAX >> shift) {
                return n << shift;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("throttling option " + key + "=" + text + ": expected a whole number from 0 to "
                + VALUE_MAX + " (k, M, G, T multiply by 1024)");
    }

    /** Whether any bucket has a rate: without one, the filter passes every request. */
    public boolean limits() {
        for (int i = 0; i < BUCKETS.size(); i++) {
            if (bucket(i).avg() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Throws IllegalArgumentException with QEMU's message when these limits break one of its rules: total and
     * read/write rates of one kind together, iops-size without an IOPS rate, a value over {@link #VALUE_MAX}, a burst
     * length of 0 or without a burst rate or too long for it, a burst rate without a rate or below it.
     */
    public ThrottleLimits check() {
        for (int kind = 0; kind < 6; kind += 3) {
            Bucket total = bucket(kind);
            Bucket read = bucket(kind + 1);
            Bucket write = bucket(kind + 2);
            if ((total.avg() > 0 || total.max() > 0) && (read.avg() > 0 || write.avg() > 0 || read.max() > 0
                    || write.max() > 0)) {
                throw invalid("bps/iops/max total values and read/write values cannot be used at the same time");
            }
        }
        if (iopsSize > 0 && iopsTotal.avg() == 0 && iopsRead.avg() == 0 && iopsWrite.avg() == 0) {
            throw invalid("iops size requires an iops value to be set");
        }
        for (int i = 0; i < BUCKETS.size(); i++) {
            Bucket b = bucket(i);
            String name = BUCKETS.get(i);
            if (b.avg() > VALUE_MAX || b.max() > VALUE_MAX || b.avg() < 0 || b.max() < 0) {
                throw invalid(name + ": bps/iops/max values must be within [0, " + VALUE_MAX + "]");
            }
            if (b.maxLength() < 1) {
                throw invalid(name + "-max-length: the burst length cannot be 0");
            }
            if (b.maxLength() > 1 && b.max() == 0) {
                throw invalid(name + "-max-length: burst length set without burst rate (" + name + "-max)");
            }
            if (b.max() > 0 && b.maxLength() > VALUE_MAX / b.max()) {
                throw invalid(name + "-max-length: burst length too high for this burst rate");
            }
            if (b.max() > 0 && b.avg() == 0) {
                throw invalid(name + "-max: bps_max/iops_max require corresponding bps/iops values");
            }
            if (b.max() > 0 && b.max() < b.avg()) {
                throw invalid(name + "-max: bps_max/iops_max cannot be lower than bps/iops");
            }
        }
        return this;
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("throttling: " + why);
    }

    /** The limits set, in {@link #parse}'s form ({@code none} when there are none). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < BUCKETS.size(); i++) {
            Bucket k = bucket(i);
            String name = BUCKETS.get(i);
            append(b, name, k.avg());
            append(b, name + "-max", k.max());
            if (k.maxLength() != 1) {
                append(b, name + "-max-length", k.maxLength());
            }
        }
        append(b, "iops-size", iopsSize);
        return b.isEmpty() ? "none" : b.toString();
    }

    private static void append(StringBuilder b, String key, long v) {
        if (v != 0) {
            b.append(b.isEmpty() ? "" : ",").append(key.toLowerCase(Locale.ROOT)).append('=').append(v);
        }
    }
}
