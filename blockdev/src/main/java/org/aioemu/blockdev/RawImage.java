package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.aioemu.aio.AioEngine;
import org.aioemu.aio.AioRequest;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.IntCompletion;

/**
 * A raw disk image: bytes of the file are bytes of the disk (QEMU's {@code raw} format on
 * {@code file-posix}). Requests go to an {@link AioEngine} as {@link AioRequest}s.
 *
 * <p>Threading: loop only (see {@link BlockDriver}). Requests and their completion adapters come from a
 * loop-owned free list that grows to the deepest queue seen and is then reused, so steady-state I/O
 * allocates nothing here.
 */
public final class RawImage implements BlockDriver {
    private final FileHandle file;
    private final AioEngine engine;
    private final long size;
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    /** Every slot made (as many as the deepest queue seen), for {@link #cancel} to find a request by its completion. */
    private final java.util.ArrayList<Slot> all = new java.util.ArrayList<>();
    private int inFlight;
    /** Where completed requests are counted; set by the backend that owns this image (loop only). */
    private BlockStats stats;

    private RawImage(FileHandle file, AioEngine engine, long size) {
        this.file = file;
        this.engine = engine;
        this.size = size;
    }

    /** Opens an existing image; its size is the file's size. A directory is no image (EISDIR, also read-only). */
    public static RawImage open(Path path, OpenOptions options, AioEngine engine) throws ErrnoException {
        if (java.nio.file.Files.isDirectory(path)) {
            throw new ErrnoException(org.aioemu.engine.Errno.EISDIR, "open " + path + " as an image");
        }
        FileHandle fh = FileHandle.open(path, options);
        try {
            return new RawImage(fh, engine, fh.size());
        } catch (ErrnoException | RuntimeException e) {
            fh.close();
            throw e;
        }
    }

    /**
     * Creates a new image of {@code size} bytes (sparse: a hole reads as zeroes, as after
     * {@code qemu-img create -f raw}). Fails with EEXIST rather than overwrite a file.
     */
    public static void create(Path path, long size) throws ErrnoException {
        if (size < 0) {
            throw new IllegalArgumentException("image size must not be negative: " + size);
        }
        try (FileHandle fh = FileHandle.open(path, OpenOptions.readWrite().withCreateNew())) {
            fh.truncate(size);
        }
    }

    /** The backend's statistics, which this image's completions record into. */
    void accountInto(BlockStats s) {
        this.stats = s;
    }

    @Override
    public void adviseAccess(FileHandle.Access access) throws org.aioemu.engine.ErrnoException {
        file.adviseAccess(access);
    }

    public FileHandle file() {
        return file;
    }

    public AioEngine engine() {
        return engine;
    }

    @Override
    public String format() {
        return "raw";
    }

    @Override
    public String description() {
        return file.path().toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int requestAlignment() {
        return file.alignment();
    }

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        issue(READ, offset, 0, buffer, 0, completion);
    }

    @Override
    public void write(long offset, MemorySegment buffer, BlockCompletion completion) {
        issue(WRITE, offset, 0, buffer, 0, completion);
    }

    @Override
    public void flush(BlockCompletion completion) {
        issue(FLUSH, 0, 0, null, 0, completion);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
        issue(SYNC_RANGE, offset, length, null, flags, completion);
    }

    @Override
    public void discard(long offset, long length, BlockCompletion completion) {
        issue(DISCARD, offset, length, null, 0, completion);
    }

    @Override
    public void writeZeroes(long offset, long length, BlockCompletion completion) {
        issue(WRITE_ZEROES, offset, length, null, 0, completion);
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    /**
     * lseek's SEEK_DATA / SEEK_HOLE on a pool worker (they may block on the file system's locks), answered on the
     * loop; counted in flight so that closing waits for it. Allocates a task per call: not a per-I/O path.
     */
    @Override
    public void blockStatus(long offset, long length, BlockStatusCompletion completion) {
        long[] extent = new long[1];
        inFlight++;
        engine.context().threadPool().submit(() -> {
            extent[0] = file.extentAt(offset);
            return 0;
        }, result -> {
            inFlight--;
            if (result < 0) {
                completion.complete(0, false, result, "block status at offset " + offset);
                return;
            }
            long end = Math.abs(extent[0]);
            completion.complete(Math.min(length, Math.max(0, end - offset)), extent[0] < 0, 0, null);
        });
    }

    /** A scan of the slots: cancelling is rare, and the slots are as many as the deepest queue. */
    @Override
    public boolean cancel(BlockCompletion completion) {
        for (Slot s : all) {
            if (s.user == completion) {
                return engine.cancel(s.req);
            }
        }
        return false;
    }

    // The request kinds, numbered as BlockStats.Op so that a kind is its statistics' index (a range sync counts as
    // a flush).
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int FLUSH = 2;
    private static final int DISCARD = 3;
    private static final int WRITE_ZEROES = 4;
    private static final int SYNC_RANGE = 5;

    /**
     * Prepares a slot's request and hands it to the engine. If either throws (a request the engine refuses, its
     * pool closed under it), the slot goes back and the exception reaches the caller: no request is left counted
     * in flight, and no completion will come for it.
     */
    private void issue(int op, long offset, long length, MemorySegment buffer, int flags, BlockCompletion completion) {
        Slot s = acquire(completion);
        s.op = op == SYNC_RANGE ? FLUSH : op;
        s.bytes = buffer != null ? buffer.byteSize() : length;
        s.startNanos = stats != null ? System.nanoTime() : 0;
        try {
            switch (op) {
                case READ -> s.req.prepareRead(file, offset, buffer);
                case WRITE -> s.req.prepareWrite(file, offset, buffer);
                case FLUSH -> s.req.prepareFlush(file, true);
                case SYNC_RANGE -> s.req.prepareSyncRange(file, offset, length, flags);
                case DISCARD -> s.req.prepareDiscard(file, offset, length);
                default -> s.req.prepareWriteZeroes(file, offset, length);
            }
            engine.submit(s.req, s);
        } catch (RuntimeException | Error e) {
            s.user = null;
            s.req.reset();
            inFlight--;
            free.addFirst(s);
            throw e;
        }
    }

    private Slot acquire(BlockCompletion completion) {
        Slot s = free.pollFirst();
        if (s == null) {
            s = new Slot(); // grows to the deepest queue seen, then reused
            all.add(s);
        }
        s.user = completion;
        inFlight++;
        return s;
    }

    /** Closes the file and frees the requests' native memory. Requests must have completed. */
    @Override
    public void close() {
        if (inFlight > 0) {
            throw new IllegalStateException(inFlight + " requests still in flight on " + description());
        }
        for (Slot s : free) {
            s.req.close();
        }
        free.clear();
        file.close();
    }

    @Override
    public String toString() {
        return "raw image " + description() + " (" + size + " bytes, " + engine.name() + ")";
    }

    /** A pooled request and the adapter that completes it: recycles itself, then tells the user. */
    private final class Slot implements IntCompletion {
        final AioRequest req = new AioRequest();
        BlockCompletion user;
        /** For the statistics: the request's kind (BlockStats.Op order), its bytes and when it was submitted. */
        int op;
        long bytes;
        long startNanos;

        @Override
        public void complete(int result) {
            if (stats != null) {
                stats.record(op, result, bytes, System.nanoTime() - startNanos);
            }
            BlockCompletion u = user;
            String detail = result < 0 ? req.errorDetail() : null;
            user = null;
            req.reset();
            inFlight--;
            free.addFirst(this);
            u.complete(result, detail);
        }
    }
}
