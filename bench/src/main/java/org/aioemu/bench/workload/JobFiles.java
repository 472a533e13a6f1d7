package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.engine.Errno;

/**
 * Resolves a job's files as fio names and sizes them: {@code filename=} (several names split at ':',
 * {@code \:} escaping a colon), else {@code nrfiles} generated names {@code jobname.clone.file} in
 * {@code directory}; the region of each from size= (split evenly between the files), size=N%, filesize=
 * or the existing file's size, after offset= / offset=N%. Touches nothing: only looks at the files.
 * Runner thread.
 */
public final class JobFiles {
    private JobFiles() {
    }

    /**
     * Splits fio's filename list at unescaped ':'; {@code \:} is a literal colon. An NBD URI ({@code nbd://...},
     * {@code nbd+unix://...}) is one name, colons and all: the job's export.
     */
    public static List<String> splitNames(String list) {
        if (NbdJobs.looksLikeUri(list)) {
            return List.of(list.strip());
        }
        List<String> names = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\\' && i + 1 < list.length() && list.charAt(i + 1) == ':') {
                cur.append(':');
                i++;
            } else if (c == ':') {
                if (!cur.isEmpty()) {
                    names.add(cur.toString());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            names.add(cur.toString());
        }
        return names;
    }

    /**
     * The local files every clone of the job reads or writes (its data files and read_iolog traces), for
     * checks made before the run such as "is the output one of them"; NBD exports are not files and are left out.
     */
    public static List<Path> localPaths(JobOptions o) {
        List<Path> paths = new ArrayList<>();
        if (!NbdJobs.isNbd(o)) {
            for (int clone = 0; clone < Math.max(1, o.numjobs); clone++) {
                for (String name : names(o, clone)) {
                    paths.add(place(o, name));
                }
                if (o.filename != null && !o.filename.isBlank() || o.opendir != null) {
                    break; // named and listed files are the same for every clone
                }
            }
        }
        if (o.readIolog != null) {
            for (String name : splitNames(o.readIolog)) {
                paths.add(Path.of(name));
            }
        }
        return paths;
    }

    /** The names the job's files have, before any directory is applied. */
    static List<String> names(JobOptions o, int cloneIndex) {
        List<String> listed = o.opendir != null ? filesBelow(Path.of(o.opendir)) : List.of();
        if (o.filename != null && !o.filename.isBlank()) {
            List<String> names = new ArrayList<>(splitNames(o.filename));
            names.addAll(listed);
            return names;
        }
        if (!listed.isEmpty()) {
            return listed; // fio's opendir: the files found stand for the job's own
        }
        List<String> names = new ArrayList<>();
        int n = Math.max(1, o.nrfiles);
        for (int i = 0; i < n; i++) {
            // fio's filename_format, default $jobname.$jobnum.$filenum ($jobnum: the clone's number in its job).
            String format = o.filenameFormat != null ? o.filenameFormat : "$jobname.$jobnum.$filenum";
            names.add(format.replace("$jobname", o.name).replace("$jobnum", Integer.toString(cloneIndex))
                    .replace("$filenum", Integer.toString(i)));
        }
        return names;
    }

    /**
     * fio's opendir: every regular file below {@code dir}, at any depth, as absolute paths in name order (fio lists
     * them in directory order, which is the file system's; name order is the same on every run). Symbolic links are
     * not followed. Empty when the directory cannot be read: the job then names no such files.
     */
    static List<String> filesBelow(Path dir) {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
            return walk.filter(p -> java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.toAbsolutePath().toString()).sorted().toList();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** {@code name} under {@code directory} unless absolute or no directory is set. */
    static Path place(JobOptions o, String name) {
        Path p = Path.of(name);
        if (o.directory != null && !o.directory.isBlank() && !p.isAbsolute()) {
            return Path.of(o.directory).resolve(p);
        }
        return p;
    }

    /**
     * Resolves every file of the job.
     *
     * @param minBlock the smallest request the job makes (a region must hold one)
     * @param align    the alignment of generated offsets (offset=N% is rounded down to it)
     * @throws JobSetupException naming the job and file when the size cannot be known or is too small
     */
    static List<FileSpec> resolve(JobOptions o, int cloneIndex, long seed, int minBlock, int align) throws JobSetupException {
        List<String> names = names(o, cloneIndex);
        int n = names.size();
        SplittableRandom sizes = new SplittableRandom(Seeds.mix(seed, Seeds.FILE_SIZES));
        List<FileSpec> specs = new ArrayList<>(n);
        for (String name : names) {
            Path path = place(o, name);
            long existing = existingSize(path);
            long fileSize = 0;
            if (o.filesizeLow > 0) {
                long hi = Math.max(o.filesizeLow, o.filesizeHigh);
                fileSize = hi == o.filesizeLow ? hi : o.filesizeLow + sizes.nextLong(hi - o.filesizeLow + 1);
                fileSize -= fileSize % Math.max(1, minBlock);
            }
            long base = existing >= 0 ? existing : fileSize;
            // A new file's percentages are of its share of size=.
            long offset = startOffset(o, base > 0 || o.size <= 0 ? base : o.size / n, cloneIndex, align);
            if (o.fileAppend && existing > 0 && java.nio.file.Files.isRegularFile(path)) {
                offset += existing; // fio's file_append: the I/O goes after the end of a regular file
            }
            long region;
            if (o.size > 0) {
                region = o.size / n;
            } else if (o.sizePercent > 0) {
                if (existing < 0 && fileSize == 0) {
                    throw new JobSetupException(o, "size=" + o.sizePercent + "% needs an existing file, and " + path + " does not exist");
                }
                region = Math.min((existing >= 0 ? existing : fileSize) * o.sizePercent / 100,
                        (existing >= 0 ? existing : fileSize) - offset);
            } else if (fileSize > 0) {
                region = fileSize - offset;
            } else if (o.fillDevice && DeviceNodes.blockDevice(path) == null) {
                // fio's fill_device without a size: as much as the file system still takes (the file grows into it).
                region = Math.max(0, existing) + usableSpace(path) - offset;
                region -= region % Math.max(1, minBlock);
            } else if (existing >= 0) {
                region = existing - offset;
            } else {
                throw new JobSetupException(o, "you need to specify size= (" + path + " does not exist)");
            }
            if (region < minBlock || region <= 0) {
                throw new JobSetupException(o, "the region of " + path + " (" + Math.max(0, region) + " bytes from offset " + offset
                        + ") is smaller than one block of " + minBlock + " bytes");
            }
            long createSize = Math.max(offset + region, fileSize);
            specs.add(new FileSpec(path, path.toString(), offset, region, createSize, existing));
        }
        return specs;
    }

    /** Bytes the file system holding {@code path} (or its nearest existing parent) still takes, 0 if unknown. */
    static long usableSpace(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p)) {
                try {
                    return java.nio.file.Files.getFileStore(p).getUsableSpace();
                } catch (java.io.IOException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** For the null engine: one virtual file of the job's size. */
    static List<FileSpec> virtual(JobOptions o, int minBlock) throws JobSetupException {
        long size = o.size > 0 ? o.size : o.filesizeLow;
        if (size <= 0) {
            throw new JobSetupException(o, "the null engine needs size=");
        }
        if (size < minBlock) {
            throw new JobSetupException(o, "size=" + size + " is smaller than one block of " + minBlock + " bytes");
        }
        return List.of(new FileSpec(null, o.name == null ? "null" : o.name, 0, size, size, size));
    }

    /**
     * Where clone {@code cloneIndex} of the job starts in a file (or export) of {@code base} bytes: fio's offset=
     * (bytes, or N% of the base rounded down to offset_align or the job's alignment), then offset_increment= (bytes
     * or N%, rounded down to the alignment) once per clone: fio shifts each clone of the job (its subjob number), not
     * each job.
     */
    private static long startOffset(JobOptions o, long base, int cloneIndex, int align) {
        long offset = o.offset;
        if (o.offsetPercent > 0) {
            offset = base * o.offsetPercent / 100;
            offset -= offset % Math.max(1, o.offsetAlign > 0 ? o.offsetAlign : align);
        }
        if (o.offsetIncrementPercent > 0) {
            long inc = base * o.offsetIncrementPercent / 100;
            offset += cloneIndex * (inc - inc % Math.max(1, align));
        } else {
            offset += cloneIndex * o.offsetIncrement;
        }
        return offset;
    }

    /**
     * For an NBD export of {@code exportSize} bytes: its one file, with the region fio's nbd engine gives it (the job's
     * offset= and size=, each in bytes or N% of the export; without size=, the export from the offset on).
     */
    static List<FileSpec> nbd(JobOptions o, String uri, long exportSize, int cloneIndex, int minBlock, int align)
            throws JobSetupException {
        long offset = startOffset(o, exportSize, cloneIndex, align);
        long region = o.size > 0 ? o.size : o.sizePercent > 0 ? exportSize * o.sizePercent / 100
                : o.filesizeLow > 0 ? o.filesizeLow : exportSize - offset;
        if (offset + region > exportSize || region <= 0) {
            throw new JobSetupException(o, Errno.EINVAL, "the region [" + offset + ", " + (offset + Math.max(0, region))
                    + ") does not fit the NBD export " + uri + " of " + exportSize + " bytes");
        }
        if (region < minBlock) {
            throw new JobSetupException(o, "the region of " + uri + " (" + region + " bytes from offset " + offset
                    + ") is smaller than one block of " + minBlock + " bytes");
        }
        return List.of(new FileSpec(null, uri, offset, region, exportSize, exportSize));
    }

    static long existingSize(Path path) throws JobSetupException {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
                return -1;
            }
            if (Files.isDirectory(path)) {
                throw new JobSetupException(null, path + " is a directory");
            }
            if (!Files.isRegularFile(path)) {
                int mode = (Integer) Files.getAttribute(path, "unix:mode");
                if ((mode & 0170000) == 0060000) {
                    // A block device's inode says 0 bytes: its size is the device's (BLKGETSIZE64), as fio reads it.
                    try (org.aioemu.aio.FileHandle fh = org.aioemu.aio.FileHandle.open(path, org.aioemu.aio.OpenOptions.readOnly())) {
                        return fh.size();
                    } catch (org.aioemu.engine.ErrnoException e) {
                        throw new JobSetupException(null, e.errno(), "cannot read the size of " + path + ": " + e.getMessage());
                    }
                }
            }
            if (org.aioemu.blockdev.lz4.Lz4Images.probe(path)) {
                return org.aioemu.blockdev.lz4.Lz4Images.virtualSize(path); // the disk's size, not the file's
            }
            return Files.size(path);
        } catch (org.aioemu.blockdev.lz4.Lz4FormatException e) {
            throw new JobSetupException(null, Errno.EINVAL, path + " is a damaged lz4 image: " + e.getMessage());
        } catch (IOException e) {
            throw new JobSetupException(null, "cannot look at " + path + ": " + e.getMessage());
        }
    }
}
