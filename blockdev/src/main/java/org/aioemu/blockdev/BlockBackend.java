package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;

/**
 * A virtual block device for other Java programs: an image behind a driver, served on an
 * {@link AioContext}. The embedding surface: later drivers (null, lz4, fault injection, throttling) and
 * the NBD export stand on it.
 *
 * <p>Threading: the future-returning methods may be called from any thread; the work hops onto the
 * loop, and every future completes on the loop thread, so a stage chained without an executor runs there if it was
 * attached before the completion (keep it short) and on the attaching thread if after; {@link #loopExecutor} makes
 * the place certain. The {@link BlockCompletion} forms are the
 * allocation-free path and must be called on the loop. Buffers belong to the backend until completion.
 *
 * <p>Errors: a future fails with {@link BlockIOException} naming the errno, the operation, the range and
 * the image. Out-of-range requests fail with EINVAL and writes to a read-only backend with EROFS, before
 * any I/O. Argument errors are thrown at once on the calling thread, in both forms, as
 * {@code AsynchronousFileChannel} throws them: a null buffer, a negative offset or length, and a buffer the I/O
 * could not use safely (heap memory, a confined arena's, a read-only one to read into, a freed one, one over
 * 2 GiB). A future never hangs: whatever fails on the way to the engine fails it.
 *
 * <p>Lifecycle: closing the {@link AioContext} first closes its open backends, which drain, so every future
 * completes; a request after the close fails.
 */
public final class BlockBackend implements AutoCloseable {
    private final AioContext ctx;
    private final BlockDriver driver;
    private final boolean readOnly;
    /** cache=unsafe (cache.no-flush): flushes and FUA do nothing, as QEMU's cache.no-flush. */
    private final boolean noFlush;
    /** Loop only: what the requests did (read through {@link #stats()}). */
    private final BlockStats stats = new BlockStats();
    /** Loop only: refusals and answers owed later, run also inside nested waits; a drain waits for them. */
    private final LoopDeferred deferred;
    /** Future-form requests from other threads reach the loop through this, a task per burst. */
    private final SubmissionHop hop;
    /** Loop only: set once close has been requested and reached the loop; from then on requests are refused. */
    private boolean closed;
    private volatile boolean closeRequested;
    /** Set once the image is released, after the drain. */
    private volatile boolean released;

    /** Where a backend is in its life: open → active → draining (closing) → closed. */
    public enum State {
        /** Serving requests. */
        ACTIVE,
        /** {@link #close()} was called: new requests fail with EBADF while those in flight complete. */
        DRAINING,
        /** The image is released; every request fails with EBADF. */
        CLOSED
    }

    private BlockBackend(AioContext ctx, BlockDriver driver, boolean readOnly, boolean noFlush) {
        this.ctx = ctx;
        this.driver = driver;
        this.readOnly = readOnly;
        this.noFlush = noFlush;
        this.hop = new SubmissionHop(ctx, this::start);
        this.deferred = new LoopDeferred(ctx);
        driver.accountInto(stats);
    }

    /** Opens an existing raw image. */
    public static BlockBackend open(AioContext ctx, Path image, BlockBackendOptions options) throws ErrnoException {
        return BackendOpening.open(ctx, BackendOpening.spec(image, options), options.throttle(),
                (driver, s) -> new BlockBackend(ctx, driver, s.flag("read-only", false), s.flag("cache.no-flush", false)));
    }

    /**
     * Opens what {@code spec} describes: a driver and its options, with children under their names, as QEMU's
     * {@code --image-opts} (see {@link BlockSpec} for the syntax and {@code cache} modes, and
     * {@code BlockDrivers}' class comment for the drivers and their options). For example
     * {@code BlockSpec.parse("driver=raw,filename=disk.raw,cache=none,aio=io_uring")} or
     * {@code BlockSpec.parse("driver=raw,offset=1M,size=64M,file.driver=file,file.filename=disk.raw")}.
     *
     * @throws IllegalArgumentException for an unknown driver or option, or a bad value, naming it
     * @throws ErrnoException           when an image cannot be opened
     */
    public static BlockBackend open(AioContext ctx, BlockSpec spec) throws ErrnoException {
        return BackendOpening.open(ctx, spec, (driver, s) -> new BlockBackend(ctx, driver, s.flag("read-only", false),
                s.flag("cache.no-flush", false)));
    }

    /**
     * As {@link #open(AioContext, BlockSpec)}, with the backend's reads and writes held to {@code throttle}'s limits
     * (a throttle filter over the spec's node), which it shares with every backend given the same group. The group's
     * members must share {@code ctx}.
     */
    public static BlockBackend open(AioContext ctx, BlockSpec spec, ThrottleGroup throttle) throws ErrnoException {
        Objects.requireNonNull(throttle, "throttle");
        return BackendOpening.open(ctx, spec, throttle, (driver, s) -> new BlockBackend(ctx, driver,
                s.flag("read-only", false), s.flag("cache.no-flush", false)));
    }

    /**
     * Opens {@code image} if it exists (keeping its size), else creates it sparse with {@code size} bytes: what a
     * program that keeps its disk between runs wants. Two programs racing to create it: one creates, both open.
     */
    public static BlockBackend openOrCreate(AioContext ctx, Path image, long size, BlockBackendOptions options)
            throws ErrnoException {
        BackendOpening.createIfMissing(image, size);
        return open(ctx, image, options);
    }

    /** Creates a new sparse raw image of {@code size} bytes (refusing to overwrite a file), then opens it. */
    public static BlockBackend create(AioContext ctx, Path image, long size, BlockBackendOptions options) throws ErrnoException {
        RawImage.create(image, size);
        return open(ctx, image, options);
    }

    /**
     * Tells the host how the image will be read (sequentially, at random, or neither), which sets the page
     * cache's readahead for buffered reads, as fio's fadvise_hint does. Any thread.
     */
    public void adviseAccess(org.aioemu.aio.FileHandle.Access access) throws ErrnoException {
        driver.adviseAccess(access);
    }

    public AioContext context() {
        return ctx;
    }

    /** Any thread: {@link State#ACTIVE} until {@link #close()}, then DRAINING until the image is released. */
    public State state() {
        return released ? State.CLOSED : closeRequested ? State.DRAINING : State.ACTIVE;
    }

    /** A copy of the statistics of one kind of request, taken on the loop (any thread; off the loop it waits). */
    public BlockStats.OpStats stats(BlockStats.Op op) {
        return readOnLoop(() -> stats.of(op));
    }

    /** Any thread: requests handed to the image and not yet completed. */
    public int inFlight() {
        return readOnLoop(this::busy);
    }

    /** Loop: requests in the image, and completions the backend still owes (refusals, cache=unsafe flushes). */
    private int busy() {
        return driver.inFlight() + deferred.pending();
    }

    /** Reads loop-owned state: at once on the loop (or once the loop has ended), else on the loop, waiting for it. */
    private <T> T readOnLoop(java.util.function.Supplier<T> read) {
        if (ctx.inLoop() || ctx.isClosed()) {
            return read.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        ctx.execute(() -> f.complete(read.get()));
        try {
            return ctx.await(f);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** What a request that could not reach the closed loop fails with. */
    static IllegalStateException contextClosed(AioContext ctx, java.util.concurrent.RejectedExecutionException e) {
        return new IllegalStateException("the block backend's context " + ctx + " is closed", e);
    }

    /**
     * Any thread (on the loop, a nested wait): waits until no request is in flight, as QEMU's drain; requests handed
     * over meanwhile are waited for too, and requests held back by throttling go at once, as QEMU lifts I/O limits
     * while drained. The backend stays open.
     */
    public void drain() {
        if (ctx.isClosed()) {
            return;
        }
        onLoop(driver::drainBegin); // behind this thread's requests already on their way to the loop
        try {
            ctx.runUntil(() -> busy() == 0);
        } finally {
            if (!ctx.isClosed()) {
                onLoop(driver::drainEnd);
            }
        }
    }

    /**
     * An executor that runs tasks on the backend's loop: give it to the {@code *Async} stages
     * ({@code future.thenAcceptAsync(action, disk.loopExecutor())}) to run them on the loop wherever the future is
     * when they are attached. A plain stage ({@code thenAccept}) runs on the loop only if it is attached before the
     * future completes; attached after, it runs at once on the attaching thread (CompletableFuture's rule).
     */
    public java.util.concurrent.Executor loopExecutor() {
        return ctx::execute;
    }

    public long size() {
        return driver.size();
    }

    /** The image, as messages name it. */
    public String image() {
        return driver.description();
    }

    public String format() {
        return driver.format();
    }

    public String engineName() {
        return driver.engineName();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * The alignment of buffer addresses, offsets and lengths the image serves fastest: with O_DIRECT the device's
     * logical block size (512 or more), else 1. Other requests are padded through a bounce buffer (reads) or a
     * serialised read-modify-write (writes), unless the backend was opened without padding.
     */
    public int requestAlignment() {
        return driver.requestAlignment();
    }

    // --- future API (any thread) ----------------------------------------------------------------

    /**
     * Fills {@code buffer} from {@code offset}; completes with the bytes read (the buffer's size).
     *
     * @throws NullPointerException     if {@code buffer} is null
     * @throws IllegalArgumentException for a negative offset, or a buffer the I/O cannot use: heap memory, a
     *                                  confined arena's, a read-only one, one over 2 GiB
     * @throws IllegalStateException    if the buffer's arena is closed
     */
    public CompletableFuture<Integer> read(long offset, MemorySegment buffer) {
        RequestArguments.offset(offset);
        RequestArguments.buffer(buffer, true);
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.READ, offset, buffer.byteSize(), buffer);
        hop.submit(f);
        return f;
    }

    /** Writes {@code buffer} at {@code offset}; completes with the bytes written. Throws as {@link #read} does. */
    public CompletableFuture<Integer> write(long offset, MemorySegment buffer) {
        return write(offset, buffer, RequestFlags.NONE);
    }

    /**
     * Writes {@code buffer} at {@code offset} with {@link RequestFlags}: {@link RequestFlags#FUA} completes only once
     * the data is durable. Throws as {@link #read} does, and for other flags.
     */
    public CompletableFuture<Integer> write(long offset, MemorySegment buffer, int flags) {
        RequestArguments.offset(offset);
        RequestArguments.buffer(buffer, false);
        RequestFlags.check(flags, RequestFlags.FUA, "write");
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.WRITE, offset, buffer.byteSize(), buffer,
                null, flags);
        hop.submit(f);
        return f;
    }

    /**
     * Fills {@code buffers} in turn from {@code offset} (one preadv); completes with the bytes read. The array is
     * copied; the buffers belong to the backend until completion. Throws as {@link #read} does, and for an empty
     * array or more than IOV_MAX (1024) buffers.
     */
    public CompletableFuture<Integer> readv(long offset, MemorySegment[] buffers) {
        RequestArguments.offset(offset);
        long total = RequestArguments.buffers(buffers, buffers == null ? 0 : buffers.length, true);
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.READ, offset, total, null,
                buffers.clone(), 0);
        hop.submit(f);
        return f;
    }

    /** Writes {@code buffers} in turn from {@code offset} (one pwritev) with {@link RequestFlags}; as {@link #readv}. */
    public CompletableFuture<Integer> writev(long offset, MemorySegment[] buffers, int flags) {
        RequestArguments.offset(offset);
        long total = RequestArguments.buffers(buffers, buffers == null ? 0 : buffers.length, false);
        RequestFlags.check(flags, RequestFlags.FUA, "write");
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.WRITE, offset, total, null,
                buffers.clone(), flags);
        hop.submit(f);
        return f;
    }

    /** Makes completed writes durable (fdatasync). */
    public CompletableFuture<Integer> flush() {
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.FLUSH, 0, 0, null);
        hop.submit(f);
        return f;
    }

    /** Deallocates a range; it reads back as zeroes. A negative offset or length is an IllegalArgumentException. */
    public CompletableFuture<Integer> discard(long offset, long length) {
        return discard(offset, length, RequestFlags.NONE);
    }

    /** As {@link #discard(long, long)}, with {@link RequestFlags#FUA} allowed. */
    public CompletableFuture<Integer> discard(long offset, long length, int flags) {
        RequestArguments.range(offset, length);
        RequestFlags.check(flags, RequestFlags.FUA, "discard");
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.DISCARD, offset, length, null, null, flags);
        hop.submit(f);
        return f;
    }

    /**
     * Makes a range read back as zeroes without sending a buffer, deallocating it where that is how the file system
     * zeroes ({@link RequestFlags#MAY_UNMAP}). Throws as {@link #discard} does.
     */
    public CompletableFuture<Integer> writeZeroes(long offset, long length) {
        return writeZeroes(offset, length, RequestFlags.MAY_UNMAP);
    }

    /**
     * Makes a range read back as zeroes with {@link RequestFlags}: without {@link RequestFlags#MAY_UNMAP} the range
     * stays allocated; with {@link RequestFlags#NO_FALLBACK} it fails with EOPNOTSUPP, changing nothing, where only
     * writing zero buffers would do; {@link RequestFlags#FUA} as for writes.
     */
    public CompletableFuture<Integer> writeZeroes(long offset, long length, int flags) {
        RequestArguments.range(offset, length);
        RequestFlags.check(flags, RequestFlags.ALL, "write-zeroes");
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.WRITE_ZEROES, offset, length, null, null,
                flags);
        hop.submit(f);
        return f;
    }

    /**
     * Changes the image's virtual size (QEMU's {@code block_resize}): growing adds a hole that reads as zeroes,
     * shrinking drops the tail. {@link #size()} gives the new size once the future completes; requests already in
     * flight are checked against the size they were admitted with. Fails with EROFS on a read-only backend and
     * EOPNOTSUPP for a block device asked for a size other than its own.
     */
    public CompletableFuture<Integer> resize(long newSize) {
        RequestArguments.offset(newSize);
        BlockRequestFuture f = new BlockRequestFuture(this, BlockRequestFuture.Op.RESIZE, newSize, 0, null);
        hop.submit(f);
        return f;
    }

    /**
     * What {@code [offset, offset + length)} starts with: allocated data or a hole reading as zeroes, and for how
     * many bytes (at most {@code length}). Fails with EINVAL for a range outside the image.
     */
    public CompletableFuture<BlockStatus> blockStatus(long offset, long length) {
        RequestArguments.range(offset, length);
        CompletableFuture<BlockStatus> f = new CompletableFuture<>();
        try {
            onLoop(() -> BlockStatus.answer(this, offset, length, f));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(contextClosed(ctx, e));
        }
        return f;
    }

    /** The loop form of {@link #blockStatus(long, long)}; a refused request completes on the loop with its errno. */
    public void blockStatus(long offset, long length, BlockStatusCompletion c) {
        RequestArguments.range(offset, length);
        ctx.assertInLoop();
        String why = closed ? "the block backend is closed"
                : offset > driver.size() - length || length == 0 ? "range [" + offset + ", " + (offset + length)
                + ") is empty or outside the image's " + driver.size() + " bytes" : null;
        if (why != null) {
            int errno = closed ? -Errno.EBADF : -Errno.EINVAL;
            deferred.later(() -> c.complete(0, false, errno, why));
            return;
        }
        driver.blockStatus(offset, length, c);
    }

    // --- callback API (loop only, allocation-free) -------------------------------------------------

    public void read(long offset, MemorySegment buffer, BlockCompletion c) {
        RequestArguments.offset(offset);
        RequestArguments.buffer(buffer, true);
        if (admit(offset, buffer.byteSize(), false, c)) {
            driver.read(offset, buffer, c);
        }
    }

    public void write(long offset, MemorySegment buffer, BlockCompletion c) {
        write(offset, buffer, RequestFlags.NONE, c);
    }

    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion c) {
        RequestArguments.offset(offset);
        RequestArguments.buffer(buffer, false);
        RequestFlags.check(flags, RequestFlags.FUA, "write");
        if (admit(offset, buffer.byteSize(), true, c)) {
            driver.write(offset, buffer, durability(flags), c);
        }
    }

    /** Reads into the first {@code count} of {@code iov} in turn; the array is the caller's again on return. */
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion c) {
        RequestArguments.offset(offset);
        long total = RequestArguments.buffers(iov, count, true);
        if (admit(offset, total, false, c)) {
            driver.readv(offset, iov, count, c);
        }
    }

    /** Writes the first {@code count} of {@code iov} in turn; the array is the caller's again on return. */
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion c) {
        RequestArguments.offset(offset);
        long total = RequestArguments.buffers(iov, count, false);
        RequestFlags.check(flags, RequestFlags.FUA, "write");
        if (admit(offset, total, true, c)) {
            driver.writev(offset, iov, count, durability(flags), c);
        }
    }

    public void flush(BlockCompletion c) {
        if (admit(0, 0, false, c)) {
            if (noFlush) {
                deferred.later(() -> c.complete(0, null)); // cache=unsafe: nothing is made durable, on purpose
            } else {
                driver.flush(c);
            }
        }
    }

    /** cache=unsafe drops FUA as it drops flushes. */
    private int durability(int flags) {
        return noFlush ? flags & ~RequestFlags.FUA : flags;
    }

    /**
     * sync_file_range(2) over {@code [offset, offset + length)} with its {@code flags}, a non-empty combination of
     * {@code AioRequest.SYNC_RANGE_WAIT_BEFORE}, {@code _WRITE} and {@code _WAIT_AFTER}: starts (or waits for) the
     * writeback of that range of the host file, as fio's sync_file_range= does. It is not a flush: nothing is made
     * durable by it alone.
     */
    public void syncRange(long offset, long length, int flags, BlockCompletion c) {
        RequestArguments.range(offset, length);
        if (admit(offset, length, false, c)) {
            driver.syncRange(offset, length, flags, c);
        }
    }

    public void discard(long offset, long length, BlockCompletion c) {
        discard(offset, length, RequestFlags.NONE, c);
    }

    public void discard(long offset, long length, int flags, BlockCompletion c) {
        RequestArguments.range(offset, length);
        RequestFlags.check(flags, RequestFlags.FUA, "discard");
        if (admit(offset, length, true, c)) {
            driver.discard(offset, length, durability(flags), c);
        }
    }

    /** As the future form: {@link RequestFlags#MAY_UNMAP}. */
    public void writeZeroes(long offset, long length, BlockCompletion c) {
        writeZeroes(offset, length, RequestFlags.MAY_UNMAP, c);
    }

    public void writeZeroes(long offset, long length, int flags, BlockCompletion c) {
        RequestArguments.range(offset, length);
        RequestFlags.check(flags, RequestFlags.ALL, "write-zeroes");
        if (admit(offset, length, true, c)) {
            driver.writeZeroes(offset, length, durability(flags), c);
        }
    }

    public void resize(long newSize, BlockCompletion c) {
        RequestArguments.offset(newSize);
        if (admit(0, 0, true, c)) {
            driver.resize(newSize, c);
        }
    }

    /** Loop only: checks state and range; a refused request completes (on the loop) with the reason. */
    private boolean admit(long offset, long length, boolean writes, BlockCompletion c) {
        ctx.assertInLoop();
        String why = null;
        int errno = 0;
        if (closed) {
            errno = Errno.EBADF;
            why = released ? "the block backend is closed" : "the block backend is closing: it refuses new requests";
        } else if (writes && readOnly) {
            errno = Errno.EROFS;
            why = "the image is open read-only";
        } else if (offset < 0 || length < 0 || offset > driver.size() - length) {
            errno = Errno.EINVAL;
            why = "range [" + offset + ", " + (offset + length) + ") is outside the image's " + driver.size() + " bytes";
        }
        if (why == null) {
            return true;
        }
        int result = -errno;
        String detail = why;
        deferred.later(() -> c.complete(result, detail));
        return false;
    }

    /**
     * A future's {@link BlockRequestFuture#cancel}: on the loop, asks the image to cancel the request if it has one
     * in flight (one not handed over yet completes cancelled when its turn comes), then waits for it to complete.
     */
    void cancel(BlockRequestFuture f) {
        if (ctx.isClosed()) {
            return; // the context's close drained every request first
        }
        try {
            onLoop(() -> {
                if (f.submitted() && !f.isDone()) {
                    driver.cancel(f);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return;
        }
        ctx.runUntil(f::isDone);
    }

    private void onLoop(Runnable r) {
        if (ctx.inLoop()) {
            r.run();
        } else {
            ctx.execute(r);
        }
    }

    /**
     * Loop: starts a future-form request, unless it was cancelled on its way. Whatever goes wrong here — the engine
     * refusing the request, a bug — fails the future: none is left pending.
     */
    private void start(BlockRequestFuture f) {
        try {
            if (!f.startSubmitting()) {
                return;
            }
            f.startOn(this);
        } catch (Throwable t) {
            f.completeExceptionally(t);
        }
    }

    /**
     * Any thread: waits for requests in flight, then closes the image. Requests handed over before this
     * call (from this thread) complete normally; later ones fail with EBADF. Idempotent.
     */
    @Override
    public void close() {
        if (closeRequested) {
            return;
        }
        closeRequested = true;
        ctx.forgetOnClose(this);
        if (ctx.isClosed()) {
            driver.close();
            released = true;
            return;
        }
        // Close on the loop, behind every request this thread already queued there.
        onLoop(() -> {
            closed = true;
            driver.drainBegin(); // requests held back (throttling) go now rather than at the limits' pace
        });
        ctx.runUntil(() -> closed && busy() == 0);
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            try {
                driver.close();
                released = true;
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        ctx.runUntil(done::isDone);
        done.join();
    }

    @Override
    public String toString() {
        return "BlockBackend[" + driver + "]";
    }
}
