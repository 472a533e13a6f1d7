package org.aioemu.bench.job;

import static org.aioemu.bench.job.FioNumbers.MICROSECOND;
import static org.aioemu.bench.job.FioNumbers.MILLISECOND;
import static org.aioemu.bench.job.FioNumbers.SECOND;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** fio's number syntax. Expected values are what fio 3.33 prints with --debug=parse. */
class FioNumbersTest {
    @ParameterizedTest
    @CsvSource({
        "4k, 4096", "4K, 4096", "4kb, 4096", "4KB, 4096", "4kB, 4096", "4ki, 4096", "4Ki, 4096",
        "4KiB, 4000", "4kib, 4000", "1MiB, 1000000", "1mi, 1048576", "1gi, 1073741824",
        "4096, 4096", "4096b, 4096", "4096B, 4096", "4, 4", "0, 0", "4b, 4",
        "1m, 1048576", "1M, 1048576", "1g, 1073741824", "1t, 1099511627776", "1p, 1125899906842624",
        "0x1000, 4096", "0X10, 16", "0xdeadbeef, 3735928559", "' 4k ', 4096",
    })
    void sizesWithKbBase1024(String text, long bytes) {
        assertEquals(bytes, FioNumbers.size(text, 1024));
    }

    @ParameterizedTest
    @CsvSource({
        "1k, 1000", "4ki, 4000", "4KB, 4000", "4kib, 4096", "4KiB, 4096", "1m, 1000000", "1MiB, 1048576",
        "1g, 1000000000", "4096, 4096",
    })
    void sizesWithKbBase1000(String text, long bytes) {
        assertEquals(bytes, FioNumbers.size(text, 1000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "4q", "4.5k", "1.5g", "-5", "+5", "4 k", "4kk", "4kbb", "0x", "0xgg", "0x-5",
        "1e3", "abc", "4kibi", "16abc", "9223372036854775808", "8192p", "0x8000000000000000"})
    void badSizes(String text) {
        ValueException e = assertThrows(ValueException.class, () -> FioNumbers.size(text, 1024));
        assertEquals(ValueException.Kind.BAD, e.kind);
    }

    @Test
    void largestSizes() {
        assertEquals(Long.MAX_VALUE, FioNumbers.size("9223372036854775807", 1024));
        assertEquals(8191L << 50, FioNumbers.size("8191p", 1024));
        assertEquals(Long.MAX_VALUE, FioNumbers.size("0x7fffffffffffffff", 1024));
    }

    @Test
    void integersTakeSuffixesAndRanges() {
        assertEquals(1024, FioNumbers.integer("1k", 1, Integer.MAX_VALUE, 1024));
        assertEquals(16, FioNumbers.integer("0x10", 1, Integer.MAX_VALUE, 1024));
        assertEquals("an integer from 0 to 100",
                assertThrows(ValueException.class, () -> FioNumbers.integer("101", 0, 100, 1024)).detail);
        assertEquals("an integer >= 1",
                assertThrows(ValueException.class, () -> FioNumbers.integer("0", 1, Integer.MAX_VALUE, 1024)).detail);
        assertEquals("an integer >= 1",
                assertThrows(ValueException.class, () -> FioNumbers.integer("x", 1, Integer.MAX_VALUE, 1024)).detail);
        assertThrows(ValueException.class, () -> FioNumbers.integer("4g", 1, Integer.MAX_VALUE, 1024));
    }

    @Test
    void percentages() {
        assertEquals(50, FioNumbers.percentOrMinus1("50%"));
        assertEquals(100, FioNumbers.percentOrMinus1(" 100% "));
        assertEquals(1, FioNumbers.percentOrMinus1("1%"));
        assertEquals(-1, FioNumbers.percentOrMinus1("50"));
        for (String bad : List.of("0%", "101%", "%", "x%", "5.5%", "-5%")) {
            assertThrows(ValueException.class, () -> FioNumbers.percentOrMinus1(bad), bad);
        }
    }

    @Test
    void ranges() {
        assertArrayEquals(new long[]{1024, 4096}, FioNumbers.range("1k-4k", false, 1, Long.MAX_VALUE, 1024));
        assertArrayEquals(new long[]{1024, 4096}, FioNumbers.range("1k:4k", false, 1, Long.MAX_VALUE, 1024));
        assertArrayEquals(new long[]{1024, 4096}, FioNumbers.range("4k-1k", false, 1, Long.MAX_VALUE, 1024),
                "swapped as fio does");
        assertArrayEquals(new long[]{8192, 8192}, FioNumbers.range("8k", true, 1, Long.MAX_VALUE, 1024));
        assertThrows(ValueException.class, () -> FioNumbers.range("8k", false, 1, Long.MAX_VALUE, 1024));
        assertThrows(ValueException.class, () -> FioNumbers.range("1k-", false, 1, Long.MAX_VALUE, 1024));
        assertThrows(ValueException.class, () -> FioNumbers.range("0-4k", false, 1, Long.MAX_VALUE, 1024));
        assertThrows(ValueException.class, () -> FioNumbers.range("1k-4k-8k", false, 1, Long.MAX_VALUE, 1024));
    }

    @ParameterizedTest
    @CsvSource({
        "10, 10000000000", "10s, 10000000000", "10sec, 10000000000", "500ms, 500000000", "500msec, 500000000",
        "100us, 100000", "100usec, 100000", "2m, 120000000000", "2min, 120000000000", "1h, 3600000000000",
        "1d, 86400000000000", "10M, 600000000000", "2MS, 2000000", "1H, 3600000000000", "0, 0", "' 3 ', 3000000000",
    })
    void timesInSeconds(String text, long nanos) {
        assertEquals(nanos, FioNumbers.timeNanos(text, SECOND));
    }

    @Test
    void thinktimeIsInMicroseconds() {
        assertEquals(10 * MICROSECOND, FioNumbers.timeNanos("10", MICROSECOND));
        assertEquals(10 * MILLISECOND, FioNumbers.timeNanos("10ms", MICROSECOND));
        assertEquals(SECOND, FioNumbers.timeNanos("1s", MICROSECOND));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "abc", "1.5s", "-1", "10x", "10 s", "1h30m", "10ns", "999999999999d"})
    void badTimes(String text) {
        assertThrows(ValueException.class, () -> FioNumbers.timeNanos(text, SECOND));
    }

    @Test
    void booleans() {
        for (String t : List.of("1", "true", "TRUE", "yes", "on", " On ")) {
            assertTrue(FioNumbers.bool(t), t);
        }
        for (String f : List.of("0", "false", "no", "off", "OFF")) {
            assertFalse(FioNumbers.bool(f), f);
        }
        assertTrue(FioNumbers.bool(null), "a bare flag");
        List<String> rejected = new ArrayList<>();
        for (String bad : List.of("2", "-1", "", "y", "enable")) {
            try {
                FioNumbers.bool(bad);
            } catch (ValueException e) {
                rejected.add(bad);
            }
        }
        assertEquals(List.of("2", "-1", "", "y", "enable"), rejected);
    }

    @Test
    void decimals() {
        assertEquals(1.2, FioNumbers.decimal("1.2", "x"));
        assertEquals(0.25, FioNumbers.decimal(".25", "x"));
        assertEquals(5.0, FioNumbers.decimal("5", "x"));
        assertEquals(-1.0, FioNumbers.decimal("-1", "x"));
        assertEquals(1000.0, FioNumbers.decimal("1e3", "x"));
        for (String bad : List.of("", "NaN", "Infinity", "0x1p3", "1.2.3", "abc", "1,5")) {
            assertEquals("what", assertThrows(ValueException.class, () -> FioNumbers.decimal(bad, "what")).detail, bad);
        }
    }
}
