package org.aioemu.bench.job;

import static org.aioemu.bench.job.GoodJobFilesTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** buffer_pattern / verify_pattern bytes, as read off files fio 3.33 wrote with each pattern. */
class FioPatternTest {
    @Test
    void hexIsBigEndianAsWritten() {
        assertArrayEquals(bytes(0xde, 0xad, 0xbe, 0xef), FioPattern.parse("0xdeadbeef"));
        assertArrayEquals(bytes(0x01), FioPattern.parse("0x1"));
        assertArrayEquals(bytes(0x01, 0x23), FioPattern.parse("0x123"));
        assertArrayEquals(bytes(0x00, 0xff), FioPattern.parse("0x00ff"));
        assertArrayEquals(bytes(0x0a), FioPattern.parse("0X0a"));
        assertArrayEquals(bytes(0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0x11, 0x22),
                FioPattern.parse("0xdeadbeefcafebabe1122"));
    }

    @Test
    void decimalsAreLittleEndian() {
        assertArrayEquals(bytes(0x0c), FioPattern.parse("12"));
        assertArrayEquals(bytes(0x0c), FioPattern.parse("00012"));
        assertArrayEquals(bytes(0x00), FioPattern.parse("0"));
        assertArrayEquals(bytes(0x00, 0x01), FioPattern.parse("256"));
        assertArrayEquals(bytes(0x00, 0x00, 0x01), FioPattern.parse("65536"));
        assertArrayEquals(bytes(0xff, 0xff, 0xff, 0x7f), FioPattern.parse("2147483647"));
        assertArrayEquals(bytes(0xf4, 0xff, 0xff, 0xff), FioPattern.parse("-12"));
        assertArrayEquals(bytes(0xff, 0xff, 0xff, 0xff), FioPattern.parse("-1"));
        assertArrayEquals(bytes(0x00, 0x00, 0x00, 0x80), FioPattern.parse("-2147483648"));
    }

    @Test
    void stringsAndCombinations() {
        assertArrayEquals("abc".getBytes(), FioPattern.parse("\"abc\""));
        assertArrayEquals("a b".getBytes(), FioPattern.parse("\"a b\""));
        assertArrayEquals(bytes(0xde, 0xad, 0xfa, 0xce, 'a', 'b', 'c', 'd', 0xf4, 0xff, 0xff, 0xff),
                FioPattern.parse("0xdeadface\"abcd\"-12"));
        assertArrayEquals(bytes(0x0a, 'b'), FioPattern.parse("0x0a\"b\""));
        assertArrayEquals(bytes('x', 0x0c), FioPattern.parse("\"x\"12"));
        assertArrayEquals(bytes(0x0c, 'x'), FioPattern.parse("12\"x\""));
    }

    @Test
    void filesAreReadAndCutToWhatFits(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("pattern.txt");
        Files.writeString(f, "hello\n");
        assertArrayEquals("hello\n".getBytes(), FioPattern.parse("'" + f + "'"));
        assertArrayEquals(bytes(1, 'h', 'e', 'l', 'l', 'o', '\n'), FioPattern.parse("0x01'" + f + "'"));
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[4096]);
        assertEquals(FioPattern.MAX_BYTES, FioPattern.parse("'" + big + "'").length);
        assertEquals(FioPattern.MAX_BYTES, FioPattern.parse("0xff'" + big + "'").length);
        assertThrows(ValueException.class, () -> FioPattern.parse("'" + dir.resolve("missing") + "'"));
    }

    @Test
    void patternsUpTo512Bytes() {
        assertEquals(512, FioPattern.parse("\"" + "a".repeat(512) + "\"").length);
        assertThrows(ValueException.class, () -> FioPattern.parse("\"" + "a".repeat(513) + "\""));
        assertThrows(ValueException.class, () -> FioPattern.parse("0x" + "f".repeat(1100)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "0x", "0xgg", "\"\"", "\"abc", "0xAB 0xcd", "\"abc\" 0x01", "0x01,0x02",
        "4294967295", "2147483648", "-2147483649", "12-", "--1", "'unclosed"})
    void bad(String text) {
        assertEquals(ValueException.Kind.BAD, assertThrows(ValueException.class, () -> FioPattern.parse(text)).kind);
    }

    @Test
    void offsetFormatIsFiosAlone() {
        ValueException e = assertThrows(ValueException.class, () -> FioPattern.parse("0xff%o\"abcd\""));
        assertEquals(ValueException.Kind.UNSUPPORTED, e.kind);
    }
}
