package org.aioemu.bench.iolog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a blktrace binary (see {@link Blktrace}) into the requests to replay, as fio 3.33 replays one:
 *
 * <ul>
 *   <li>Only queue events are requests (the others — merges, issues, completions — are the block layer's
 *       own working); notify events carry no request. A queue event with the discard category is a trim, one
 *       with the flush category a sync (even if it also writes: fio replays only the flush), any other a read
 *       or, with the write category, a write; a zero-byte read or write is left out with a warning.</li>
 *   <li>Times: each request's delay is the time since the previous queue event (0 for the first, and when the
 *       clock went back). The delays are summed into times from the trace's start, which a replay then holds to
 *       (fio waits each delay after the previous request instead, and so drifts).</li>
 *   <li>Depth: fio replays at the trace's own queue depth unless the job sets iodepth: per direction, the
 *       most queue events seen between two completions, less merges (at most 1024, at least 1).</li>
 * </ul>
 *
 * The byte order is the file's (probed from the magic); a record with another magic, or a version other than 7,
 * fails the read. A record cut short at the end of the file ends the trace with a warning, as fio does.
 * Stateless: safe from any thread.
 */
public final class BlktraceReader {
    private static final int MAX_DEPTH = 1024;

    /** One request to replay; {@code device} is the kernel dev_t the trace recorded it on. */
    public record Io(long timeNanos, int device, IologAction action, long offset, long length) {
        public int major() {
            return Blktrace.major(device);
        }

        public int minor() {
            return Blktrace.minor(device);
        }
    }

    /**
     * A trace's requests in file order, and the queue depth fio would replay them at.
     *
     * @param zeroByte reads and writes of no bytes that were left out
     */
    public record Trace(List<Io> ios, int depth, long zeroByte) {
    }

    private BlktraceReader() {
    }

    /** Reads {@code path}; problems that do not stop the read (a short last record) go to {@code warnings}. */
    public static Trace read(Path path, Consumer<String> warnings) throws IologException {
        ByteOrder order = Blktrace.probe(path);
        if (order == null) {
            throw new IologException(path, "not a blktrace file: no blktrace magic in its first 48 bytes", null);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return new Parser(path, order, warnings).parse(in);
        } catch (IOException e) {
            throw new IologException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /** One pass over one file. */
    private static final class Parser {
        private final Path path;
        private final ByteOrder order;
        private final Consumer<String> warnings;
        private final List<Io> ios = new ArrayList<>();
        /** Queue events since the last completion, and the most seen, per direction (read, write, trim). */
        private final int[] sinceCompletion = new int[3];
        private final int[] depth = new int[3];
        private final long[] perDirection = new long[3];
        private long zeroByte;
        /** The previous queue event's time, 0 before the first (fio's marker for "none yet"). */
        private long lastTime;
        private long elapsed;

        Parser(Path path, ByteOrder order, Consumer<String> warnings) {
            this.path = path;
            this.order = order;
            this.warnings = warnings;
        }

        Trace parse(InputStream in) throws IOException, IologException {
            byte[] raw = new byte[Blktrace.RECORD_BYTES];
            ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
            long record = 0;
            long position = 0;
            for (;; record++) {
                int got = in.readNBytes(raw, 0, raw.length);
                if (got == 0) {
                    break;
                }
                if (got < raw.length) {
                    warnings.accept(path + ": record " + record + " at byte " + position + " is cut short ("
                            + got + " of 48 bytes); the trace ends there");
                    break;
                }
                Blktrace.Event e = Blktrace.Event.decode(buf.clear());
                if ((e.magic() & 0xffffff00) != Blktrace.MAGIC) {
                    throw new IologException(path, String.format("record %d at byte %d: bad magic 0x%08x (not blktrace"
                            + " data, or the stream is out of step)", record, position, e.magic()), null);
                }
                if ((e.magic() & 0xff) != Blktrace.VERSION) {
                    throw new IologException(path, "record " + record + " at byte " + position + ": blktrace version "
                            + (e.magic() & 0xff) + ", only version " + Blktrace.VERSION + " is known", null);
                }
                if (e.sector() < 0 || e.sector() > Long.MAX_VALUE >> 9) {
                    throw new IologException(path, "record " + record + " at byte " + position + ": sector "
                            + Long.toUnsignedString(e.sector()) + " is beyond any device", null);
                }
                event(e, record, position);
                try {
                    in.skipNBytes(e.pduLength()); // the payload: process names, messages; nothing a replay needs
                } catch (java.io.EOFException cut) {
                    warnings.accept(path + ": record " + record + " at byte " + position + " is cut short (its "
                            + e.pduLength() + "-byte payload runs past the end); the trace ends there");
                    break;
                }
                position += raw.length + e.pduLength();
            }
            if (ios.isEmpty()) {
                throw new IologException(path, "no requests in this blktrace (no queue events of reads, writes, trims"
                        + " or flushes)", null);
            }
            int max = 0;
            for (int d = 0; d < 3; d++) {
                int v = Math.min(MAX_DEPTH, depth[d]);
                if (v == 0 && perDirection[d] > 0) {
                    v = 1;
                }
                max = Math.max(max, v);
            }
            return new Trace(List.copyOf(ios), Math.max(1, max), zeroByte);
        }

        private void event(Blktrace.Event e, long record, long position) throws IologException {
            boolean notify = e.has(Blktrace.TC_NOTIFY);
            int dir = e.direction();
            if (!notify && dir >= 0) {
                switch (e.what()) {
                    case Blktrace.TA_QUEUE -> sinceCompletion[dir]++;
                    case Blktrace.TA_BACKMERGE, Blktrace.TA_FRONTMERGE -> sinceCompletion[dir]--;
                    case Blktrace.TA_COMPLETE -> {
                        depth[dir] = Math.max(depth[dir], sinceCompletion[dir]);
                        sinceCompletion[dir] = 0;
                    }
                    default -> {
                    }
                }
            }
            if (notify || e.what() != Blktrace.TA_QUEUE) {
                return;
            }
            long delay = lastTime == 0 || Long.compareUnsigned(e.timeNanos(), lastTime) < 0 ? 0 : e.timeNanos() - lastTime;
            lastTime = e.timeNanos();
            if (delay < 0 || elapsed + delay < 0) { // more than 292 years: not a clock, garbage
                throw new IologException(path, "record " + record + " at byte " + position + ": time "
                        + Long.toUnsignedString(e.timeNanos()) + " ns jumps beyond any trace's length", null);
            }
            elapsed += delay;
            long offset = e.sector() << 9;
            long bytes = Integer.toUnsignedLong(e.bytes());
            if (e.has(Blktrace.TC_DISCARD)) {
                add(new Io(elapsed, e.device(), IologAction.TRIM, offset, bytes), 2);
            } else if (e.has(Blktrace.TC_FLUSH)) {
                ios.add(new Io(elapsed, e.device(), IologAction.SYNC, 0, 0));
            } else if (bytes == 0) {
                if (zeroByte++ == 0) {
                    warnings.accept(path + ": leaving out queue events of zero bytes (first: action 0x"
                            + Integer.toHexString(e.action()) + ")");
                }
            } else {
                boolean write = e.has(Blktrace.TC_WRITE);
                add(new Io(elapsed, e.device(), write ? IologAction.WRITE : IologAction.READ, offset, bytes), write ? 1 : 0);
            }
        }

        private void add(Io io, int dir) {
            ios.add(io);
            perDirection[dir]++;
        }
    }
}
