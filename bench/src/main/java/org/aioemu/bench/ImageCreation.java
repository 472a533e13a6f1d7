package org.aioemu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.blockdev.lz4.Lz4Images;

/**
 * A new image about to be made, as {@code create} and {@code convert} make one: the format, the size, and the
 * {@code -o} options that format takes (lz4's {@code cluster_size}; raw takes none), checked before any file is
 * touched. An existing file is overwritten, as qemu-img overwrites it.
 */
final class ImageCreation {
    private static final String CLUSTER_SIZE = "cluster_size";

    private final String format;
    private final long size;
    /** lz4 only: the cluster size; 0 for raw. */
    private final int clusterSize;

    private ImageCreation(String format, long size, int clusterSize) {
        this.format = format;
        this.size = size;
        this.clusterSize = clusterSize;
    }

    /**
     * {@code format} at {@code size} bytes with the {@code -o} options given (each {@code key=value[,key=value]}, as
     * often as the user likes); a bad option or value is a one-line user error naming the image.
     */
    static ImageCreation of(Path image, String format, long size, List<String> options) {
        Map<String, String> opts = parse(image, options);
        int clusterSize = 0;
        if (format.equals(Images.LZ4)) {
            String given = opts.remove(CLUSTER_SIZE);
            clusterSize = given == null ? Lz4Images.DEFAULT_CLUSTER_SIZE : clusterSize(image, given);
        }
        if (!opts.isEmpty()) {
            throw new Main.UserError(image + ": Invalid parameter '" + opts.keySet().iterator().next() + "'");
        }
        return new ImageCreation(format, size, clusterSize);
    }

    /** The line qemu-img create prints before it makes the image. */
    String describe(Path image) {
        return "Formatting '" + image + "', fmt=" + format + (clusterSize > 0 ? " cluster_size=" + clusterSize : "") + " size=" + size;
    }

    int clusterSize() {
        return clusterSize;
    }

    /** Makes the image, overwriting whatever {@code image} held: an empty lz4 image, or a sparse raw file. */
    void create(Path image) {
        if (Files.isDirectory(image)) {
            throw new Main.UserError("Could not create '" + image + "': Is a directory");
        }
        try {
            if (format.equals(Images.LZ4)) {
                Lz4Images.create(image, size, clusterSize);
            } else {
                // Truncated to nothing first, as qemu-img does: the old data must not show through the new image.
                try (FileHandle fh = FileHandle.open(image, OpenOptions.readWrite().withCreate().withTruncate())) {
                    fh.truncate(size);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UserError(image + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Main.UserError("Could not create '" + image + "': " + e.getMessage());
        }
    }

    private static Map<String, String> parse(Path image, List<String> options) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String list : options) {
            for (String item : list.split(",")) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new Main.UserError(image + ": Invalid option '" + item + "': expected key=value");
                }
                opts.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return opts;
    }

    private static int clusterSize(Path image, String text) {
        long v;
        try {
            v = ImageSizes.parse(text);
        } catch (Main.UserError e) {
            v = -1;
        }
        if (v < 4096 || v > 2 << 20 || Long.bitCount(v) != 1) {
            throw new Main.UserError(image + ": Cluster size must be a power of two between 4k and 2M, not '" + text + "'");
        }
        return (int) v;
    }
}
