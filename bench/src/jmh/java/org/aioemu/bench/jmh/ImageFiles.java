package org.aioemu.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** The image files the backend benchmarks read: made in a temporary directory at setup, removed at teardown. */
final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * A raw image of {@code size} bytes (a multiple of 1 MiB) in a new temporary directory, written rather than
     * sparse so that reads hit real page-cache pages.
     */
    static Path dataImage(String name, long size) throws IOException {
        Path image = Files.createTempDirectory("aioemu-jmh-").resolve(name);
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(chunk);
        try (var out = Files.newOutputStream(image)) {
            for (long w = 0; w < size; w += chunk.length) {
                out.write(chunk);
            }
        }
        return image;
    }

    /** Removes the image and the directory {@link #dataImage} made for it. */
    static void delete(Path image) throws IOException {
        Path dir = image.getParent();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
