package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.aioemu.blockdev.BlockBackend;

/**
 * Reads a range of an image front to back with several requests in flight, handing the chunks to its caller in
 * offset order: what {@code compare} needs, as it must report the first difference. A chunk's buffer is read into
 * again once the caller asks for the one after it, so the caller keeps the data until then.
 *
 * <p>Past the end of the backend's bytes a chunk reads as zeroes, as qemu reads a raw file's last partial sector.
 * Threading: one caller thread; the reads complete on the backend's loop, which touches nothing here but the
 * futures. Buffers come from the caller's arena, which must outlive {@link #close}.
 */
final class OrderedReads implements AutoCloseable {
    /** One buffer and the read in flight into it. */
    private static final class Slot {
        final MemorySegment buffer;
        long offset;
        int length;
        CompletableFuture<Integer> read;

        Slot(MemorySegment buffer) {
            this.buffer = buffer;
        }
    }

    /** A chunk as handed out: its offset and its bytes (a view of the slot's buffer, valid until the next call). */
    record Chunk(long offset, MemorySegment data) {
    }

    private final BlockBackend backend;
    private final long end;
    private final int chunkSize;
    /** Reads in flight or done but not yet handed out, in offset order. */
    private final ArrayDeque<Slot> queued = new ArrayDeque<>();
    /** The slot last handed out: read into again on the next call. */
    private Slot handedOut;
    private long nextOffset;

    OrderedReads(BlockBackend backend, Arena arena, long start, long end, int chunkSize, int depth) {
        this.backend = backend;
        this.end = end;
        this.chunkSize = chunkSize;
        this.nextOffset = start;
        long chunks = (end - start + chunkSize - 1) / chunkSize;
        for (long i = 0; i < Math.min(depth, chunks); i++) {
            submit(new Slot(arena.allocate(chunkSize, 4096)));
        }
    }

    /** The next chunk in offset order, or null past the end. Blocks until its read completes. */
    Chunk next() throws IOException {
        if (handedOut != null) {
            submit(handedOut); // the caller is done with it: keep the pipeline full
            handedOut = null;
        }
        Slot s = queued.poll();
        if (s == null) {
            return null;
        }
        Futures.await(s.read);
        handedOut = s;
        return new Chunk(s.offset, s.buffer.asSlice(0, s.length));
    }

    private void submit(Slot s) {
        if (nextOffset >= end) {
            return;
        }
        s.offset = nextOffset;
        s.length = (int) Math.min(chunkSize, end - nextOffset);
        nextOffset += s.length;
        s.read = Images.readPadded(backend, s.offset, s.buffer.asSlice(0, s.length));
        queued.add(s);
    }

    /** Waits for the reads still in flight, whatever their outcome, so the arena may free their buffers. */
    @Override
    public void close() {
        for (Slot s : queued) {
            s.read.exceptionally(e -> 0).join();
        }
        queued.clear();
    }
}
