package org.aioemu.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real fio 3.33 output captured for comparison, kept beside the tests (fixtures/) and read from the
 * source tree: Surefire runs with the module directory as basedir.
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path path(String name) {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path p = Path.of(basedir, "src/test/java/org/aioemu/bench/report/fixtures", name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing fixture " + p);
        }
        return p;
    }

    static String read(String name) {
        try {
            return Files.readString(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
