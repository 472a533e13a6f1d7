package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Lines as readLine gives them, but a line past the bound is refused without reading the rest of it. */
class BoundedLineReaderTest {
    @Test
    void unixAndDosLinesAndALastLineWithoutNewline() throws IOException {
        BoundedLineReader r = new BoundedLineReader(new StringReader("a\r\nbb\n\nlast"), 4);
        assertEquals("a", r.readLine());
        assertEquals("bb", r.readLine());
        assertEquals("", r.readLine());
        assertEquals("last", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void aLineOfExactlyTheBoundIsAccepted() throws IOException {
        String line = "x".repeat(10_000);
        assertEquals(line, new BoundedLineReader(new StringReader(line + "\r\n"), 10_000).readLine());
    }

    @Test
    void anEndlessLineIsRefusedAfterLittleInput() {
        // /dev/zero as a reader: never ends, never has a newline
        long[] read = new long[1];
        Reader zeros = new Reader() {
            @Override
            public int read(char[] cbuf, int off, int len) {
                read[0] += len;
                java.util.Arrays.fill(cbuf, off, off + len, '\0');
                return len;
            }

            @Override
            public void close() {
            }
        };
        BoundedLineReader r = new BoundedLineReader(zeros, 8192);
        BoundedLineReader.TooLong e = assertThrows(BoundedLineReader.TooLong.class, r::readLine);
        assertEquals(1, e.line());
        assertEquals(true, read[0] <= 3 * 8192, "read " + read[0] + " chars");
    }
}
