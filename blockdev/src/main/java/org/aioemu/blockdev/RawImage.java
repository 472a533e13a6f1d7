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
    /** Written on the loop by {@link #resize}'s completion, read from any thread. */
    private volatile long size;
    /** FUA costs nothing when every write is already durable (O_DSYNC, O_SYNC); else a flush follows the write. */
    private final boolean writesDurable;
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    /** Every slot made (as many as the deepest queue seen), for {@link #cancel} to find a request by its completion. */
    private final java.util.ArrayList<Slot> all = new java.util.ArrayList<>();
    private int inFlight;
    /** Loop only; see {@link #deferred()}. */
    private LoopDeferred deferred;
    /** Where completed requests are counted; set by the backend that owns this image (loop only). */
    private BlockStats stats;
    /** Whether {@link #close} closes the engine too (and this pool, the engine's own, when not null). */
    private boolean ownsEngine;
    private org.aioemu.engine.ThreadPool ownPool;

    private RawImage(FileHandle file, AioEngine engine, long size) {
        this.file = file;
        this.engine = engine;
        this.size = size;
        this.writesDurable = file.options().isDsync() || file.options().isSync();
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

    /** From now on {@link #close} closes the engine, and {@code pool} (the engine's own, or null) after it. */
    void ownEngine(org.aioemu.engine.ThreadPool pool) {
        this.ownsEngine = true;
        this.ownPool = pool;
    }

    @Override
    public String engineName() {
        return engine.name();
    }

    /** The backend's statistics, which this image's completions record into. */
    @Override
    public void accountInto(BlockStats s) {
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
        issue(READ, offset, 0, buffer, null, 0, 0, completion);
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        issue(READ, offset, 0, null, iov, count, 0, completion);
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        issue(WRITE, offset, 0, buffer, null, 0, flags, completion);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        issue(WRITE, offset, 0, null, iov, count, flags, completion);
    }

    @Override
    public void flush(BlockCompletion completion) {
        issue(FLUSH, 0, 0, null, null, 0, 0, completion);
    }

    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
        issue(SYNC_RANGE, offset, length, null, null, 0, flags, completion);
    }

    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        issue(DISCARD, offset, length, null, null, 0, flags, completion);
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        issue(WRITE_ZEROES, offset, length, null, null, 0, flags, completion);
    }

    /**
     * ftruncate on a pool worker (it may wait for the file system), the new size published on the loop when it
     * completes. A block device's size is the device's: only its own size is accepted (QEMU's rule for host
     * devices), anything else fails with EOPNOTSUPP. Requests in flight meanwhile see the file as the kernel has it.
     */
    @Override
    public void resize(long newSize, BlockCompletion completion) {
        if (file.isBlockDevice()) {
            long now = size;
            deferred().later(() -> completion.complete(newSize == now ? 0 : -org.aioemu.engine.Errno.EOPNOTSUPP,
                    newSize == now ? null : "a block device's size is the device's (" + now + " bytes)"));
            return;
        }
        String[] detail = new String[1];
        inFlight++;
        engine.context().threadPool().submit(() -> {
            try {
                file.truncate(newSize);
                return 0;
            } catch (ErrnoException e) {
                detail[0] = e.getMessage();
                return -e.errno();
            }
        }, result -> {
            inFlight--;
            if (result >= 0) {
                size = newSize;
            }
            completion.complete(result, detail[0]);
        });
    }

    @Override
    public int inFlight() {
        return inFlight + (deferred == null ? 0 : deferred.pending());
    }

    /** Loop: completions owed later (made on first need: most images never refuse anything themselves). */
    private LoopDeferred deferred() {
        if (deferred == null) {
            deferred = new LoopDeferred(engine.context());
        }
        return deferred;
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
    private void issue(int op, long offset, long length, MemorySegment buffer, MemorySegment[] iov, int count, int flags,
                       BlockCompletion completion) {
        Slot s = acquire(completion);
        s.op = op == SYNC_RANGE ? FLUSH : op;
        s.startNanos = stats != null ? System.nanoTime() : 0;
        s.flushAfter = (flags & RequestFlags.FUA) != 0 && op != SYNC_RANGE && !writesDurable;
        try {
            if (iov != null && count > s.req.iovCapacity()) {
                s.req.ensureIovCapacity(count);
            }
            switch (op) {
                case READ -> {
                    if (iov == null) {
                        s.req.prepareRead(file, offset, buffer);
                    } else {
                        s.req.prepareRead(file, offset, iov, count);
                    }
                }
                case WRITE -> {
                    if (iov == null) {
                        s.req.prepareWrite(file, offset, buffer);
                    } else {
                        s.req.prepareWrite(file, offset, iov, count);
                    }
                }
                case FLUSH -> s.req.prepareFlush(file, true);
                case SYNC_RANGE -> s.req.prepareSyncRange(file, offset, length, flags);
                case DISCARD -> s.req.prepareDiscard(file, offset, length);
                default -> s.req.prepareWriteZeroes(file, offset, length,
                        ((flags & RequestFlags.MAY_UNMAP) != 0 ? AioRequest.ZERO_MAY_UNMAP : 0)
                                | ((flags & RequestFlags.NO_FALLBACK) != 0 ? AioRequest.ZERO_NO_FALLBACK : 0));
            }
            s.bytes = op == READ || op == WRITE ? s.req.length() : length;
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
        s.flushAfter = false;
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
        if (ownsEngine) {
            engine.close();
            if (ownPool != null) {
                ownPool.close();
            }
        }
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
        /** FUA without O_DSYNC: after the request succeeds, the slot flushes before it completes the user. */
        boolean flushAfter;
        /** The request's own result while its FUA flush runs. */
        int resultBeforeFlush;
        /** Whether the flush now running is a FUA request's (its result is then the request's own). */
        boolean flushing;

        @Override
        public void complete(int result) {
            if (flushAfter && result >= 0) {
                flushAfter = false;
                resultBeforeFlush = result;
                req.reset();
                try {
                    req.prepareFlush(file, true);
                    flushing = true; // before the submit: an engine may complete the flush inside it
                    engine.submit(req, this);
                    return;
                } catch (RuntimeException | Error e) {
                    // The engine refused the flush (its pool closed under it): the data is not known durable.
                    result = -org.aioemu.engine.Errno.EIO;
                }
            } else if (flushing && result >= 0) {
                result = resultBeforeFlush; // the FUA flush succeeded: the request's own result
            }
            flushing = false;
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
