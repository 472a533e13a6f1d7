package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.aioemu.bench.job.JobOptions.BsSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Per-direction comma lists and bssplit, as fio's HOWTO and fio 3.33 read them. */
class PerDirectionTest {
    /** Applies text over {"R", "W", "T"} and returns what each direction ends up as. */
    private static String apply(String text) {
        String[] v = {"r", "w", "t"};
        PerDirection.apply(text, (d, p) -> v[d] = p);
        return String.join("|", v);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "8k; 8k|8k|8k", "8k,32k; 8k|32k|32k", "8k,32k,; 8k|32k|t", ",8k; r|8k|8k", ",8k,; r|8k|t",
        "4k,8k,16k; 4k|8k|16k", "4k,,16k; 4k|w|16k", "4k,; 4k|w|t", ",,16k; r|w|16k", " 4k , 8k ; 4k|8k|8k",
    })
    void missingRepeatsAndEmptyKeeps(String text, String expected) {
        assertEquals(expected, apply(text));
    }

    @Test
    void tooManyOrNone() {
        assertThrows(ValueException.class, () -> apply("1k,2k,3k,4k"));
        assertThrows(ValueException.class, () -> apply(","));
        assertThrows(ValueException.class, () -> apply(",,"));
        assertThrows(ValueException.class, () -> apply(""));
    }

    @Test
    void bssplitShares() {
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 10), new BsSplit(65536, 50), new BsSplit(32768, 40)},
                BsSplitParser.parse("4k/10:64k/50:32k/40", 1024));
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 50), new BsSplit(1024, 25), new BsSplit(32768, 25)},
                BsSplitParser.parse("4k/50:1k/:32k/", 1024));
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 10), new BsSplit(8192, 50), new BsSplit(65536, 40)},
                BsSplitParser.parse("4k/10:8k:64k/40", 1024));
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 100)}, BsSplitParser.parse("4k", 1024));
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 50), new BsSplit(65536, 40)},
                BsSplitParser.parse("4k/50:64k/40", 1024), "a total under 100 is kept as written");
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 0), new BsSplit(8192, 100)},
                BsSplitParser.parse("4k/0:8k/100", 1024));
        assertArrayEquals(new BsSplit[]{new BsSplit(4096, 50), new BsSplit(65536, 50), new BsSplit(1 << 20, 0)},
                BsSplitParser.parse("4k/50:64k/50:1m", 1024), "nothing left to share");
        assertArrayEquals(new BsSplit[]{new BsSplit(1000, 100)}, BsSplitParser.parse("1k", 1000));
    }

    @Test
    void bssplitErrors() {
        assertEquals("percentages adding up to at most 100, not 110",
                assertThrows(ValueException.class, () -> BsSplitParser.parse("4k/50:64k/60", 1024)).detail);
        for (String bad : new String[]{"4k/abc", "4k/101", "4k/-5", "/50", "4k/50:", ":4k", "4q/50", "0/50", "4k/5.5"}) {
            assertThrows(ValueException.class, () -> BsSplitParser.parse(bad, 1024), bad);
        }
        assertThrows(ValueException.class, () -> BsSplitParser.parse("4k:".repeat(64) + "4k", 1024));
        assertEquals(64, BsSplitParser.parse("4k:".repeat(63) + "4k", 1024).length);
    }
}
