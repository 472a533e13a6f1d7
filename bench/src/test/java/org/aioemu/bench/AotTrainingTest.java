package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's training run: every command in it must succeed, or the launcher records no start-up cache (and a
 * renamed option would go unnoticed until then). Its images are real: the lz4 round trip gives back the raw bytes.
 */
class AotTrainingTest {
    @Test
    void everyTrainingCommandSucceedsOnItsOwnImages(@TempDir Path dir) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int failed;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            failed = AotTraining.train(dir);
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, failed, printed);
        assertTrue(printed.contains("Images are identical."), printed);
        assertTrue(printed.contains("file format: lz4"), printed);
        byte[] raw = Files.readAllBytes(dir.resolve("train.raw"));
        assertEquals(16 << 20, raw.length);
        assertEquals(-1, java.util.Arrays.mismatch(raw, Files.readAllBytes(dir.resolve("back.raw"))),
                "the raw image converted to lz4 and back");
        assertTrue(Files.readString(dir.resolve("bench.out")).contains("\"jobs\""), "the bench's JSON output");
    }
}
