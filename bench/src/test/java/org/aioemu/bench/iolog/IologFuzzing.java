package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the trace readers' fuzz tests share: writing the input to a file, and the contract for a refusal. */
final class IologFuzzing {
    private IologFuzzing() {
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A refusal names the trace it is about ("FILE: ..." or "FILE:LINE: ...") and says something after it. (How it
     * reads is for the example-based tests: the trace's own text is quoted in it.)
     */
    static void assertUsable(IologException e, Path file) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ":"), m);
        assertFalse(m.substring(file.toString().length() + 1).isBlank(), m);
        assertEquals(file, e.file());
    }
}
