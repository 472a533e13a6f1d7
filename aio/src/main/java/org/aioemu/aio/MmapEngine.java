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
 * <p>Threading: any thread may submit (the loop is the allocation-free path once a file is mapped). Mappings live
 * until {@link #close}, which must come after the last request has completed: unmapping under a copy would fault.
 */
public final class MmapEngine implements AioEngine {
    /** Marks a file the kernel refused to map. */
    private static final MemorySegment UNMAPPABLE = MemorySegment.ofArray(new byte[0]);

    private final SyncEngine delivery;
    private final Map<FileHandle, MemorySegment> mappings = new ConcurrentHashMap<>();

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
        MemorySegment map;
        try {
            map = mapping(file, write ? end : 0);
        } catch (ErrnoException e) {
            req.setErrorDetail("mmap of " + file.path() + " failed: " + e.getMessage());
            return -e.errno();
        }
        if (map == UNMAPPABLE) {
            return RawIo.execute(req) ; // RawIo records its own outcome; execute's finish records it again, unchanged
        }
        long at = offset;
        for (int i = 0, n = req.iovCount(); i < n; i++) {
            MemorySegment buf = req.segment(i);
            long len = buf.byteSize();
            if (write) {
                MemorySegment.copy(buf, 0, map, at, len);
            } else {
                long inFile = Math.max(0, Math.min(len, map.byteSize() - at));
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
        MemorySegment map = mappings.get(req.file());
        if (map == null || map.byteSize() == 0) {
            return 0; // nothing mapped: nothing written through the mapping
        }
        return Mmap.sync(map);
    }

    /**
     * The file's mapping, made (or made again, larger) so it covers the whole file and, for a write, up to
     * {@code needed}: the file is extended first if it is shorter.
     */
    private MemorySegment mapping(FileHandle file, long needed) throws ErrnoException {
        MemorySegment map = mappings.get(file);
        if (map != null && map.byteSize() >= needed) {
            return map;
        }
        synchronized (mappings) {
            map = mappings.get(file);
            if (map == null && !file.isBlockDevice() && !java.nio.file.Files.isRegularFile(file.path())) {
                mappings.put(file, UNMAPPABLE); // a directory, a character device: the syscalls serve it
                return UNMAPPABLE;
            }
            long size = file.size();
            if (needed > size) {
                file.truncate(needed);
                size = needed;
            }
            if (map != null && map.byteSize() >= Math.max(size, needed)) {
                return map;
            }
            int[] errno = new int[1];
            MemorySegment fresh = size == 0 ? MemorySegment.NULL : Mmap.map(file.fd(), size, !file.readOnly(), errno);
            if (fresh == null) {
                if (errno[0] == Errno.ENODEV || errno[0] == Errno.EACCES || errno[0] == Errno.EINVAL) {
                    // A directory, a character device, a file opened write-only: not mappable. Its requests go
                    // through the syscalls, so their errors are the kernel's for the request, as on every engine.
                    mappings.put(file, UNMAPPABLE);
                    return UNMAPPABLE;
                }
                throw new ErrnoException(errno[0], Errno.describe(errno[0]));
            }
            if (map != null) {
                Mmap.unmap(map); // single submitter: no copy runs from the old mapping now
            }
            mappings.put(file, fresh);
            return fresh;
        }
    }

    /** Unmaps every file; after the last completion. */
    @Override
    public void close() {
        delivery.close();
        synchronized (mappings) {
            for (MemorySegment m : mappings.values()) {
                if (m != UNMAPPABLE && m.byteSize() > 0) {
                    Mmap.unmap(m);
                }
            }
            mappings.clear();
        }
    }

    @Override
    public String toString() {
        return "mmap engine on " + context() + ", " + mappings.size() + " file(s) mapped";
    }
}
