package org.aioemu.bench.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * Refuses an output file that is one of the command's inputs or data files, before anything is written: an
 * output would otherwise truncate what it is about to read or measure. Files are compared by identity
 * (device and inode, through {@link Files#isSameFile}), so {@code ./X}, {@code dir/../X}, a symbolic link and a
 * hard link to X all count as X. A path that does not exist yet is compared by its real parent directory and
 * name.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * The input {@code output} is the same file as, if any.
     *
     * @param inputs paths the command reads or measures (missing ones are compared by name)
     */
    public static Optional<Path> clash(Path output, Collection<Path> inputs) {
        if (Files.exists(output) && !Files.isRegularFile(output)) {
            return Optional.empty(); // /dev/null, a FIFO, a terminal: writing results there destroys no data
        }
        for (Path in : inputs) {
            if (same(output, in)) {
                return Optional.of(in);
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code file} cannot be created or replaced, or null when it can: its directory is missing, not a
     * directory, or not writable, or the file is a directory. For checks before a run, so a log that cannot be
     * written stops the run at once instead of after it.
     */
    public static String unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return "Is a directory (EISDIR)";
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || Files.exists(file) && !Files.isRegularFile(file)) {
            return null; // the root, or a device or FIFO: the write itself will say
        }
        if (!Files.exists(dir)) {
            return "No such file or directory (ENOENT): " + dir + " does not exist";
        }
        if (!Files.isDirectory(dir)) {
            return "Not a directory (ENOTDIR): " + dir;
        }
        if (!Files.isWritable(dir)) {
            return "Permission denied (EACCES): cannot create files in " + dir;
        }
        return null;
    }

    static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
            if (Files.exists(a) != Files.exists(b)) {
                return false;
            }
            return canonical(a).equals(canonical(b));
        } catch (IOException e) {
            return false; // unreadable metadata: the write itself will say why
        }
    }

    /** A missing file's path with its deepest existing ancestor resolved to its real path. */
    private static Path canonical(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
    }
}
