package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;

/**
 * The copy {@code convert} runs: a source read into a destination chunk by chunk, as qemu-img convert's coroutines
 * copy. Each of {@code depth} slots owns one buffer and carries one chunk from its read to its write, so at most
 * {@code depth} requests are in flight. A chunk that reads as zeroes is not written: the destination is new, and
 * reads as zeroes there already (a hole in a raw file, a zero cluster in an lz4 image).
 *
 * <p>In order (qemu-img's default, without {@code -W}) a chunk's write is issued only after every earlier chunk's
 * write has been issued or skipped; a chunk read early waits in the reorder window meanwhile. Unlike qemu-img, a
 * write need not wait for the previous one to complete: several writes stay in flight, which an lz4 destination
 * needs to compress clusters on several pool workers at once. Out of order ({@code -W}) a chunk is written as soon as
 * it is read.
 *
 * <p>Threading: the copy runs on the backends' loop, from each request's completion to the next request, with the
 * loop form of the backend API: a chunk costs no hop between threads (two per chunk through futures were most of a
 * 64 KiB chunk's cost on a host where waking a thread is dear). {@link #run} starts it there and waits; progress is
 * reported to the caller's consumer from an atomic counter it polls.
 */
final class ImageCopy {
    private enum Phase { READ, WRITE }

    /** One buffer and the chunk it carries. Loop only. */
    private static final class Slot {
        final MemorySegment buffer;
        long chunk;
        long offset;
        int length;

        Slot(MemorySegment buffer) {
            this.buffer = buffer;
        }

        MemorySegment data() {
            return buffer.asSlice(0, length);
        }
    }

    private final AioContext ctx;
    private final BlockBackend source;
    private final BlockBackend destination;
    private final long size;
    private final int chunkSize;
    private final boolean inOrder;
    private final LongConsumer progress;
    private final MemorySegment zeroes;
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    /** In order only: chunks read but not yet written, at {@code chunk % depth} (the window spans at most depth chunks). */
    private final Slot[] window;
    private final CompletableFuture<Long> finished = new CompletableFuture<>();
    /** Bytes finished (written or skipped): written by the loop, read by the caller for its progress line. */
    private final AtomicLong bytesDone = new AtomicLong();

    private long chunks;
    private long nextChunk;
    /** In order: the chunk whose write is due next. */
    private long nextWrite;
    private int inFlight;
    private long bytesWritten;
    private String failure;

    /**
     * @param size     the bytes to copy from offset 0 (the source's part past its own end reads as zeroes)
     * @param progress told the bytes finished so far (written or skipped), from the calling thread
     */
    ImageCopy(BlockBackend source, BlockBackend destination, Arena arena, long size, int chunkSize, int depth,
            boolean inOrder, LongConsumer progress) {
        this.ctx = source.context();
        this.source = source;
        this.destination = destination;
        this.size = size;
        this.chunkSize = chunkSize;
        this.inOrder = inOrder;
        this.progress = progress;
        this.zeroes = arena.allocate(chunkSize, 4096); // zeroed on allocation
        this.window = new Slot[depth];
        for (int i = 0; i < depth; i++) {
            free.add(new Slot(arena.allocate(chunkSize, 4096)));
        }
    }

    /**
     * Copies everything; returns the bytes written (zero chunks skipped). On a failure no more chunks are started,
     * the requests in flight are waited for (the buffers are theirs until then), and the first failure is thrown.
     */
    long run() throws IOException {
        chunks = (size + chunkSize - 1) / chunkSize;
        ctx.execute(this::pump);
        long shown = -1;
        while (true) {
            try {
                long written = finished.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                progress.accept(bytesDone.get());
                return written;
            } catch (java.util.concurrent.TimeoutException e) {
                long now = bytesDone.get();
                if (now != shown) {
                    progress.accept(now);
                    shown = now;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while copying");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }

    /** Loop: starts reads while slots are free, or ends the copy once nothing is in flight. */
    private void pump() {
        while (failure == null && nextChunk < chunks && !free.isEmpty()) {
            read(free.poll(), nextChunk++);
        }
        if (inFlight == 0 && (failure != null || nextChunk == chunks)) {
            if (failure != null) {
                finished.completeExceptionally(new IOException(failure));
            } else {
                finished.complete(bytesWritten);
            }
        }
    }

    private void read(Slot s, long chunk) {
        s.chunk = chunk;
        s.offset = chunk * chunkSize;
        s.length = (int) Math.min(chunkSize, size - s.offset);
        long readable = Images.zeroPastEnd(source, s.offset, s.data()); // past the source's end: zeroes
        inFlight++;
        if (readable == 0) {
            ctx.execute(() -> completed(s, Phase.READ, 0, null));
            return;
        }
        source.read(s.offset, s.buffer.asSlice(0, readable), (r, why) -> completed(s, Phase.READ, r, why));
    }

    /** Loop: a slot's request finished. */
    private void completed(Slot s, Phase phase, int r, String why) {
        inFlight--;
        if (r < 0 || failure != null) {
            if (failure == null) {
                failure = (phase == Phase.READ ? "reading" : "writing") + " at offset " + s.offset + ": "
                        + (why != null ? why : Errno.describe(-r));
            }
            free.add(s);
        } else if (phase == Phase.READ) {
            readDone(s);
        } else {
            bytesWritten += s.length;
            done(s);
        }
        pump();
    }

    private void readDone(Slot s) {
        if (!inOrder) {
            writeOrSkip(s);
            return;
        }
        window[(int) (s.chunk % window.length)] = s;
        // Issue every write now due: this chunk's, if it is next, and those of the chunks read before it.
        for (Slot next; (next = window[(int) (nextWrite % window.length)]) != null && next.chunk == nextWrite; nextWrite++) {
            window[(int) (nextWrite % window.length)] = null;
            writeOrSkip(next);
        }
    }

    private void writeOrSkip(Slot s) {
        if (s.data().mismatch(zeroes.asSlice(0, s.length)) < 0) {
            done(s); // zeroes: the new destination reads so already
            return;
        }
        inFlight++;
        destination.write(s.offset, s.data(), (r, why) -> completed(s, Phase.WRITE, r, why));
    }

    private void done(Slot s) {
        bytesDone.addAndGet(s.length);
        free.add(s);
    }
}
