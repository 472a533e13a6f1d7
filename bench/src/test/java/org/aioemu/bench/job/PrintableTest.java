package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Input echoed in an error line cannot carry raw control characters to the terminal. */
class PrintableTest {
    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertEquals("a\\0b\\x1b[31mc\\x7f\\t\\r\\n\\x9b", Printable.escape("a\0b\u001b[31mc\u007f\t\r\n\u009b"));
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "bench: --rw=raed: bad value (ünïcode is fine)";
        assertSame(s, Printable.escape(s));
    }

    @Test
    void aMessagesOwnLineBreaksStay() {
        assertEquals("one\\0\ntwo", Printable.escapeLines("one\0\ntwo"));
    }
}
