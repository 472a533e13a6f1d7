package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probed O_DIRECT alignment is the kernel's truth: reads at it work, reads at half of it (below 512: never) fail. */
class DirectAlignmentTest {
    @TempDir
    Path dir;

    private FileHandle directOn(Path p) throws Exception {
        try {
            return FileHandle.open(p, OpenOptions.readOnly().withDirect());
        } catch (ErrnoException e) {
            Assumptions.abort("no O_DIRECT on " + dir + ": " + e.getMessage());
            throw e;
        }
    }

    @Test
    void theProbedAlignmentIsOneTheKernelTakesAndHalfOfItIsNot() throws Exception {
        Path p = dir.resolve("a.raw");
        Files.write(p, new byte[1 << 16]);
        try (FileHandle fh = directOn(p); Arena arena = Arena.ofConfined()) {
            int a = fh.alignment();
            assertTrue(a >= 512 && a <= 4096 && Integer.bitCount(a) == 1, "alignment " + a);
            MemorySegment buf = arena.allocate(8192, 4096);
            assertEquals(a, LibC.pread(fh.fd(), buf.asSlice(0, a), a, a), "a read at the alignment");
            int byStatx = DirectAlignment.fromStatx(fh.fd());
            int byReads = DirectAlignment.byTrialReads(fh.fd());
            assertTrue(byStatx == 0 || byStatx == a, "statx says " + byStatx + ", the handle " + a);
            assertTrue(byReads >= a || byStatx == 0, "trial reads " + byReads + " below statx's " + a);
            if (a > 512) {
                assertEquals(-Errno.EINVAL, LibC.pread(fh.fd(), buf.asSlice(0, a / 2), a / 2, a / 2),
                        "half the alignment is refused, so the probe did not overstate it");
            }
        }
    }

    @Test
    void anEmptyFileCannotTellAndGetsTheSafeAlignmentFromTrialReads() throws Exception {
        Path p = dir.resolve("empty.raw");
        Files.write(p, new byte[0]);
        try (FileHandle fh = directOn(p)) {
            assertEquals(DirectAlignment.SAFE, DirectAlignment.byTrialReads(fh.fd()));
            int byStatx = DirectAlignment.fromStatx(fh.fd());
            assertEquals(byStatx > 0 ? byStatx : DirectAlignment.SAFE, fh.alignment());
        }
    }
}
