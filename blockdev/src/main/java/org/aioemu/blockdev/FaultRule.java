package org.aioemu.blockdev;

import java.util.Locale;
import java.util.Objects;
import org.aioemu.engine.Errno;

/**
 * One fault to inject below a {@link BlockBackend}, as QEMU's blkdebug rules: which requests it applies to
 * ({@link Op}), which of those it hits ({@link Trigger}), and what happens to them ({@link Action}). Immutable;
 * any thread. The text form, which {@link #parse} reads and {@link #toString} writes, is the CLI's:
 * {@code OP[:KEY=VALUE]...}, e.g. {@code read:errno=EIO:every=3}, {@code write:errno=ENOSPC:after=100},
 * {@code any:delay=20:prob=0.1:seed=7}, {@code read:corrupt=4:nth=2}, {@code read:short=512}.
 *
 * @param op      the requests the rule looks at
 * @param trigger which of them it hits: all, every Nth, only the Nth, all after the first N, or a random fraction
 * @param n       N for EVERY, NTH and AFTER (at least 1; 0 for AFTER lets none pass); unused otherwise
 * @param prob    the fraction hit for PROB, 0 to 1
 * @param seed    seeds the rule's random choices (PROB, and the bits CORRUPT flips): a run repeats exactly
 * @param action  what a hit does
 * @param errno   for FAIL: the positive errno the request completes with
 * @param amount  SHORT: bytes transferred at most; DELAY: milliseconds held back; CORRUPT: bits flipped
 */
public record FaultRule(Op op, Trigger trigger, long n, double prob, long seed, Action action, int errno, long amount) {
    /** The errnos a rule can inject, by name. */
    public static final java.util.List<String> ERRNOS = java.util.List.of("EIO", "ENOSPC", "EAGAIN", "EINTR");

    /** Which requests a rule applies to; writes include write-zeroes, flushes do not include sync_file_range. */
    public enum Op { READ, WRITE, FLUSH, DISCARD, ANY }

    /** Which of the matching requests are hit, counting from 1. */
    public enum Trigger { ALWAYS, EVERY, NTH, AFTER, PROB }

    /** What happens to a hit request. */
    public enum Action {
        /** Completes with -errno without reaching the image. */
        FAIL,
        /** Reads or writes at most {@code amount} bytes (the rest of the request is not done). */
        SHORT,
        /** Reaches the image {@code amount} ms late, on a loop timer. */
        DELAY,
        /** A read returns its data with {@code amount} random bits flipped. */
        CORRUPT
    }

    public FaultRule {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(action, "action");
        if ((trigger == Trigger.EVERY || trigger == Trigger.NTH) && n < 1 || trigger == Trigger.AFTER && n < 0) {
            throw new IllegalArgumentException(trigger.name().toLowerCase(Locale.ROOT) + "=" + n + ": expected a count of at"
                    + " least " + (trigger == Trigger.AFTER ? 0 : 1));
        }
        if (trigger == Trigger.PROB && !(prob >= 0 && prob <= 1)) {
            throw new IllegalArgumentException("prob=" + prob + ": expected a fraction from 0 to 1");
        }
        switch (action) {
            case FAIL -> {
                if (errno <= 0 || errno > 4095) {
                    throw new IllegalArgumentException("errno=" + errno + ": expected a positive errno");
                }
            }
            case SHORT -> {
                if (amount < 1 || amount > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("short=" + amount + ": expected 1 byte to 2 GiB");
                }
                if (op == Op.FLUSH || op == Op.DISCARD) {
                    throw new IllegalArgumentException("short= applies to read and write, not " + op.name().toLowerCase(Locale.ROOT));
                }
            }
            case DELAY -> {
                if (amount < 1 || amount > 3_600_000) {
                    throw new IllegalArgumentException("delay=" + amount + ": expected 1 to 3600000 milliseconds");
                }
            }
            case CORRUPT -> {
                if (amount < 1 || amount > 1 << 20) {
                    throw new IllegalArgumentException("corrupt=" + amount + ": expected 1 to 1048576 bits");
                }
                if (op != Op.READ && op != Op.ANY) {
                    throw new IllegalArgumentException("corrupt= flips bits in data read, so it applies to read (or any), not "
                            + op.name().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /** Fails every request of {@code op} with {@code errno}. */
    public static FaultRule fail(Op op, int errno) {
        return new FaultRule(op, Trigger.ALWAYS, 0, 0, 0, Action.FAIL, errno, 0);
    }

    /** This rule hitting only every {@code n}th matching request. */
    public FaultRule every(long count) {
        return new FaultRule(op, Trigger.EVERY, count, 0, seed, action, errno, amount);
    }

    /** This rule hitting only the {@code n}th matching request. */
    public FaultRule nth(long count) {
        return new FaultRule(op, Trigger.NTH, count, 0, seed, action, errno, amount);
    }

    /** This rule letting the first {@code count} matching requests pass, then hitting all. */
    public FaultRule after(long count) {
        return new FaultRule(op, Trigger.AFTER, count, 0, seed, action, errno, amount);
    }

    /** This rule hitting a random fraction {@code p} of matching requests, chosen by {@code randomSeed}. */
    public FaultRule prob(double p, long randomSeed) {
        return new FaultRule(op, Trigger.PROB, 0, p, randomSeed, action, errno, amount);
    }

    /** Does the request of kind {@code kind} (not ANY) fall under this rule? */
    boolean matches(Op kind) {
        if (op != Op.ANY && op != kind) {
            return false;
        }
        return switch (action) { // with op=any, an action only some kinds have skips the others
            case SHORT -> kind == Op.READ || kind == Op.WRITE;
            case CORRUPT -> kind == Op.READ;
            default -> true;
        };
    }

    /**
     * Parses the text form, {@code OP[:KEY=VALUE]...}: OP is read, write, flush, discard or any; keys are the action
     * ({@code errno=EIO|ENOSPC|EAGAIN|EINTR|NUMBER}, the default EIO; {@code short=BYTES}; {@code delay=MS};
     * {@code corrupt=BITS}: one of them), the trigger ({@code every=N}, {@code nth=N}, {@code after=N},
     * {@code prob=P}: at most one; none hits every request) and {@code seed=S}.
     *
     * @throws IllegalArgumentException with a one-line message naming the rule and what is wrong
     */
    public static FaultRule parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return parseRule(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad fault rule '" + text + "': " + e.getMessage(), e);
        }
    }

    private static FaultRule parseRule(String text) {
        String[] parts = text.split(":", -1);
        Op op = switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "read" -> Op.READ;
            case "write" -> Op.WRITE;
            case "flush" -> Op.FLUSH;
            case "discard", "trim" -> Op.DISCARD;
            case "any" -> Op.ANY;
            default -> throw new IllegalArgumentException("'" + parts[0] + "' is not an operation: expected read, write,"
                    + " flush, discard or any, then :KEY=VALUE (e.g. read:errno=EIO:every=3)");
        };
        Trigger trigger = Trigger.ALWAYS;
        Action action = null;
        long n = 0;
        double prob = 0;
        long seed = 0;
        int errno = 0;
        long amount = 0;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("'" + p + "' is not KEY=VALUE");
            }
            String key = p.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            switch (key) {
                case "every", "nth", "after", "prob" -> {
                    if (trigger != Trigger.ALWAYS) {
                        throw new IllegalArgumentException("give one of every=, nth=, after=, prob=, not two");
                    }
                    trigger = Trigger.valueOf(key.toUpperCase(Locale.ROOT));
                    if (trigger == Trigger.PROB) {
                        prob = fraction(value);
                    } else {
                        n = count(key, value);
                    }
                }
                case "errno", "short", "delay", "corrupt" -> {
                    if (action != null) {
                        throw new IllegalArgumentException("give one of errno=, short=, delay=, corrupt=, not two");
                    }
                    switch (key) {
                        case "errno" -> {
                            action = Action.FAIL;
                            errno = errno(value);
                        }
                        case "short" -> {
                            action = Action.SHORT;
                            amount = bytes(value);
                        }
                        case "delay" -> {
                            action = Action.DELAY;
                            amount = count(key, value);
                        }
                        default -> {
                            action = Action.CORRUPT;
                            amount = count(key, value);
                        }
                    }
                }
                case "seed" -> seed = count(key, value);
                default -> throw new IllegalArgumentException("unknown key '" + key + "' (known: errno, short, delay, corrupt,"
                        + " every, nth, after, prob, seed)");
            }
        }
        if (action == null) {
            action = Action.FAIL;
            errno = Errno.EIO;
        }
        return new FaultRule(op, trigger, n, prob, seed, action, errno, amount);
    }

    private static long count(String key, String value) {
        try {
            long v = Long.parseLong(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(key + "=" + value + ": expected a whole number, 0 or more");
    }

    private static double fraction(String value) {
        try {
            boolean pct = value.endsWith("%");
            double v = Double.parseDouble(pct ? value.substring(0, value.length() - 1) : value) / (pct ? 100 : 1);
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("prob=" + value + ": expected a fraction from 0 to 1 (or a percentage, 10%)");
    }

    private static long bytes(String value) {
        String t = value.toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : 0;
        try {
            long v = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (v >= 1 && v <= Integer.MAX_VALUE >> shift) {
                return v << shift;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("short=" + value + ": expected a byte count of at least 1 (k and m suffixes allowed)");
    }

    private static int errno(String value) {
        for (String name : ERRNOS) {
            if (name.equalsIgnoreCase(value)) {
                return switch (name) {
                    case "EIO" -> Errno.EIO;
                    case "ENOSPC" -> Errno.ENOSPC;
                    case "EAGAIN" -> Errno.EAGAIN;
                    default -> Errno.EINTR;
                };
            }
        }
        try {
            int v = Integer.parseInt(value);
            if (v > 0 && v <= 4095) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("errno=" + value + ": expected EIO, ENOSPC, EAGAIN, EINTR or a positive number");
    }

    /** The text form, which {@link #parse} reads back to an equal rule. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(op.name().toLowerCase(Locale.ROOT));
        switch (action) {
            case FAIL -> b.append(":errno=").append(ERRNOS.contains(Errno.name(errno)) ? Errno.name(errno) : errno);
            case SHORT -> b.append(":short=").append(amount);
            case DELAY -> b.append(":delay=").append(amount);
            case CORRUPT -> b.append(":corrupt=").append(amount);
        }
        switch (trigger) {
            case EVERY -> b.append(":every=").append(n);
            case NTH -> b.append(":nth=").append(n);
            case AFTER -> b.append(":after=").append(n);
            case PROB -> b.append(":prob=").append(prob);
            case ALWAYS -> { }
        }
        if (seed != 0) {
            b.append(":seed=").append(seed);
        }
        return b.toString();
    }
}
