package org.aioemu.bench.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output that is an input under another name is still caught: by identity, not by spelling. */
class OutputPathsTest {
    @TempDir
    Path dir;

    @Test
    void theSameFileUnderAnyNameClashes() throws IOException {
        Path data = Files.writeString(dir.resolve("data"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        Path hard = Files.createLink(dir.resolve("hard"), data);
        Path dotted = dir.resolve("sub/../data");
        Files.createDirectory(dir.resolve("sub"));
        for (Path out : List.of(data, link, hard, dotted, dir.resolve("./data"))) {
            assertEquals(Optional.of(data), OutputPaths.clash(out, List.of(dir.resolve("other"), data)), out.toString());
        }
    }

    @Test
    void differentFilesAndDevicesDoNotClash() throws IOException {
        Path data = Files.writeString(dir.resolve("data"), "x");
        Path copy = Files.writeString(dir.resolve("copy"), "x");
        assertTrue(OutputPaths.clash(copy, List.of(data)).isEmpty());
        assertTrue(OutputPaths.clash(dir.resolve("new"), List.of(data)).isEmpty());
        assertTrue(OutputPaths.clash(Path.of("/dev/null"), List.of(Path.of("/dev/null"))).isEmpty(),
                "writing results to /dev/null destroys nothing");
    }

    @Test
    void aFileNotYetCreatedClashesWithTheSameNameSpelledDifferently() {
        Path planned = dir.resolve("job.0.0");
        assertEquals(Optional.of(planned), OutputPaths.clash(dir.resolve("x/../job.0.0"), List.of(planned)));
    }
}
