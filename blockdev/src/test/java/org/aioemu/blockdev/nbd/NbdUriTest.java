package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NBD URIs as the NBD project's URI standard writes them, and the mistakes a user makes with them. */
class NbdUriTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nbd://example.com/disk|example.com|10809|disk",
        "nbd://example.com/|example.com|10809|''",
        "nbd://example.com|example.com|10809|''",
        "nbd://example.com//disk|example.com|10809|/disk",
        "nbd://example.com/hello%20world|example.com|10809|hello world",
        "nbd://127.0.0.1:1234/name|127.0.0.1|1234|name",
        "nbd://[::1]:10810/x|::1|10810|x",
        "NBD://host/e?x-debug=1|host|10809|e",
    })
    void tcpUris(String text, String host, int port, String export) {
        NbdUri u = NbdUri.parse(text);
        assertEquals(host, u.host());
        assertEquals(port, u.port());
        assertEquals(export, u.exportName());
        assertFalse(u.isUnix());
        assertNull(u.socket());
        assertEquals(text, u.toString());
    }

    @Test
    void unixUris() {
        NbdUri u = NbdUri.parse("nbd+unix:///disk?socket=/tmp/nbd.sock");
        assertTrue(u.isUnix());
        assertEquals(Path.of("/tmp/nbd.sock"), u.socket());
        assertEquals("disk", u.exportName());
        assertEquals("", NbdUri.parse("nbd+unix:///?socket=%2Ftmp%2Fa%20b").exportName());
        assertEquals(Path.of("/tmp/a b"), NbdUri.parse("nbd+unix:///?socket=%2Ftmp%2Fa%20b").socket());
        assertEquals("[::1]:10809", NbdUri.parse("nbd://[::1]").address());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://host/x|the scheme must be nbd:// or nbd+unix://",
        "nbds://host/x|asks for TLS",
        "nbds+unix:///x?socket=/s|asks for TLS",
        "nbd+unix:///x|needs ?socket=PATH",
        "nbd+unix://host/x?socket=/s|takes no host",
        "nbd:///x|no host",
        "nbd://host:0/x|is not a TCP port",
        "nbd://host/x?socket=/s|socket= is for nbd+unix://",
        "nbd://host/x?tls-type=x509|configures TLS",
        "nbd://host/x?color=red|unknown query parameter 'color'",
        "nbd://host/x%zz|at index",
        "nbd:host|with two slashes",
    })
    void badUrisSayWhatIsWrong(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NbdUri.parse(text));
        assertTrue(e.getMessage().startsWith("bad NBD URI '" + text + "': ") && e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void looksLikeNbdUriTellsUrisFromFileNames() {
        assertTrue(NbdUri.looksLikeNbdUri("nbd://127.0.0.1:10809/x"));
        assertTrue(NbdUri.looksLikeNbdUri("nbd+unix:///?socket=/s"));
        assertTrue(NbdUri.looksLikeNbdUri("nbds://h"));
        assertFalse(NbdUri.looksLikeNbdUri("/var/tmp/nbd.raw"));
        assertFalse(NbdUri.looksLikeNbdUri("nbd.raw:other.raw"));
        assertFalse(NbdUri.looksLikeNbdUri(null));
    }
}
