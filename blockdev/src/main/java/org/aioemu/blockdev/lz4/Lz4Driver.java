package org.aioemu.blockdev.lz4;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.blockdev.BlockDriver;
import org.aioemu.blockdev.BlockStats;
import org.aioemu.blockdev.BlockStatusCompletion;
import org.aioemu.blockdev.LoopDeferred;
import org.aioemu.blockdev.RequestFlags;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.ErrnoException;
import org.aioemu.engine.ThreadPool;

/**
 * The {@code lz4} block driver: an lz4 image ({@code docs/lz4-image.md}) over a child node that holds its bytes.
 *
 * <ul>
 *   <li><b>Reads</b> are split by cluster. A zero cluster is zeroes; a cached one is a copy; any other is read from
 *       the child, checked and decompressed on the context's thread pool, and cached.</li>
 *   <li><b>Writes</b> are split by cluster too, one write at a time per cluster (a partial one reads the old
 *       cluster first). The pool compresses; the result is appended at a free extent and the cluster's map entry
 *       changed only once the child has the bytes. Many clusters are compressed at once, one per worker.</li>
 *   <li><b>Flush</b> commits ({@link Lz4Commit}): the data, then the changed map blocks and directory, then a commit
 *       record in the slot the last commit did not use, each step behind a flush of the child. A crash at any point
 *       leaves the last completed commit, which names only durable bytes.</li>
 * </ul>
 *
 * <p>Threading: as every {@link BlockDriver}: loop only, except {@link #size()} and {@link #description()}. The pool's
 * workers touch only the buffers a task was given; its completion runs on the loop.
 */
public final class Lz4Driver implements BlockDriver {
    /** Decompressed clusters kept by default: 32 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 32L << 20;

    final AioContext ctx;
    final ThreadPool pool;
    final BlockDriver child;
    final boolean readOnly;
    /** cache=unsafe: commits still write the map and the record (the image must open), but flush nothing. */
    private final boolean noFlush;
    final Lz4Map map;
    final Lz4Space space;
    final int clusterBits;
    final int clusterSize;
    private final Arena arena = Arena.ofShared();
    final Lz4ClusterCache cache;
    private final ArrayDeque<MemorySegment> clusterBuffers = new ArrayDeque<>();
    private final ArrayDeque<MemorySegment> storedBuffers = new ArrayDeque<>();
    /** Clusters a write is changing, with the writes waiting behind it. */
    private final HashMap<Long, ArrayDeque<Runnable>> busy = new HashMap<>();
    final Lz4Commit commits;
    final ChildGrowth growth;
    /** The stored clusters' writes: one child request at a time, contiguous ones together. */
    final ClusterAppends appends;
    private volatile long virtualSize;
    private int requestsInFlight;
    /**
     * Completions known while the request is still being submitted (zero or cached clusters, refusals): they run
     * later, never inside the call that asked, as every driver's do.
     */
    private final LoopDeferred deferred;
    private boolean closed;

    private Lz4Driver(AioContext ctx, BlockDriver child, boolean readOnly, boolean noFlush, Lz4Metadata m,
            long cacheBytes) throws Lz4FormatException {
        this.ctx = ctx;
        this.noFlush = noFlush;
        this.pool = ctx.threadPool();
        this.child = child;
        this.readOnly = readOnly;
        this.map = m.map;
        this.space = m.space();
        this.clusterBits = m.preamble.clusterBits();
        this.clusterSize = m.preamble.clusterSize();
        this.virtualSize = m.record.virtualSize();
        this.cache = new Lz4ClusterCache(arena, clusterSize, cacheBytes);
        this.commits = new Lz4Commit(this, m.record, m.slot);
        this.growth = new ChildGrowth(child);
        this.appends = new ClusterAppends(growth);
        this.deferred = new LoopDeferred(ctx);
    }

    /** Loop: runs {@code completion} on a later turn of the loop (or of a nested wait). */
    void later(Runnable completion) {
        deferred.later(completion);
    }

    /**
     * Opens the lz4 image held by {@code child}, reading and checking its metadata (blocking; from any thread). The
     * driver owns {@code child} from here on: closing it closes the child, and a failed open closes it too.
     *
     * {@code noFlush} is QEMU's cache.no-flush (cache=unsafe): commits write the map and the record as usual, so the
     * image opens with everything written, but never flush the child, so nothing is durable against a host crash
     * (what qemu-img convert does to its output by default).
     *
     * @throws ErrnoException EINVAL naming what is wrong for a damaged or foreign image, EIO when reading fails
     */
    public static Lz4Driver open(AioContext ctx, BlockDriver child, boolean readOnly, boolean noFlush, long cacheBytes)
            throws ErrnoException {
        try {
            Lz4Metadata m = Lz4Metadata.load(new DriverSource(ctx, child));
            return new Lz4Driver(ctx, child, readOnly, noFlush, m, cacheBytes);
        } catch (Lz4FormatException e) {
            child.close();
            throw new ErrnoException(Errno.EINVAL, child.description() + " is not a usable lz4 image: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            child.close();
            throw new ErrnoException(Errno.EIO, "opening the lz4 image " + child.description() + ": " + e.getMessage());
        }
    }

    @Override
    public String format() {
        return Lz4Images.FORMAT;
    }

    @Override
    public String description() {
        return child.description();
    }

    @Override
    public String engineName() {
        return child.engineName();
    }

    @Override
    public void accountInto(BlockStats stats) {
        // The backend records the guest-visible requests itself; the child's are this driver's own I/O.
    }

    @Override
    public long size() {
        return virtualSize;
    }

    void setSize(long bytes) {
        virtualSize = bytes;
    }

    @Override
    public int requestAlignment() {
        return 1;
    }

    /** The image's own requests to its file are the file's to speed up (a throttle under the image). */
    @Override
    public void drainBegin() {
        child.drainBegin();
    }

    @Override
    public void drainEnd() {
        child.drainEnd();
    }

    @Override
    public int inFlight() {
        return requestsInFlight + commits.inFlight() + deferred.pending();
    }

    // --- reads ------------------------------------------------------------------------------------

    @Override
    public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
        readv(offset, new MemorySegment[] {buffer}, 1, completion);
    }

    @Override
    public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
        long length = Lz4Request.lengthOf(iov, count);
        Lz4Request req = new Lz4Request(offset, iov, count, length, (int) length, false, completion);
        requestsInFlight++;
        forEachCluster(req, (cluster, inCluster, at, n) -> new ClusterRead(this, req, cluster, inCluster, at, n).start());
        finishSplit(req);
    }

    // --- writes -----------------------------------------------------------------------------------

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        writev(offset, new MemorySegment[] {buffer}, 1, flags, completion);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        long length = Lz4Request.lengthOf(iov, count);
        Lz4Request req = new Lz4Request(offset, iov, count, length, (int) length, (flags & RequestFlags.FUA) != 0,
                completion);
        startWrite(req, ClusterWrite.Kind.DATA);
    }

    @Override
    public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
        Lz4Request req = new Lz4Request(offset, null, 0, length, 0, (flags & RequestFlags.FUA) != 0, completion);
        startWrite(req, ClusterWrite.Kind.ZEROES);
    }

    /** Whole clusters become zero clusters (their space freed); parts of clusters are left as they are. */
    @Override
    public void discard(long offset, long length, int flags, BlockCompletion completion) {
        Lz4Request req = new Lz4Request(offset, null, 0, length, 0, (flags & RequestFlags.FUA) != 0, completion);
        startWrite(req, ClusterWrite.Kind.DISCARD);
    }

    private void startWrite(Lz4Request req, ClusterWrite.Kind kind) {
        requestsInFlight++;
        if (readOnly) {
            req.hold();
            req.release(-Errno.EROFS, "the lz4 image is open read-only");
            finishSplit(req);
            return;
        }
        forEachCluster(req, (cluster, inCluster, at, n) -> {
            if (kind == ClusterWrite.Kind.DISCARD && !coversCluster(cluster, inCluster, n)) {
                req.release(0, null); // discarding part of a cluster is allowed to do nothing
                return;
            }
            acquire(cluster, new ClusterWrite(this, req, kind, cluster, inCluster, at, n)::start);
        });
        finishSplit(req);
    }

    /** Whether a part covers its whole cluster: all of it, or all of it up to the image's end. */
    boolean coversCluster(long cluster, int inCluster, int n) {
        return inCluster == 0 && (n == clusterSize || (cluster << clusterBits) + n >= virtualSize);
    }

    @FunctionalInterface
    interface ClusterPart {
        void accept(long cluster, int inCluster, long requestOffset, int length);
    }

    /** Calls {@code part} for each cluster the request covers, holding the request once per cluster. */
    private void forEachCluster(Lz4Request req, ClusterPart part) {
        long pos = req.offset;
        long end = req.offset + req.length;
        while (pos < end) {
            long cluster = pos >>> clusterBits;
            int inCluster = (int) (pos & (clusterSize - 1));
            int n = (int) Math.min(clusterSize - inCluster, end - pos);
            req.hold();
            part.accept(cluster, inCluster, pos - req.offset, n);
            pos += n;
        }
    }

    /**
     * Drops the splitter's hold, which kept clusters that finished during the split from completing the request
     * inside the submitting call: if they all did, the request completes later.
     */
    private void finishSplit(Lz4Request req) {
        if (req.release(0, null)) {
            later(() -> finish(req));
        }
    }

    /** A cluster of {@code req} is done: the request completes after its last. */
    void clusterDone(Lz4Request req, int result, String why) {
        if (req.release(result, why)) {
            finish(req);
        }
    }

    /** Every cluster of {@code req} is done: it completes, after a commit if it asked for FUA and succeeded. */
    private void finish(Lz4Request req) {
        if (req.fua && !req.failed()) {
            commits.flush((r, d) -> {
                requestsInFlight--;
                req.completeWith(r, d);
            });
            return;
        }
        requestsInFlight--;
        req.complete();
    }

    /** Runs {@code start} now if no write holds {@code cluster}, else after the writes queued before it. */
    void acquire(long cluster, Runnable start) {
        ArrayDeque<Runnable> q = busy.get(cluster);
        if (q != null) {
            q.add(start);
            return;
        }
        busy.put(cluster, new ArrayDeque<>());
        start.run();
    }

    void releaseCluster(long cluster) {
        ArrayDeque<Runnable> q = busy.get(cluster);
        Runnable next = q == null ? null : q.poll();
        if (next == null) {
            busy.remove(cluster);
        } else {
            next.run();
        }
    }

    /** Released bytes that make the driver commit on its own: an eighth of the image, at least 16 MiB. */
    long checkpointBytes() {
        return Math.max(16L << 20, virtualSize / 8);
    }

    // --- buffers ----------------------------------------------------------------------------------

    MemorySegment takeClusterBuffer() {
        MemorySegment b = clusterBuffers.poll();
        return b != null ? b : arena.allocate(clusterSize, 4096);
    }

    /**
     * Buffers come back to a free list and are never dropped: they live in the driver's arena until close, so a
     * dropped one would be a leak, not a saving. The lists thus hold as many as were ever in use at once, which the
     * requests in flight bound.
     */
    void giveClusterBuffer(MemorySegment b) {
        clusterBuffers.add(b);
    }

    MemorySegment takeStoredBuffer() {
        MemorySegment b = storedBuffers.poll();
        return b != null ? b : arena.allocate(Lz4Codec.maxStored(clusterSize), 4096);
    }

    void giveStoredBuffer(MemorySegment b) {
        storedBuffers.add(b);
    }

    /** The child's flush, or (cache=unsafe) an immediate success. */
    void flushChild(BlockCompletion c) {
        if (noFlush) {
            later(() -> c.complete(0, null));
        } else {
            child.flush(c);
        }
    }

    // --- the rest of BlockDriver ------------------------------------------------------------------

    @Override
    public void flush(BlockCompletion completion) {
        if (readOnly) {
            child.flush(completion);
            return;
        }
        commits.flush(completion);
    }

    /** Not a durability point, and this format's bytes are not where the guest's are: nothing to start. */
    @Override
    public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
        later(() -> completion.complete(0, null));
    }

    @Override
    public void resize(long newSize, BlockCompletion completion) {
        if (readOnly) {
            later(() -> completion.complete(-Errno.EROFS, "the lz4 image is open read-only"));
            return;
        }
        new Lz4Resize(this, newSize, completion).start();
    }

    /** Zero clusters are holes (they read as zeroes, with no bytes stored); the rest is data. */
    @Override
    public void blockStatus(long offset, long length, BlockStatusCompletion completion) {
        long cluster = offset >>> clusterBits;
        boolean zero = map.isZero(cluster);
        long end = Math.min(offset + length, virtualSize);
        long pos = Math.min(end, (cluster + 1) << clusterBits);
        while (pos < end && map.isZero(pos >>> clusterBits) == zero) {
            pos = Math.min(end, pos + clusterSize);
        }
        long run = pos - offset;
        later(() -> completion.complete(run, zero, 0, null));
    }

    @Override
    public void adviseAccess(org.aioemu.aio.FileHandle.Access access) {
        // The stored bytes are packed in write order, not guest order: the guest's pattern says nothing about them.
    }

    /**
     * Commits what was written (marking the image cleanly closed), cuts the file back to the bytes in use, then
     * closes the child. On the loop, waiting there for the commit; after the loop has stopped, writes since the last
     * flush are not committed (no flush was asked for them) and the image stays as of its last commit.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!readOnly && ctx.inLoop()) {
                boolean[] done = {false};
                commits.closeCommit(() -> done[0] = true);
                ctx.runUntil(() -> done[0]);
            }
        } finally {
            child.close();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "lz4 image " + description() + " (" + virtualSize + " bytes, clusters of " + clusterSize + ", cache "
                + cache.hits() + " hits / " + cache.misses() + " misses)";
    }
}
