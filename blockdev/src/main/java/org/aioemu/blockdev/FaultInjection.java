package org.aioemu.blockdev;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fault rules of one image, in order: what {@link BlockBackendOptions#withFaults} takes, and what the
 * {@code inject} (alias {@code blkdebug}) block driver's {@code rules} option holds in text form, rules separated by
 * {@code ;} ({@code read:errno=EIO:every=3;flush:errno=EIO:nth=1}). A request is checked against every rule that
 * applies to it (each rule counts it), and the first rule that hits decides what happens. Immutable; any thread.
 */
public final class FaultInjection {
    private static final FaultInjection NONE = new FaultInjection(List.of());

    private final List<FaultRule> rules;

    private FaultInjection(List<FaultRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No faults. */
    public static FaultInjection none() {
        return NONE;
    }

    public static FaultInjection of(FaultRule... rules) {
        return new FaultInjection(List.of(rules));
    }

    public static FaultInjection of(List<FaultRule> rules) {
        return new FaultInjection(rules);
    }

    /**
     * Parses rules separated by {@code ;} (see {@link FaultRule#parse} for one rule); empty parts are skipped.
     *
     * @throws IllegalArgumentException naming the first bad rule and what is wrong with it
     */
    public static FaultInjection parse(String text) {
        Objects.requireNonNull(text, "text");
        List<FaultRule> rules = new ArrayList<>();
        for (String part : text.split(";")) {
            if (!part.isBlank()) {
                rules.add(FaultRule.parse(part));
            }
        }
        return new FaultInjection(rules);
    }

    public List<FaultRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** This and {@code more} rules after them. */
    public FaultInjection plus(FaultRule more) {
        List<FaultRule> all = new ArrayList<>(rules);
        all.add(Objects.requireNonNull(more, "rule"));
        return new FaultInjection(all);
    }

    /** The text form, which {@link #parse} reads back to equal rules. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (FaultRule r : rules) {
            if (!b.isEmpty()) {
                b.append(';');
            }
            b.append(r);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultInjection f && f.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }
}
