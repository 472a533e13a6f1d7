package org.aioemu.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.aioemu.blockdev.BlockBackend;

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
 * <p>Threading: {@link #run} and all slot state belong to the calling thread. The backends complete requests on their
 * loop, where a completion only records its failure in the slot and queues the slot to the caller ({@link #done}); the
 * queue's hand-off orders that write before the caller's read of it.
 */
final class ImageCopy {
    private enum Phase { READ, WRITE }

    /** One buffer and the chunk it carries. Caller thread only, except {@code failure}, written before the hand-off. */
    private static final class Slot {
        final MemorySegment buffer;
        long chunk;
        long offset;
        int length;
        Phase phase;
        Throwable failure;

        Slot(MemorySegment buffer) {
            this.buffer = buffer;
        }

        MemorySegment data() {
            return buffer.asSlice(0, length);
        }
    }

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
    /** Slots handed back by completions, from the loop. */
    private final BlockingQueue<Slot> done = new LinkedBlockingQueue<>();

    private long nextChunk;
    /** In order: the chunk whose write is due next. */
    private long nextWrite;
    private int inFlight;
    private long bytesDone;
    private long bytesWritten;
    private IOException failure;

    /**
     * @param size     the bytes to copy from offset 0 (the source's part past its own end reads as zeroes)
     * @param progress told the bytes finished so far (written or skipped) after each chunk
     */
    ImageCopy(BlockBackend source, BlockBackend destination, Arena arena, long size, int chunkSize, int depth,
            boolean inOrder, LongConsumer progress) {
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
        long chunks = (size + chunkSize - 1) / chunkSize;
        while (true) {
            while (failure == null && nextChunk < chunks && !free.isEmpty()) {
                read(free.poll(), nextChunk++);
            }
            if (inFlight == 0) {
                break;
            }
            Slot s = take();
            inFlight--;
            if (s.failure != null || failure != null) {
                if (failure == null) {
                    failure = Futures.unwrap(s.failure);
                }
                free.add(s);
            } else if (s.phase == Phase.READ) {
                readDone(s);
            } else {
                bytesWritten += s.length;
                finished(s);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return bytesWritten;
    }

    private void read(Slot s, long chunk) {
        s.chunk = chunk;
        s.offset = chunk * chunkSize;
        s.length = (int) Math.min(chunkSize, size - s.offset);
        s.phase = Phase.READ;
        submit(s, Images.readPadded(source, s.offset, s.data()));
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
            finished(s); // zeroes: the new destination reads so already
            return;
        }
        s.phase = Phase.WRITE;
        submit(s, destination.write(s.offset, s.data()));
    }

    private void finished(Slot s) {
        bytesDone += s.length;
        progress.accept(bytesDone);
        free.add(s);
    }

    private void submit(Slot s, CompletableFuture<Integer> request) {
        inFlight++;
        request.whenComplete((n, e) -> {
            s.failure = e;
            done.add(s);
        });
    }

    private Slot take() throws IOException {
        try {
            return done.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while copying");
        }
    }
}
