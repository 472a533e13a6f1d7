package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.aioemu.aio.AlignedBuffers;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.RawImage;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * Gets a job's files ready before it starts, touching only what the job asks for:
 * <ul>
 *   <li>an existing file large enough is used as it is — never truncated or rewritten;
 *   <li>a job that writes extends a smaller file (never shrinks one) and creates a missing one: sparse
 *       for {@code fallocate=none|truncate}, else with its blocks allocated (write-zeroes, fallocate);
 *   <li>a job that only reads (or trims) a missing file, or writes it with {@code overwrite=1}, creates it and
 *       fills it with the job's write data
 *       in 1 MiB requests, as fio lays files out for reads; an existing file too small for it is an error
 *       (fio would rewrite it: aioemu refuses to touch a file a read job was pointed at).
 * </ul>
 * Runner thread; the I/O goes through a buffered {@link BlockBackend} on the job's context.
 */
final class FileLayout {
    private static final int FILL_CHUNK = 1 << 20;
    private static final int FILL_DEPTH = 4;
    private static final long STATUS_NANOS = 1_000_000_000L;

    private FileLayout() {
    }

    /**
     * Lays out the files the job needs that are missing or short. When {@code stopped} turns true (a signal) a fill
     * under way gives up, as fio's does: the file it was creating is removed, since a file of the right size would
     * pass for laid out next time, and the job fails with EINTR.
     */
    static void prepare(JobOptions o, List<FileSpec> files, boolean writes, AioContext ctx, WriteDataSource[] data,
                        RunSettings settings, java.util.function.BooleanSupplier stopped) throws JobSetupException {
        PrintStream notices = settings.notices();
        List<Integer> toLayOut = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            FileSpec f = files.get(i);
            if (!seen.add(f.path())) {
                continue; // filename=a:a:a: one file named three times, laid out once, as fio does
            }
            if (f.exists() && f.existingSize() >= f.end()) {
                continue;
            }
            if (f.exists() && !writes) {
                throw new JobSetupException(o, Errno.EINVAL, "file " + f.path() + " is " + f.existingSize()
                        + " bytes, smaller than the " + f.end() + " bytes the job reads (offset " + f.offset() + " + size "
                        + f.region() + "); aioemu does not extend or rewrite a file for a job that does not write");
            }
            toLayOut.add(i);
            bytes += f.createSize() - Math.max(0, f.existingSize());
        }
        if (toLayOut.isEmpty()) {
            return;
        }
        notices.printf(Locale.ROOT, "%s: Laying out IO file%s (%d file%s / %s)%n", o.name, toLayOut.size() > 1 ? "s" : "",
                toLayOut.size(), toLayOut.size() > 1 ? "s" : "", Units.bytes(bytes));
        for (int i : toLayOut) {
            FileSpec f = files.get(i);
            try {
                if (f.exists()) {
                    extend(o, f, ctx);
                } else {
                    if ("lz4".equals(o.imageFormat)) {
                        createLz4(f);
                    } else {
                        RawImage.create(f.path(), f.createSize());
                    }
                    if (o.fillDevice && writes) {
                        continue; // sparse: the job's writes fill the file system, as fio neither allocates nor fills
                    }
                    if (!writes || o.overwrite) {
                        if (!fill(o, f, ctx, data[i], settings, stopped)) {
                            java.nio.file.Files.deleteIfExists(f.path());
                            throw new JobSetupException(o, Errno.EINTR, "laying out " + f.path()
                                    + " was interrupted by a signal; the partial file is removed");
                        }
                    } else if (allocates(o)) {
                        zeroes(f.path(), 0, f.createSize(), ctx);
                    }
                }
            } catch (ErrnoException e) {
                throw new JobSetupException(o, e.errno(), "cannot lay out " + f.path() + ": " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new JobSetupException(o, Errno.EIO, "cannot remove the partly laid out " + f.path() + ": " + e.getMessage());
            }
        }
    }

    /** An lz4 image's size is whole sectors: the job's size rounded up. */
    private static long lz4Size(FileSpec f) {
        return (f.createSize() + 511) & ~511L;
    }

    private static boolean isLz4(java.nio.file.Path p) {
        try {
            return org.aioemu.blockdev.lz4.Lz4Images.probe(p);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** fallocate= kinds that allocate blocks (fio's posix default, native, keep). */
    private static boolean allocates(JobOptions o) {
        String mode = o.fallocate == null ? "posix" : o.fallocate.toLowerCase(Locale.ROOT);
        return !(mode.equals("none") || mode.equals("0") || mode.equals("truncate"));
    }

    private static void createLz4(FileSpec f) throws ErrnoException {
        try {
            org.aioemu.blockdev.lz4.Lz4Images.create(f.path(), lz4Size(f), org.aioemu.blockdev.lz4.Lz4Images.DEFAULT_CLUSTER_SIZE);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ErrnoException(Errno.EIO, "creating the lz4 image " + f.path() + ": " + e.getMessage());
        }
    }

    private static void extend(JobOptions o, FileSpec f, AioContext ctx) throws ErrnoException {
        if (isLz4(f.path())) {
            try (BlockBackend b = BlockBackend.open(ctx, f.path(), BlockBackendOptions.defaults())) {
                await(b.resize(lz4Size(f))); // the virtual disk grows; new clusters read as zeroes
            }
            return;
        }
        try (FileHandle fh = FileHandle.open(f.path(), OpenOptions.readWrite())) {
            long now = fh.size();
            if (now >= f.createSize()) {
                return; // grew meanwhile (another clone): never shrink
            }
            fh.truncate(f.createSize());
            if (allocates(o) && !o.fillDevice) {
                zeroes(f.path(), now, f.createSize() - now, ctx);
            }
        }
    }

    private static void zeroes(Path path, long offset, long length, AioContext ctx) throws ErrnoException {
        try (BlockBackend b = BlockBackend.open(ctx, path, BlockBackendOptions.defaults())) {
            await(b.writeZeroes(offset, length));
            await(b.flush()); // as fio's create_fsync after its fallocate
        }
    }

    /**
     * Writes the whole file with the job's data, FILL_DEPTH requests of 1 MiB in flight, showing its progress on
     * the status line about once a second when the run shows one. False when {@code stopped} ended it early (what
     * it had in flight has completed).
     */
    private static boolean fill(JobOptions o, FileSpec f, AioContext ctx, WriteDataSource data, RunSettings settings,
                                java.util.function.BooleanSupplier stopped) throws ErrnoException {
        try (Arena arena = Arena.ofShared(); BlockBackend b = BlockBackend.open(ctx, f.path(), BlockBackendOptions.defaults())) {
            MemorySegment[] bufs = new MemorySegment[FILL_DEPTH];
            List<CompletableFuture<Integer>> inFlight = new ArrayList<>(java.util.Collections.nCopies(FILL_DEPTH, null));
            for (int i = 0; i < FILL_DEPTH; i++) {
                bufs[i] = AlignedBuffers.allocate(arena, FILL_CHUNK);
            }
            long size = f.createSize();
            long start = System.nanoTime();
            long nextStatus = start + STATUS_NANOS;
            int k = 0;
            boolean whole = true;
            for (long off = 0; off < size; off += FILL_CHUNK, k = (k + 1) % FILL_DEPTH) {
                if (inFlight.get(k) != null) {
                    await(inFlight.get(k));
                }
                if (stopped.getAsBoolean()) {
                    whole = false;
                    break;
                }
                long now = System.nanoTime();
                if (settings.printStatus() && now - nextStatus >= 0) {
                    nextStatus = now + STATUS_NANOS;
                    settings.statusListener().status(String.format(Locale.ROOT, "%s: laying out %s: %.0f%% of %s, %s",
                            o.name, f.path().getFileName(), 100.0 * off / size, Units.bytes(size),
                            Units.rate(off * 1e9 / (now - start))));
                }
                int len = (int) Math.min(FILL_CHUNK, size - off);
                data.fill(bufs[k], off, len);
                inFlight.set(k, b.write(off, bufs[k].asSlice(0, len)));
            }
            for (CompletableFuture<Integer> fut : inFlight) {
                if (fut != null) {
                    await(fut);
                }
            }
            if (whole && o.createFsync) {
                await(b.flush()); // fio's create_fsync: the laid-out data is on the device before the job
            }
            return whole;
        }
    }

    private static void await(CompletableFuture<Integer> f) throws ErrnoException {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ErrnoException ee) {
                throw ee;
            }
            throw new ErrnoException(Errno.EIO, String.valueOf(e.getCause()));
        }
    }

    /**
     * invalidate=1 (fio's default): drops the files' clean pages from the page cache before the job, so a
     * buffered read job starts from the device as in fio, not from what the layout just wrote. A file that
     * cannot be advised gets a notice, as fio warns, and the job runs anyway.
     */
    static void invalidate(JobOptions o, List<FileSpec> files, PrintStream notices) {
        for (Path path : distinctPaths(files)) {
            try (FileHandle fh = FileHandle.open(path, OpenOptions.readOnly())) {
                fh.dropCache();
            } catch (ErrnoException e) {
                notices.println("aioemu: " + o.name + ": invalidate: " + e.getMessage());
            }
        }
    }

    /** pre_read=1: reads every file of the job whole, so the job starts with them in the page cache. */
    static void preRead(JobOptions o, List<FileSpec> files) throws JobSetupException {
        byte[] chunk = new byte[1 << 20];
        for (Path path : distinctPaths(files)) {
            try (var in = Files.newInputStream(path)) {
                while (in.read(chunk) > 0) {
                    // the page cache keeps what was read
                }
            } catch (IOException e) {
                throw new JobSetupException(o, Errno.EIO, "pre_read of " + path + " failed: " + e.getMessage());
            }
        }
    }

    /** Each file path of {@code files} once, in order (filename=a:a:a names one file thrice); no virtual files. */
    private static List<Path> distinctPaths(List<FileSpec> files) {
        return files.stream().map(FileSpec::path).filter(java.util.Objects::nonNull).distinct().toList();
    }

    /**
     * unlink=1: removes the job's regular files after it ran (a device node is never removed, as fio removes
     * only files). Errors are reported as a notice.
     */
    static void unlink(List<FileSpec> files, PrintStream notices) {
        for (FileSpec f : files) {
            if (f.path() == null || !Files.isRegularFile(f.path())) {
                continue;
            }
            try {
                Files.deleteIfExists(f.path());
            } catch (IOException e) {
                notices.println("fio: unlink of " + f.path() + " failed: " + e.getMessage());
            }
        }
    }
}
