package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.aioemu.bench.iolog.BlktraceWriter;

/**
 * Finds the block device node of a device number, as fio does for a blktrace replay without replay_redirect: the
 * block special file under /dev (not a symbolic link to one) whose st_rdev is that device. Of several, the one
 * nearest /dev wins ({@code /dev/sda} before {@code /dev/mapper/...}). Stateless.
 */
final class DeviceNodes {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private DeviceNodes() {
    }

    /** The node under {@code root} of kernel dev_t {@code device} (major &lt;&lt; 20 | minor), or null. */
    static Path find(Path root, int device) {
        Path[] best = new Path[1];
        try {
            Files.walkFileTree(root, java.util.Set.of(), 8, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isOther() && matches(file, device)
                            && (best[0] == null || file.getNameCount() < best[0].getNameCount())) {
                        best[0] = file;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a node we may not look at is not ours to replay on
                }
            });
        } catch (IOException e) {
            return best[0];
        }
        return best[0];
    }

    private static boolean matches(Path file, int device) {
        Integer dev = blockDevice(file, LinkOption.NOFOLLOW_LINKS);
        return dev != null && dev == device;
    }

    /** The kernel dev_t of block device node {@code path}, or null for anything else (or what cannot be read). */
    static Integer blockDevice(Path path, LinkOption... options) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev", options);
            if (((Integer) a.get("mode") & S_IFMT) != S_IFBLK) {
                return null;
            }
            return BlktraceWriter.kernelDevice((Long) a.get("rdev"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The kernel dev_t a file's requests go to: a block device's own, any other file's file system's; 0 unknown. */
    static int deviceOf(Path file) {
        Integer block = blockDevice(file);
        if (block != null) {
            return block;
        }
        try {
            return BlktraceWriter.kernelDevice((Long) Files.getAttribute(file, "unix:dev"));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
