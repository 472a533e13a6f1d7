package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;

/**
 * What the image commands ({@code create}, {@code info}, {@code check}, {@code compare}, {@code convert}) share:
 * naming and probing formats, refusing a path that is no image before anything is opened, opening a backend with
 * a one-line error, and the bytes a file takes on disk. Stateless.
 */
final class Images {
    static final String RAW = "raw";
    static final String LZ4 = Lz4Images.FORMAT;

    private Images() {
    }

    /** The format a {@code -f} or {@code -O} names, checked; null (not given) stays null, to be probed. */
    static String format(String name) {
        if (name != null && !BlockBackendOptions.FORMATS.contains(name)) {
            throw new Main.UserError("Unknown file format '" + name + "' (known: " + String.join(", ", BlockBackendOptions.FORMATS) + ")");
        }
        return name;
    }

    /** Whether {@code --output} asks for JSON; anything but human or json is qemu-img's one-line refusal. */
    static boolean json(String output) {
        return switch (output) {
            case "human" -> false;
            case "json" -> true;
            default -> throw new Main.UserError("--output must be used with human or json as argument.");
        };
    }

    /**
     * Refuses, with qemu-img's "Could not open" line, a path that cannot be an image: missing, a directory, or
     * unreadable. Checked before opening so the user reads why, not the errno of whichever call failed first.
     */
    static void requireImage(Path image) {
        String why = null;
        if (!Files.exists(image)) {
            why = "No such file or directory";
        } else if (Files.isDirectory(image)) {
            why = "'" + image + "' is a directory, not an image";
        } else if (!Files.isReadable(image)) {
            why = "Permission denied";
        }
        if (why != null) {
            throw cannotOpen(image, why);
        }
    }

    /** The image's format: {@code given} if not null, else probed from its first bytes as qemu probes (lz4 or raw). */
    static String formatOf(Path image, String given) {
        requireImage(image);
        String format = format(given);
        if (format != null) {
            return format;
        }
        try {
            return Lz4Images.probe(image) ? LZ4 : RAW;
        } catch (IOException e) {
            throw cannotOpen(image, e.getMessage());
        }
    }

    /** Opens {@code image} as {@code format} on {@code ctx}; a failure is one line naming the image. */
    static BlockBackend open(AioContext ctx, Path image, String format, boolean readOnly) {
        try {
            return BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(readOnly).withFormat(format));
        } catch (ErrnoException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw cannotOpen(image, e.getMessage());
        }
    }

    /** Opens {@code image} read-write in {@code format} with a qemu cache mode (unsafe, writeback, none, ...). */
    static BlockBackend openWithCache(AioContext ctx, Path image, String format, String cache) {
        try {
            return BlockBackend.open(ctx, org.aioemu.blockdev.BlockSpec.of(format).with("filename", image.toString())
                    .with("cache", cache));
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("-t " + cache + ": " + e.getMessage());
        } catch (ErrnoException | java.io.UncheckedIOException e) {
            throw cannotOpen(image, e.getMessage());
        }
    }

    /**
     * Reads {@code buffer.byteSize()} bytes at {@code offset}, the part past the backend's end as zeroes: qemu sees a
     * raw file in whole sectors, so a file of 1000 bytes reads as 1024, its last 24 zero.
     */
    static CompletableFuture<Integer> readPadded(BlockBackend backend, long offset, MemorySegment buffer) {
        long readable = zeroPastEnd(backend, offset, buffer);
        return readable == 0 ? CompletableFuture.completedFuture(0) : backend.read(offset, buffer.asSlice(0, readable));
    }

    /** Zeroes the part of {@code buffer} (for {@code offset}) past the backend's end; returns the bytes before it. */
    static long zeroPastEnd(BlockBackend backend, long offset, MemorySegment buffer) {
        long readable = Math.max(0, Math.min(buffer.byteSize(), backend.size() - offset));
        if (readable < buffer.byteSize()) {
            buffer.asSlice(readable).fill((byte) 0);
        }
        return readable;
    }

    static Main.UserError cannotOpen(Path image, String why) {
        return new Main.UserError("Could not open '" + image + "': " + why);
    }

    /**
     * The bytes {@code file} takes on disk, qemu's "disk size" and "actual-size": its data extents (SEEK_DATA and
     * SEEK_HOLE), each widened to whole file-system blocks as the blocks holding them are counted. Java cannot read
     * st_blocks; this misses only the file system's own metadata blocks (extent trees, indirect blocks).
     */
    static long allocatedBytes(Path file) throws IOException {
        long block = blockSize(file);
        long total = 0;
        try (FileHandle fh = FileHandle.open(file, OpenOptions.readOnly())) {
            long size = fh.size();
            long at = 0;
            while (at < size) {
                long end = fh.extentAt(at);
                if (end > 0) {
                    total += roundUp(end, block) - at / block * block;
                }
                if (Math.abs(end) <= at) {
                    break; // the file shrank under us: what was counted is the answer
                }
                at = Math.abs(end);
            }
        }
        return total;
    }

    private static long blockSize(Path file) {
        try {
            long b = Files.getFileStore(file).getBlockSize();
            return b > 0 ? b : 4096;
        } catch (IOException | UnsupportedOperationException e) {
            return 4096; // the common block size; the figure is an estimate either way
        }
    }

    private static long roundUp(long v, long unit) {
        return (v + unit - 1) / unit * unit;
    }
}
