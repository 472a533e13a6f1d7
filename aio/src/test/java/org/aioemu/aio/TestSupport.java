package org.aioemu.aio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/** Shared helpers for the aio tests. */
final class TestSupport {
    private TestSupport() {
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] data = new byte[n];
        random.nextBytes(data);
        return data;
    }

    /** A native segment holding a copy of {@code data}, 4096-aligned. */
    static MemorySegment segmentOf(Arena arena, byte[] data) {
        MemorySegment segment = AlignedBuffers.allocate(arena, data.length);
        MemorySegment.copy(data, 0, segment, JAVA_BYTE, 0, data.length);
        return segment;
    }

    static byte[] bytes(MemorySegment segment) {
        return segment.toArray(JAVA_BYTE);
    }

    /**
     * A fresh directory for O_DIRECT files. tmpfs refuses O_DIRECT, and @TempDir may be on tmpfs on
     * some machines, so these go under the module's target/ directory (the tests' working directory).
     */
    static Path freshDirectDir() throws IOException {
        Path base = Path.of("target", "odirect-test");
        Files.createDirectories(base);
        return Files.createTempDirectory(base, "t");
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
