package org.aioemu.bench.job;

/**
 * fio's per-direction lists ({@code bs=4k,8k,16k}: read, write, trim), as its HOWTO describes and fio
 * 3.33 does: a value not followed by a comma also applies to the directions after it; an empty entry
 * ({@code bs=,8k} or {@code bs=8k,32k,}) leaves that direction as it was (fio's default, or what
 * [global] set). More than three entries, which fio silently drops, are an error here.
 */
final class PerDirection {
    /** Receives one direction's text; {@code dir} is {@link JobOptions#READ}, WRITE or TRIM. */
    @FunctionalInterface
    interface Setter {
        void set(int dir, String text);
    }

    private PerDirection() {
    }

    static void apply(String text, Setter setter) {
        String[] parts = text.split(",", -1);
        if (parts.length > 3) {
            throw ValueException.expected("at most three comma-separated values (read,write,trim)");
        }
        boolean any = false;
        for (int dir = 0; dir < 3; dir++) {
            // Past the last entry, the last one repeats (an empty last entry repeats as "leave alone").
            String part = parts[Math.min(dir, parts.length - 1)].trim();
            if (!part.isEmpty()) {
                setter.set(dir, part);
                any = true;
            }
        }
        if (!any) {
            throw ValueException.expected("a value for at least one of read,write,trim");
        }
    }
}
