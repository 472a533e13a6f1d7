package org.aioemu.bench.job;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Parsing state that lives while one job's options are applied, and the value parsers the option table's
 * appliers use. The state is fio's {@code kb_base}: it changes how the size options after it (in file
 * order, [global] first) read their suffixes.
 */
final class ApplyContext {
    /** 1024 (fio's default: 1k = 1024) or 1000 (1k = 1000). */
    int kbBase = 1024;

    long size(String v) {
        return FioNumbers.size(v, kbBase);
    }

    /** A block size: 1 byte up to what an int holds. */
    int blockSize(String v) {
        return (int) FioNumbers.size(v, 1, Integer.MAX_VALUE, kbBase);
    }

    int integer(String v, int min, int max) {
        return (int) FioNumbers.integer(v, min, max, kbBase);
    }

    long longInteger(String v, long min) {
        return FioNumbers.integer(v, min, Long.MAX_VALUE, kbBase);
    }

    /** A time whose bare number is in seconds. */
    long seconds(String v) {
        return FioNumbers.timeNanos(v, FioNumbers.SECOND);
    }

    boolean bool(String v) {
        return FioNumbers.bool(v);
    }

    /** The value's entry in {@code choices} (exact, case-sensitive, as fio matches). */
    static <T> T choice(String v, Map<String, T> choices) {
        T t = choices.get(v.trim());
        if (t == null) {
            throw ValueException.expected("one of " + choices.keySet().stream().collect(Collectors.joining(", ")));
        }
        return t;
    }
}
