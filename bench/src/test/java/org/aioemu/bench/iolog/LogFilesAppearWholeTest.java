package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs and traces stream under a temporary name and appear under theirs only when closed, so a run killed
 * meanwhile leaves no log that looks complete; a directory that is missing is one line naming path and reason.
 */
class LogFilesAppearWholeTest {
    @TempDir
    Path dir;

    @Test
    void aFioLogIsAbsentUntilClosedEvenAfterAFlush() throws Exception {
        Path log = dir.resolve("p_bw.1.log");
        FioLogWriter w = FioLogWriter.open(log, 0);
        w.sample(1, 100, 0, 4096, 0);
        w.flush();
        assertFalse(Files.exists(log));
        w.close();
        assertEquals("1, 100, 0, 4096, 0\n", Files.readString(log));
        assertEquals(1, count(), "the temporary file is gone");
    }

    @Test
    void anIologKeepsItsOldContentUntilClosed() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.iolog"), "old");
        IologWriter w = new IologWriter(trace);
        w.add("f");
        assertEquals("old", Files.readString(trace));
        w.close();
        assertTrue(Files.readString(trace).startsWith(IologReader.V3_HEADER + "\n"));
        assertEquals(1, count());
    }

    @Test
    void aBlktraceIsAbsentUntilClosed() throws Exception {
        Path trace = dir.resolve("t.bin");
        BlktraceWriter w = new BlktraceWriter(trace, "test");
        w.queue(1, 0, IologAction.READ, 0, 4096);
        assertFalse(Files.exists(trace));
        w.close();
        assertTrue(Files.size(trace) > 0);
        assertEquals(1, count());
    }

    @Test
    void aMissingDirectoryIsOneLineWithTheReason() {
        Path log = dir.resolve("no/p_lat.1.log");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> FioLogWriter.open(log, 0));
        assertEquals("cannot write " + log + ": No such file or directory (ENOENT)", e.getMessage());
        IOException io = assertThrows(IOException.class, () -> new IologWriter(dir.resolve("no/t.iolog")));
        assertTrue(io.getMessage().endsWith("No such file or directory (ENOENT)"), io.getMessage());
    }

    private long count() throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
