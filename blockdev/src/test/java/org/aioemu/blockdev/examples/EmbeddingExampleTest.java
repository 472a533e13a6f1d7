package org.aioemu.blockdev.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example runs as written, twice on the same image (the second run opens what the first created). */
class EmbeddingExampleTest {
    @TempDir
    Path dir;

    @Test
    void runsAndRunsAgainOnTheSameImage() throws Exception {
        Path image = dir.resolve("disk.raw");
        for (int run = 0; run < 2; run++) {
            String out = runMain(image);
            String[] lines = out.strip().split("\n");
            assertEquals("hello from aioemu", lines[0], out);
            assertTrue(lines[1].startsWith("22 read of 4096 bytes at offset 1073741824 on " + image) && lines[1].contains("EINVAL"),
                    out);
            assertEquals(1L << 30, Files.size(image));
        }
    }

    private static String runMain(Path image) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            EmbeddingExample.main(new String[] {image.toString()});
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
