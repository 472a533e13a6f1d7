package org.aioemu.bench.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result file appears under its name only when complete; a failed or dropped one leaves nothing behind. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void theDestinationKeepsItsOldContentUntilCommit() throws IOException {
        Path dest = dir.resolve("res.json");
        Files.writeString(dest, "old");
        try (AtomicFile f = AtomicFile.create(dest)) {
            f.stream().write("new results".getBytes(StandardCharsets.UTF_8));
            f.stream().flush();
            assertEquals("old", Files.readString(dest), "half-written results are not under the name");
            f.commit();
        }
        assertEquals("new results", Files.readString(dest));
        assertEquals(List.of(dest), listing(), "no temporary file remains");
    }

    @Test
    void aNewDestinationDoesNotExistUntilCommit() throws IOException {
        Path dest = dir.resolve("new.html");
        try (AtomicFile f = AtomicFile.create(dest)) {
            f.stream().write('x');
            assertFalse(Files.exists(dest));
            f.commit();
        }
        assertEquals("x", Files.readString(dest));
    }

    @Test
    void closingWithoutCommitRemovesTheTemporaryFile() throws IOException {
        Path dest = dir.resolve("res.txt");
        Files.writeString(dest, "old");
        try (AtomicFile f = AtomicFile.create(dest)) {
            f.stream().write("partial".getBytes(StandardCharsets.UTF_8));
            assertTrue(Files.exists(f.writing()));
        }
        assertEquals("old", Files.readString(dest));
        assertEquals(List.of(dest), listing());
    }

    @Test
    void aSymbolicLinkKeepsPointingAtTheReplacedFile() throws IOException {
        Path real = dir.resolve("real.txt");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real.getFileName());
        try (AtomicFile f = AtomicFile.create(link)) {
            f.stream().write('n');
            f.commit();
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("n", Files.readString(real));
    }

    @Test
    void aMissingDirectoryIsOneLineNamingThePathAndReason() {
        Path dest = dir.resolve("no/such/dir/out.json");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.create(dest));
        assertEquals("cannot write " + dest + ": No such file or directory (ENOENT)", e.getMessage());
    }

    @Test
    void aDirectoryIsEisdir() {
        IOException e = assertThrows(IOException.class, () -> AtomicFile.create(dir));
        assertTrue(e.getMessage().contains("Is a directory (EISDIR)"), e.getMessage());
    }

    @Test
    void aFullDeviceFailsAtCommitWithEnospc() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is not available here");
        AtomicFile f = AtomicFile.create(full);
        try {
            f.stream().write(new byte[100]);
        } catch (IOException seenNowAndKeptForCommit) {
            // a PrintStream over the stream would swallow this; commit must not
        }
        IOException e = assertThrows(IOException.class, f::commit);
        assertEquals("cannot write /dev/full: No space left on device (ENOSPC)", e.getMessage());
    }

    private List<Path> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
