package org.aioemu.bench.iolog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * fio's {@code merge_blktrace_file}: several blktrace binaries merged into one, in the order of their events'
 * times, so that one replay issues them in a single consistent order. As fio's HOWTO describes it: only the
 * events a replay uses are kept (queue events of reads, writes and discards), each input's times are scaled by its
 * {@code merge_blktrace_scalars} percentage, and an input may be played {@code merge_blktrace_iters} times in a row,
 * each iteration shifted by the input's length (the time of its last kept event). The output carries no payloads,
 * is in this machine's byte order, and is what the job then replays.
 *
 * <p>fio 3.33 documents this but cannot do it (its merge reads each record into a pointer and writes an empty
 * file); aioemu does what the HOWTO says. Stateless.
 */
public final class BlktraceMerge {
    private BlktraceMerge() {
    }

    /**
     * Merges {@code inputs} into {@code output}; {@code scalars} (percent) and {@code iterations} are per input.
     * Returns the number of events written.
     */
    public static long merge(List<Path> inputs, int[] scalars, int[] iterations, Path output) throws IologException {
        if (scalars.length != inputs.size() || iterations.length != inputs.size()) {
            throw new IllegalArgumentException("one scalar and one iteration count per input");
        }
        List<Cursor> active = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                Cursor c = new Cursor(inputs.get(i), scalars[i], iterations[i]);
                if (c.advance()) {
                    active.add(c);
                } else {
                    c.close();
                }
            }
            long written = 0;
            ByteBuffer out = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
            try (FileChannel ch = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (!active.isEmpty()) {
                    Cursor earliest = active.getFirst();
                    for (Cursor c : active) {
                        if (Long.compareUnsigned(c.scaledTime, earliest.scaledTime) < 0) {
                            earliest = c;
                        }
                    }
                    if (out.remaining() < Blktrace.RECORD_BYTES) {
                        flush(ch, out);
                    }
                    Blktrace.Event e = earliest.event;
                    new Blktrace.Event(Blktrace.MAGIC | Blktrace.VERSION, e.sequence(), earliest.scaledTime, e.sector(),
                            e.bytes(), e.action(), e.pid(), e.device(), e.cpu(), e.error(), 0).encode(out);
                    written++;
                    if (!earliest.advance()) {
                        earliest.close();
                        active.remove(earliest);
                    }
                }
                flush(ch, out);
            }
            return written;
        } catch (IOException e) {
            throw new IologException(output, "merge_blktrace_file: " + e.getMessage(), e);
        } finally {
            for (Cursor c : active) {
                c.close();
            }
        }
    }

    private static void flush(FileChannel ch, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        out.clear();
    }

    /** One input: its next kept event, on the merged clock. */
    private static final class Cursor {
        private final Path path;
        private final ByteOrder order;
        private final int scalarPercent;
        private final int iterations;
        private final byte[] raw = new byte[Blktrace.RECORD_BYTES];
        private InputStream in;
        private int iteration;
        /** The time of the last kept event of the first pass: how far each further iteration is shifted. */
        private long length;
        private long lastKept;
        Blktrace.Event event;
        long scaledTime;

        Cursor(Path path, int scalarPercent, int iterations) throws IologException, IOException {
            this.path = path;
            this.order = Blktrace.probe(path);
            if (order == null) {
                throw new IologException(path, "merge_blktrace_file: not a blktrace file", null);
            }
            this.scalarPercent = scalarPercent;
            this.iterations = iterations;
            open();
        }

        private void open() throws IOException {
            in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        }

        /** Moves to the next kept event (rewinding for further iterations); false when there is none. */
        boolean advance() throws IOException, IologException {
            for (;;) {
                int got = in.readNBytes(raw, 0, raw.length);
                if (got < raw.length) {
                    if (iteration == 0) {
                        length = lastKept;
                    }
                    if (++iteration >= iterations || length == 0) {
                        return false;
                    }
                    in.close();
                    open();
                    continue;
                }
                Blktrace.Event e = Blktrace.Event.decode(ByteBuffer.wrap(raw).order(order));
                if ((e.magic() & 0xffffff00) != Blktrace.MAGIC) {
                    throw new IologException(path, String.format("merge_blktrace_file: bad magic 0x%08x", e.magic()), null);
                }
                try {
                    in.skipNBytes(e.pduLength());
                } catch (java.io.EOFException cut) {
                    return false;
                }
                if (e.has(Blktrace.TC_NOTIFY) || e.what() != Blktrace.TA_QUEUE || e.direction() < 0) {
                    continue;
                }
                lastKept = e.timeNanos();
                event = e;
                scaledTime = (long) ((e.timeNanos() + (double) iteration * length) * scalarPercent / 100.0);
                return true;
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only input: nothing is lost
            }
        }
    }
}
