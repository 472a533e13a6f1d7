package org.aioemu.bench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.FioPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify state file in fio 3.33's format: ours read back, fio's read by us, ours printed by fio's own tool. */
class VerifyStateTest {
    @TempDir
    Path dir;

    private final VerifyState state = new VerifyState("job", 2, 3718, 4, new long[] {0, 0, 1, 0},
            new long[] {4096, 8192, 0, 1 << 30});

    @Test
    void roundTripsAndTellsWhichWritesCompleted() throws IOException {
        Path f = dir.resolve(VerifyState.fileName("job", 2));
        assertEquals("local-job-2-verify.state", f.getFileName().toString());
        state.write(f);
        assertEquals(24 + 152 + 4 * 16, Files.size(f));
        VerifyState back = VerifyState.read(f);
        assertEquals("job", back.name());
        assertEquals(2, back.index());
        assertEquals(3718, back.numberio());
        assertEquals(4, back.depth());
        assertArrayEquals(state.files(), back.files());
        assertArrayEquals(state.offsets(), back.offsets());
        assertTrue(back.completed(0, 5, 12345), "before the last depth writes: completed whatever they were");
        assertTrue(back.completed(3713, 0, 0), "write 3713 < 3718 - 4");
        assertTrue(back.completed(3715, 1, 0), "in the window and among the completions");
        assertFalse(back.completed(3716, 1, 4096), "in the window, not among the completions");
        assertFalse(back.completed(3718, 0, 4096), "never issued");
    }

    @Test
    void aCorruptShortOrForeignFileIsRefusedSayingWhy() throws IOException {
        Path f = dir.resolve("s");
        state.write(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[40] ^= 1; // numberio
        Files.write(f, bytes);
        assertTrue(assertThrows(IOException.class, () -> VerifyState.read(f)).getMessage().contains("crc32c mismatch"));
        Files.write(f, java.util.Arrays.copyOf(bytes, 100));
        assertTrue(assertThrows(IOException.class, () -> VerifyState.read(f)).getMessage().contains("too short"));
        bytes[0] = 2;
        Files.write(f, bytes);
        assertTrue(assertThrows(IOException.class, () -> VerifyState.read(f)).getMessage().contains("version 2"));
        assertTrue(assertThrows(IOException.class, () -> VerifyState.read(dir.resolve("none"))).getMessage()
                .contains("no verify state file"));
    }

    @Test
    void fiosStateFileReadsAndFiosToolPrintsOurs() throws Exception {
        assumeTrue(FioPeer.available(), "fio is not on the PATH");
        run(List.of("fio", "--name=w", "--ioengine=psync", "--rw=randwrite", "--size=256k", "--bs=4k", "--iodepth=1",
                "--verify=crc32c", "--do_verify=0", "--directory=" + dir));
        VerifyState fios = VerifyState.read(dir.resolve("local-w-0-verify.state"));
        assertEquals("w", fios.name());
        assertEquals(64, fios.numberio(), "fio's 64 writes");
        assertEquals(1, fios.files().length);

        Path ours = dir.resolve("local-job-2-verify.state");
        state.write(ours);
        Path tool = Path.of("/usr/bin/fio-verify-state");
        assumeTrue(Files.isExecutable(tool), "fio's fio-verify-state is not installed");
        String printed = run(List.of(tool.toString(), ours.toString()));
        assertTrue(printed.contains("Name:\t\tjob") && printed.contains("Number IOs:\t3718") && printed.contains("Depth:\t\t4")
                && printed.contains("Index:\t\t2") && printed.contains("(file= 1) 0") && printed.contains("(file= 0) 1073741824"),
                printed);
    }

    private String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
