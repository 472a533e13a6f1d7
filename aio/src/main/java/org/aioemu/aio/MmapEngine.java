package org.aioemu.aio;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.IntCompletion;

/**
 * fio's {@code mmap} engine: reads and writes are copies between the caller's buffers and a shared mapping of the
 * whole file, made on a file's first request (and again when the file has grown past it); flushes are
 * {@code msync(MS_SYNC)}; discards and zero writes are the usual fallocate calls. Like fio's, it is synchronous: the
 * submitting thread copies (and takes the page faults), and the completion comes on the loop afterwards, as
 * {@link SyncEngine} delivers it. Reads past the end of the file read zeroes; a write past it first extends the file.
 *
 * <p>Threading: any thread may submit (the loop is the allocation-free path once a file is mapped), so copies from
 * several threads may run at once. A mapping is therefore never unmapped while the engine is open: when a write
 * grows a file past its mapping, a larger one (twice as large, so a file grown a block at a time is remapped a
 * logarithmic number of times) replaces it for later requests, and the old one is kept, still mapped, for copies
 * that are running from it, until {@link #close}, which must come after the last request has completed. Before, the
 * old mapping was unmapped at once, and a read copying from it on another thread crashed the JVM (SIGSEGV).
 */
public final class MmapEngine implements AioEngine {
    /**
     * A file's mapping and the extent of the file the engine knows: reads copy at most that far (the mapping may
     * reach past the file's end, where a copy would fault with SIGBUS), flushes cover it. Immutable; replaced whole.
     */
    private record FileMap(MemorySegment map, long size) {
    }

    /** Marks a file the kernel refused to map. */
    private static final FileMap UNMAPPABLE = new FileMap(MemorySegment.NULL, 0);

    private final SyncEngine delivery;
    private final Map<FileHandle, FileMap> mappings = new ConcurrentHashMap<>();
    /** Mappings replaced by larger ones, unmapped at close (a copy may still be running from one). Guarded by mappings. */
    private final java.util.List<MemorySegment> retired = new java.util.ArrayList<>();

    public MmapEngine(AioContext ctx) {
        this.delivery = new SyncEngine(ctx, "mmap", this::execute);
    }

    @Override
    public String name() {
        return "mmap";
    }

    @Override
    public AioContext context() {
        return delivery.context();
    }

    @Override
    public void submit(AioRequest req, IntCompletion completion) {
        delivery.submit(req, completion);
    }

    @Override
    public boolean concurrent() {
        return false;
    }

    /** Runs {@code req} on the calling thread; the request's length, 0, or -errno (as {@link RawIo#execute}). */
    private int execute(AioRequest req) {
        AioOp op = req.op();
        if (op == AioOp.DISCARD || op == AioOp.WRITE_ZEROES || mappings.get(req.file()) == UNMAPPABLE) {
            // fallocate (the mapping sees the change: the page cache is one), or a file the kernel will not map
            return RawIo.execute(req);
        }
        req.clearOutcome();
        int r = RawIo.check(req);
        if (r == 0) {
            r = switch (op) {
                case READ, WRITE -> copy(req, op == AioOp.WRITE);
                case FLUSH -> flush(req);
                default -> throw new AssertionError(op);
            };
        }
        RawIo.finish(req, r);
        return r;
    }

    private int copy(AioRequest req, boolean write) {
        FileHandle file = req.file();
        long offset = req.offset();
        long end = offset + req.length();
        FileMap mapped;
        try {
            mapped = mapping(file, write ? end : 0);
        } catch (ErrnoException e) {
            req.setErrorDetail("mmap of " + file.path() + " failed: " + e.getMessage());
            return -e.errno();
        }
        if (mapped == UNMAPPABLE) {
            return RawIo.execute(req) ; // RawIo records its own outcome; execute's finish records it again, unchanged
        }
        MemorySegment map = mapped.map();
        long at = offset;
        for (int i = 0, n = req.iovCount(); i < n; i++) {
            MemorySegment buf = req.segment(i);
            long len = buf.byteSize();
            if (write) {
                MemorySegment.copy(buf, 0, map, at, len);
            } else {
                long inFile = Math.max(0, Math.min(len, mapped.size() - at));
                if (inFile > 0) {
                    MemorySegment.copy(map, at, buf, 0, inFile);
                }
                if (inFile < len) {
                    buf.asSlice(inFile).fill((byte) 0); // past the end of the file: zeroes, as the syscall path gives
                }
            }
            at += len;
        }
        return (int) req.length();
    }

    private int flush(AioRequest req) {
        FileMap mapped = mappings.get(req.file());
        if (mapped == null || mapped.size() == 0) {
            return 0; // nothing mapped: nothing written through the mapping
        }
        return Mmap.sync(mapped.map().asSlice(0, mapped.size()));
    }

    /**
     * The file's mapping, made (or made again, larger) so it covers the whole file and, for a write, up to
     * {@code needed}: the file is extended first if it is shorter.
     */
    private FileMap mapping(FileHandle file, long needed) throws ErrnoException {
        FileMap known = mappings.get(file);
        if (known != null && (known == UNMAPPABLE || known.size() >= needed)) {
            return known;
        }
        synchronized (mappings) {
            known = mappings.get(file);
            if (known == UNMAPPABLE || known != null && known.size() >= needed) {
                return known;
            }
            if (known == null && !file.isBlockDevice() && !java.nio.file.Files.isRegularFile(file.path())) {
                mappings.put(file, UNMAPPABLE); // a directory, a character device: the syscalls serve it
                return UNMAPPABLE;
            }
            long size = file.size();
            if (needed > size) {
                file.truncate(needed);
                size = needed;
            }
            if (known != null && known.map().byteSize() >= size) {
                FileMap grown = new FileMap(known.map(), size); // the file grew within the mapping
                mappings.put(file, grown);
                return grown;
            }
            long capacity = known == null ? size : Math.max(size, 2 * known.map().byteSize());
            int[] errno = new int[1];
            MemorySegment fresh = capacity == 0 ? MemorySegment.NULL
                    : Mmap.map(file.fd(), capacity, !file.readOnly(), errno);
            if (fresh == null) {
                if (errno[0] == Errno.ENODEV || errno[0] == Errno.EACCES || errno[0] == Errno.EINVAL) {
                    // A directory, a character device, a file opened write-only: not mappable. Its requests go
                    // through the syscalls, so their errors are the kernel's for the request, as on every engine.
                    mappings.put(file, UNMAPPABLE);
                    return UNMAPPABLE;
                }
                throw new ErrnoException(errno[0], Errno.describe(errno[0]));
            }
            if (known != null && known.map().byteSize() > 0) {
                retired.add(known.map()); // a copy on another thread may still run from it
            }
            FileMap made = new FileMap(fresh, size);
            mappings.put(file, made);
            return made;
        }
    }

    /** Unmaps every file; after the last completion. */
    @Override
    public void close() {
        delivery.close();
        synchronized (mappings) {
            for (FileMap m : mappings.values()) {
                if (m != UNMAPPABLE && m.map().byteSize() > 0) {
                    Mmap.unmap(m.map());
                }
            }
            mappings.clear();
            for (MemorySegment old : retired) {
                Mmap.unmap(old);
            }
            retired.clear();
        }
    }

    @Override
    public String toString() {
        return "mmap engine on " + context() + ", " + mappings.size() + " file(s) mapped";
    }
}
