package org.aioemu.aio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import org.aioemu.engine.BlockingTask;

/**
 * One block-I/O operation on a {@link FileHandle}: the op, the offset, the iovec (for READ and WRITE)
 * or the length (DISCARD, WRITE_ZEROES), and afterwards its result. Executed by {@link RawIo#execute}.
 *
 * <p>Reusable, so that engines can pool requests: all allocation happens in the constructor (the
 * segment array and the native {@code struct iovec} array, in an arena the request owns) and in
 * {@link #ensureIovCapacity}; the {@code prepare*} methods and execution allocate nothing. The native
 * memory is released by {@link #close()}.
 *
 * <p>Threading: owned by one thread at a time, never used by two at once. It is handed between threads
 * (submitter → worker → completion) through the pool's queues, which publish its fields; nothing here
 * is volatile. The native iovec array lives in a shared arena so that whichever thread executes the
 * request may fill it.
 */
public final class AioRequest implements AutoCloseable, BlockingTask {
    /** The iovec capacity of {@link #AioRequest()}. */
    public static final int DEFAULT_IOV_CAPACITY = 16;
    /** Linux's IOV_MAX: preadv and pwritev refuse more segments than this with EINVAL. */
    public static final int MAX_IOV_CAPACITY = 1024;

    // Native memory: owned by the request, replaced only by ensureIovCapacity, freed by close.
    private Arena arena;
    private MemorySegment nativeIov;
    private MemorySegment[] iov;

    // The operation, set by prepare*.
    private AioOp op;
    private FileHandle file;
    private long offset;
    private long length;
    private int iovCount;
    private boolean datasyncOnly;
    /** FLUSH of a range: sync_file_range(2)'s flags; 0 for a flush of the whole file. */
    private int syncRangeFlags;
    /** WRITE_ZEROES: {@link #ZERO_MAY_UNMAP} and {@link #ZERO_NO_FALLBACK}. */
    private int zeroFlags;

    /**
     * The threads engine's pool ticket for this request's latest submission, so {@link ThreadsEngine#cancel}
     * can name it. Written by the pool through {@link #queued} on the submitting thread before any worker can
     * run the request — never after, so a slow submitter cannot overwrite the ticket of a resubmission made by
     * the completion meanwhile — and read by a canceller on any thread: volatile. A ticket left over from an
     * earlier submission is harmless (the pool ignores stale tickets).
     */
    volatile long poolTicket = -1;

    // The outcome, set by RawIo.execute.
    private int result;
    private String errorDetail;

    /**
     * WRITE_ZEROES may deallocate the range (punch a hole) where the file system cannot zero it in place: QEMU's
     * {@code BDRV_REQ_MAY_UNMAP}, the opposite of NBD's {@code NO_HOLE}. Without it the range stays allocated.
     */
    public static final int ZERO_MAY_UNMAP = 1;
    /**
     * WRITE_ZEROES must be fast: where neither ZERO_RANGE nor (with {@link #ZERO_MAY_UNMAP}) a punched hole does
     * it, fail with EOPNOTSUPP instead of writing zero buffers — QEMU's {@code BDRV_REQ_NO_FALLBACK}, NBD's
     * {@code FAST_ZERO}, which lets a copier skip zeroing a destination it would overwrite anyway.
     */
    public static final int ZERO_NO_FALLBACK = 2;

    /** A request with room for {@value #DEFAULT_IOV_CAPACITY} segments. */
    public AioRequest() {
        this(DEFAULT_IOV_CAPACITY);
    }

    /** A request with room for {@code iovCapacity} segments (1 to {@value #MAX_IOV_CAPACITY}). */
    public AioRequest(int iovCapacity) {
        checkCapacity(iovCapacity);
        allocateIov(iovCapacity);
    }

    // --- preparing ------------------------------------------------------------------------------

    /** Reads into one buffer (no varargs array). */
    public AioRequest prepareRead(FileHandle file, long offset, MemorySegment buffer) {
        return prepareOne(AioOp.READ, file, offset, buffer);
    }

    /** Reads into the buffers, in order, starting at {@code offset}. */
    public AioRequest prepareRead(FileHandle file, long offset, MemorySegment... iov) {
        return prepareRw(AioOp.READ, file, offset, iov, iov.length);
    }

    /** Reads into the first {@code count} buffers of {@code iov} (lets a caller reuse its own array). */
    public AioRequest prepareRead(FileHandle file, long offset, MemorySegment[] iov, int count) {
        return prepareRw(AioOp.READ, file, offset, iov, count);
    }

    /** Writes one buffer (no varargs array). */
    public AioRequest prepareWrite(FileHandle file, long offset, MemorySegment buffer) {
        return prepareOne(AioOp.WRITE, file, offset, buffer);
    }

    /** Writes the buffers, in order, starting at {@code offset}. */
    public AioRequest prepareWrite(FileHandle file, long offset, MemorySegment... iov) {
        return prepareRw(AioOp.WRITE, file, offset, iov, iov.length);
    }

    /** Writes the first {@code count} buffers of {@code iov}. */
    public AioRequest prepareWrite(FileHandle file, long offset, MemorySegment[] iov, int count) {
        return prepareRw(AioOp.WRITE, file, offset, iov, count);
    }

    /** Flushes the file: fdatasync when {@code datasyncOnly}, else fsync (metadata too). */
    public AioRequest prepareFlush(FileHandle file, boolean datasyncOnly) {
        begin(AioOp.FLUSH, file, 0, 0);
        this.datasyncOnly = datasyncOnly;
        return this;
    }

    /** sync_file_range(2)'s SYNC_FILE_RANGE_WAIT_BEFORE, _WRITE and _WAIT_AFTER. */
    public static final int SYNC_RANGE_WAIT_BEFORE = 1;
    public static final int SYNC_RANGE_WRITE = 2;
    public static final int SYNC_RANGE_WAIT_AFTER = 4;

    /**
     * Starts or waits for writeback of {@code length} bytes at {@code offset} ({@code length} 0: to the end of the
     * file), with sync_file_range(2)'s {@code flags}, a non-empty combination of the SYNC_RANGE_ constants. A
     * FLUSH that makes nothing durable by itself: no metadata, no device cache flush (fio's sync_file_range=).
     * The mmap engine, which has no such call, msyncs the whole mapping (as fio's mmap engine does).
     */
    public AioRequest prepareSyncRange(FileHandle file, long offset, long length, int flags) {
        if (flags == 0 || (flags & ~(SYNC_RANGE_WAIT_BEFORE | SYNC_RANGE_WRITE | SYNC_RANGE_WAIT_AFTER)) != 0) {
            throw new IllegalArgumentException("sync_file_range flags " + flags + " are not a non-empty combination of"
                    + " WAIT_BEFORE (1), WRITE (2) and WAIT_AFTER (4)");
        }
        begin(AioOp.FLUSH, file, offset, length);
        this.syncRangeFlags = flags;
        return this;
    }

    /** Discards (punches a hole over) {@code length} bytes at {@code offset}; the file size is kept. */
    public AioRequest prepareDiscard(FileHandle file, long offset, long length) {
        begin(AioOp.DISCARD, file, offset, length);
        return this;
    }

    /** Makes {@code length} bytes at {@code offset} read back as zeroes, deallocating them if that is the way. */
    public AioRequest prepareWriteZeroes(FileHandle file, long offset, long length) {
        return prepareWriteZeroes(file, offset, length, ZERO_MAY_UNMAP);
    }

    /**
     * Makes {@code length} bytes at {@code offset} read back as zeroes: fallocate's ZERO_RANGE first; where the file
     * system lacks it, a punched hole if {@code flags} has {@link #ZERO_MAY_UNMAP} and the range lies within the
     * file; else zero buffers written, unless {@code flags} has {@link #ZERO_NO_FALLBACK} (then EOPNOTSUPP).
     */
    public AioRequest prepareWriteZeroes(FileHandle file, long offset, long length, int flags) {
        if ((flags & ~(ZERO_MAY_UNMAP | ZERO_NO_FALLBACK)) != 0) {
            throw new IllegalArgumentException("write-zeroes flags " + flags + " are not a combination of MAY_UNMAP (1)"
                    + " and NO_FALLBACK (2)");
        }
        begin(AioOp.WRITE_ZEROES, file, offset, length);
        this.zeroFlags = flags;
        return this;
    }

    /**
     * Grows the iovec capacity to at least {@code capacity} segments (at most
     * {@value #MAX_IOV_CAPACITY}). Allocates; the only way the capacity changes. Keeps the prepared
     * segments.
     */
    public void ensureIovCapacity(int capacity) {
        checkOpen();
        checkCapacity(capacity);
        if (capacity <= iov.length) {
            return;
        }
        MemorySegment[] oldIov = iov;
        Arena oldArena = arena;
        allocateIov(capacity);
        System.arraycopy(oldIov, 0, iov, 0, iovCount);
        oldArena.close();
    }

    /** Forgets the file and buffers so a pooled request keeps nothing reachable. Keeps the native memory. */
    public void reset() {
        Arrays.fill(iov, 0, iovCount, null);
        op = null;
        file = null;
        offset = 0;
        length = 0;
        iovCount = 0;
        datasyncOnly = false;
        syncRangeFlags = 0;
        zeroFlags = 0;
        result = 0;
        errorDetail = null;
    }

    /** Frees the native iovec array. Idempotent. Must not be called while the request executes. */
    @Override
    public void close() {
        if (arena != null) {
            reset();
            arena.close();
            arena = null;
            nativeIov = null;
        }
    }

    // --- reading --------------------------------------------------------------------------------

    /** The prepared operation, or null before the first prepare (and after reset). */
    public AioOp op() {
        return op;
    }

    public FileHandle file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    /** Bytes covered: the iovec total for READ/WRITE, the given length for DISCARD/WRITE_ZEROES, 0 for FLUSH. */
    public long length() {
        return length;
    }

    /** The number of prepared segments (0 unless READ or WRITE). */
    public int iovCount() {
        return iovCount;
    }

    /** Prepared segment {@code index}, {@code 0 <= index < iovCount()}. */
    public MemorySegment segment(int index) {
        Objects.checkIndex(index, iovCount);
        return iov[index];
    }

    public int iovCapacity() {
        return iov.length;
    }

    /** For FLUSH: true for fdatasync, false for fsync. */
    public boolean datasyncOnly() {
        return datasyncOnly;
    }

    /** For FLUSH: sync_file_range(2)'s flags for a range flush ({@link #prepareSyncRange}); 0 for the whole file. */
    public int syncRangeFlags() {
        return syncRangeFlags;
    }

    /** For WRITE_ZEROES: {@link #ZERO_MAY_UNMAP} and {@link #ZERO_NO_FALLBACK}. */
    public int zeroFlags() {
        return zeroFlags;
    }

    /** The last result: bytes transferred (READ/WRITE), 0 (others) or -errno; 0 before execution. */
    public int result() {
        return result;
    }

    /**
     * A human explanation of the last failure, e.g. why an {@code O_DIRECT} request was refused; null if
     * the last execution succeeded or has not happened.
     */
    public String errorDetail() {
        return errorDetail;
    }

    /**
     * Runs the request on the calling thread ({@link RawIo#execute}); what a {@code threads} engine's
     * worker calls, so submitting a request to the pool allocates no task object.
     */
    @Override
    public int run() {
        return RawIo.execute(this);
    }

    /** A buffered READ may be served from the page cache without blocking; nothing else can. */
    @Override
    public boolean mayCompleteWithoutBlocking() {
        return op == AioOp.READ && file.mayReadWithoutBlocking();
    }

    /** The loop's attempt before the request is queued: {@link RawIo#tryReadWithoutBlocking}. */
    @Override
    public int tryWithoutBlocking() {
        return RawIo.tryReadWithoutBlocking(this);
    }

    /** The pool names this submission before a worker can run it: see {@link #poolTicket}. */
    @Override
    public void queued(long ticket) {
        poolTicket = ticket;
    }

    @Override
    public String toString() {
        return "AioRequest[" + op
                + (file == null ? "" : " " + file.path())
                + " offset=" + offset + " length=" + length
                + (op == AioOp.READ || op == AioOp.WRITE ? " iov=" + iovCount : "")
                + (op == AioOp.FLUSH ? (syncRangeFlags != 0 ? " sync_file_range flags=" + syncRangeFlags
                        : datasyncOnly ? " fdatasync" : " fsync") : "")
                + (op == AioOp.WRITE_ZEROES ? " flags=" + zeroFlags : "")
                + " result=" + result + "]";
    }

    // --- for RawIo (the executing thread) ---------------------------------------------------------

    /** The segment array itself; entries {@code [0, iovCount)} are the prepared ones. */
    MemorySegment[] segments() {
        return iov;
    }

    /** The native {@code struct iovec} array, {@link #iovCapacity()} entries of {@link LibC#IOVEC_SIZE} bytes. */
    MemorySegment nativeIov() {
        return nativeIov;
    }

    /** Starts an execution: clears the previous outcome. */
    void clearOutcome() {
        result = 0;
        errorDetail = null;
    }

    void setErrorDetail(String detail) {
        errorDetail = detail;
    }

    void setResult(int result) {
        this.result = result;
    }

    // --- internals ------------------------------------------------------------------------------

    private AioRequest prepareOne(AioOp op, FileHandle file, long offset, MemorySegment buffer) {
        Objects.requireNonNull(buffer, "buffer");
        checkIntLength(buffer.byteSize());
        begin(op, file, offset, buffer.byteSize());
        iov[0] = buffer;
        iovCount = 1;
        return this;
    }

    private AioRequest prepareRw(AioOp op, FileHandle file, long offset, MemorySegment[] segments, int count) {
        Objects.checkFromIndexSize(0, count, segments.length);
        if (count > iov.length) {
            throw new IllegalArgumentException(count + " segments exceed this request's iovec capacity "
                    + iov.length + "; call ensureIovCapacity first");
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += Objects.requireNonNull(segments[i], "iov segment").byteSize();
        }
        checkIntLength(total);
        begin(op, file, offset, total);
        System.arraycopy(segments, 0, iov, 0, count);
        iovCount = count;
        return this;
    }

    private void begin(AioOp op, FileHandle file, long offset, long length) {
        checkOpen();
        Objects.requireNonNull(file, "file");
        Arrays.fill(iov, 0, iovCount, null); // drop references from the previous use
        this.op = op;
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.iovCount = 0;
        this.datasyncOnly = false;
        this.syncRangeFlags = 0;
        this.zeroFlags = 0;
        this.result = 0;
        this.errorDetail = null;
    }

    /** Results are ints (bytes or -errno), so one READ/WRITE moves at most Integer.MAX_VALUE bytes. */
    private static void checkIntLength(long total) {
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("request of " + total + " bytes exceeds the " + Integer.MAX_VALUE
                    + "-byte limit of one request");
        }
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_IOV_CAPACITY) {
            throw new IllegalArgumentException("iovec capacity must be 1.." + MAX_IOV_CAPACITY + ": " + capacity);
        }
    }

    private void checkOpen() {
        if (arena == null) {
            throw new IllegalStateException("AioRequest is closed");
        }
    }

    private void allocateIov(int capacity) {
        Arena newArena = Arena.ofShared(); // the executing thread is rarely the allocating one
        try {
            nativeIov = newArena.allocate(capacity * LibC.IOVEC_SIZE, 8);
        } catch (RuntimeException | Error e) {
            newArena.close();
            throw e;
        }
        iov = new MemorySegment[capacity];
        arena = newArena;
    }
}
