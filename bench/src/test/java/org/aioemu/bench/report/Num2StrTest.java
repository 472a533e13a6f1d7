package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected strings are taken from fio 3.33 output for the same numbers. */
class Num2StrTest {
    @Test
    void countsKeepFourCharacters() {
        assertEquals("999", Num2Str.count(999));
        assertEquals("9999", Num2Str.count(9999));
        assertEquals("13.3k", Num2Str.count(13283));
        assertEquals("42.0k", Num2Str.count(42_043));
        assertEquals("42.1k", Num2Str.count(42_085));
        assertEquals("309k", Num2Str.count(309402));
        // No room for a decimal: the dropped remainder rounds the integer part.
        assertEquals("1235k", Num2Str.count(1_234_567));
        assertEquals("5461k", Num2Str.count(5_461_333));
    }

    @Test
    void ratesInBothBases() {
        // 53135 KiB/s, fio's "BW=51.9MiB/s (54.4MB/s)".
        assertEquals("51.9MiB/s", Num2Str.rateBinary(54_410_240));
        assertEquals("54.4MB/s", Num2Str.rateDecimal(54_410_240));
        assertEquals("1207MiB/s", Num2Str.rateBinary(1_266_000_000));
        assertEquals("1266MB/s", Num2Str.rateDecimal(1_266_000_000));
        assertEquals("4000KiB/s", Num2Str.rateBinary(4_096_000));
        assertEquals("4096kB/s", Num2Str.rateDecimal(4_096_000));
    }

    @Test
    void decimalCarriesIntoTheIntegerPart() {
        // 51 MiB + 1000 KiB: .977 shown with one decimal is 1.0.
        assertEquals("52.0MiB/s", Num2Str.rateBinary((51L * 1024 + 1000) * 1024));
    }

    @Test
    void sizesAndBlockSizes() {
        assertEquals("104MiB", Num2Str.sizeBinary(109_092_864));
        assertEquals("109MB", Num2Str.sizeDecimal(109_092_864));
        assertEquals("4096B", Num2Str.sizeBinary(4096));
        assertEquals("64.0KiB", Num2Str.sizeBinary(65536));
        assertEquals("0B", Num2Str.sizeBinary(0));
    }

    @Test
    void latencyFieldsAllowSixCharacters() {
        assertEquals("1387.0k", Num2Str.format(1_387_046, 6, false, ""));
        assertEquals("15047k", Num2Str.format(15_047_123, 6, false, ""));
        assertEquals("107718", Num2Str.format(107_718, 6, false, ""));
    }
}
