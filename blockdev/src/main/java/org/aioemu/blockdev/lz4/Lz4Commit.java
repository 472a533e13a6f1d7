package org.aioemu.blockdev.lz4;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.aioemu.blockdev.BlockCompletion;

/**
 * An lz4 image's commits, one at a time: what a flush does. A commit takes a snapshot of the map's changed blocks and
 * the directory (encoded on the loop, so later writes do not leak into it), then
 * <ol>
 *   <li>writes them to newly allocated extents,</li>
 *   <li>flushes the child: every cluster the snapshot names (written by writes completed before the snapshot) and
 *       the new map blocks are now durable,</li>
 *   <li>writes the commit record into the slot the previous commit did not use,</li>
 *   <li>flushes the child again: the commit is durable, and the flush's callers are told so.</li>
 * </ol>
 * A crash before step 4 completes leaves the previous record, whose blocks were not touched (a released extent is
 * not reused until a commit after its release is durable, {@link Lz4Space}); a torn record fails its checksum and
 * the other slot wins. Flushes that arrive during a commit are served by the next one, which covers them.
 *
 * <p>A commit that fails stays failed: every later flush reports the same error, because the bytes it could not make
 * durable may be gone from the page cache (QEMU learnt this from fsync's semantics), and no later flush may claim
 * them durable.
 *
 * <p>Threading: the driver's loop only.
 */
final class Lz4Commit {
    private final Lz4Driver d;
    /** The slot of the last durable record: the next commit writes the other. */
    private int slot;
    private long started;
    /**
     * The newest record: the last durable one, or, while a commit runs, the one it is writing (the next commit's
     * generation and what {@link #changed} compares with). After a failed commit it is not durable, but no commit
     * follows a failure.
     */
    private Lz4Layout.CommitRecord last;
    private boolean running;
    private List<BlockCompletion> waiting = new ArrayList<>();
    private int failed;
    private String failedWhy;

    Lz4Commit(Lz4Driver d, Lz4Layout.CommitRecord record, int slot) {
        this.d = d;
        this.slot = slot;
        this.last = record;
    }

    /** Commits started so far: the tag {@link Lz4Space#release} takes. */
    long started() {
        return started;
    }

    int inFlight() {
        return (running ? 1 : 0) + waiting.size();
    }

    void flush(BlockCompletion c) {
        if (failed < 0) {
            int f = failed;
            String why = failedWhy;
            d.later(() -> c.complete(f, why));
            return;
        }
        waiting.add(c);
        if (!running) {
            startNext(false);
        }
    }

    /**
     * A commit the driver starts on its own once released space waiting for one passes {@code threshold} bytes: a
     * rewrite-heavy load that never flushes would otherwise grow the file without bound, since nothing released can
     * be reused before a commit. Not started while one runs (that one, or the next flush, frees it).
     */
    void checkpointIfDue(long threshold) {
        if (failed == 0 && !running && d.space.pendingBytes() > threshold) {
            flush((r, why) -> { }); // a failure is kept (sticky) and reported to the next flush
        }
    }

    /** The close's commit: marks the image clean (if anything changed, or it was not clean), then cuts the file. */
    void closeCommit(Runnable after) {
        if (failed < 0 || !changed() && (last.flags() & Lz4Layout.FLAG_CLEAN) != 0) {
            after.run();
            return;
        }
        waiting.add((r, why) -> {
            if (r < 0) {
                after.run();
                return;
            }
            // Bytes past the committed end are free; the record's end, not the allocator's, is what the image needs.
            d.growth.truncate(last.fileEnd(), (t, tw) -> after.run());
        });
        startNext(true);
    }

    private boolean changed() {
        return !d.map.dirtyBlocks().isEmpty() || d.size() != last.virtualSize() || d.space.end() != last.fileEnd();
    }

    private void startNext(boolean clean) {
        if (waiting.isEmpty()) {
            return;
        }
        List<BlockCompletion> batch = waiting;
        waiting = new ArrayList<>();
        running = true;
        if (!clean && !changed()) {
            // Nothing new to name: the data written since (rewrites of the same bytes) needs only the child's flush.
            d.flushChild((r, why) -> done(batch, r, why, null, 0));
            return;
        }
        long k = ++started;
        Arena arena = Arena.ofShared();
        List<Piece> pieces = new ArrayList<>();
        BitSet dirty = d.map.dirtyBlocks();
        for (int b = dirty.nextSetBit(0); b >= 0; b = dirty.nextSetBit(b + 1)) {
            long old = d.map.blockOffset(b);
            if (d.map.blockIsEmpty(b)) {
                d.map.placeBlock(b, 0, 0);
            } else {
                ByteBuffer block = d.map.encodeBlock(b);
                long at = d.space.allocate(Lz4Layout.BLOCK_BYTES);
                d.map.placeBlock(b, at, Lz4Layout.crc(block, 0, Lz4Layout.BLOCK_BYTES));
                pieces.add(new Piece(at, native_(arena, block)));
            }
            d.space.release(old, Lz4Layout.BLOCK_BYTES, k - 1); // the last durable commit names it until this one is
        }
        dirty.clear();
        ByteBuffer dir = d.map.encodeDirectory();
        int dirLen = dir.remaining();
        long dirAt = dirLen == 0 ? 0 : d.space.allocate(dirLen);
        if (dirLen > 0) {
            pieces.add(new Piece(dirAt, native_(arena, dir)));
        }
        d.space.release(last.directoryOffset(), last.directoryLength(), k - 1);
        Lz4Layout.CommitRecord record = new Lz4Layout.CommitRecord(last.generation() + 1, d.size(), dirAt, dirLen,
                Lz4Layout.crc(dir, 0, dirLen), d.space.end(), clean ? Lz4Layout.FLAG_CLEAN : 0);
        MemorySegment sector = arena.allocate(512, 4096);
        sector.asByteBuffer().put(Lz4Layout.encodeRecord(record));
        int[] pending = {pieces.size() + 1};
        int[] firstError = {0};
        String[] firstWhy = {null};
        BlockCompletion written = (r, why) -> {
            if (r < 0 && firstError[0] == 0) {
                firstError[0] = r;
                firstWhy[0] = why;
            }
            if (--pending[0] > 0) {
                return;
            }
            if (firstError[0] < 0) {
                done(batch, firstError[0], firstWhy[0], arena, 0);
                return;
            }
            d.flushChild((f, fw) -> {
                if (f < 0) {
                    done(batch, f, fw, arena, 0);
                    return;
                }
                d.growth.write(Lz4Layout.RECORD_OFFSETS[1 - slot], sector, (w, ww) -> {
                    if (w < 0) {
                        done(batch, w, ww, arena, 0);
                        return;
                    }
                    d.flushChild((g, gw) -> done(batch, g, gw, arena, k));
                });
            });
        };
        for (Piece p : pieces) {
            d.growth.write(p.at, p.bytes, written);
        }
        written.complete(0, null); // the snapshot's own hold
        last = record;
    }

    /** Bytes of the snapshot and where they go. */
    private record Piece(long at, MemorySegment bytes) {
    }

    /**
     * A commit's last step ended with {@code r}; {@code commit} is its number when it wrote a record (0 for a flush
     * that had nothing new to name).
     */
    private void done(List<BlockCompletion> batch, int r, String why, Arena arena, long commit) {
        if (arena != null) {
            arena.close();
        }
        if (r < 0) {
            failed = r;
            failedWhy = "committing the lz4 image " + d.description() + " failed" + (why == null ? "" : ": " + why)
                    + "; its writes since the last commit may be lost";
            why = failedWhy;
        } else if (commit != 0) {
            slot = 1 - slot;
            d.space.commitDone(commit);
        }
        running = false;
        for (BlockCompletion c : batch) {
            c.complete(r < 0 ? r : 0, r < 0 ? why : null);
        }
        if (failed < 0) {
            List<BlockCompletion> rest = waiting;
            waiting = new ArrayList<>();
            for (BlockCompletion c : rest) {
                c.complete(failed, failedWhy);
            }
            return;
        }
        startNext(false);
    }

    private static MemorySegment native_(Arena arena, ByteBuffer b) {
        MemorySegment s = arena.allocate(b.remaining(), 4096);
        s.asByteBuffer().put(b.duplicate());
        return s;
    }
}
