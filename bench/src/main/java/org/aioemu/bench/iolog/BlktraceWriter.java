package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run's requests as a blktrace binary (see {@link Blktrace}) that {@code blkparse -i -} prints and
 * fio's {@code read_iolog} (and aioemu's) replays: a process notify naming the writer first, then for every
 * request a queue event when it is issued and a complete event when it finishes, as the kernel's tracer records
 * them for a request that is neither merged nor split. Reads carry the read category, writes the write category,
 * trims write and discard, syncs read and flush (the kernel's flush is not a write operation). Records are in this
 * machine's byte order, as blktrace writes them.
 *
 * <p>blktrace counts in 512-byte sectors: an offset that is not a multiple of 512 is recorded rounded down, which
 * {@link #inexactOffsets()} counts so that the caller can say so.
 *
 * <p>Threading: confined to one owner thread. Events are encoded into one reused buffer and written when it
 * fills, so recording allocates nothing; a write error surfaces as {@link UncheckedIOException} at the call that
 * meets it, at the latest on {@link #close()}.
 */
public final class BlktraceWriter implements Closeable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final org.aioemu.bench.output.AtomicFile file;
    private final java.nio.channels.WritableByteChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.nativeOrder());
    private final int pid;
    private int sequence;
    private long inexactOffsets;

    /** Creates (or truncates) {@code path} and records that {@code processName} (pid: this JVM's) is tracing. */
    public BlktraceWriter(Path path, String processName) throws IOException {
        // under a temporary name until close: a killed run leaves no trace that looks complete
        this.file = org.aioemu.bench.output.AtomicFile.create(path);
        this.out = file.channel();
        this.pid = (int) ProcessHandle.current().pid();
        byte[] name = (processName + "\0").getBytes(StandardCharsets.UTF_8);
        if (name.length > 16) { // the kernel's TASK_COMM_LEN, NUL included
            name = java.util.Arrays.copyOf(name, 16);
            name[15] = 0;
        }
        record(0, 0, 0, 0, Blktrace.TN_PROCESS | Blktrace.category(Blktrace.TC_NOTIFY), 0, 0, name.length);
        buf.put(name);
    }

    /** A request was queued {@code timeNanos} after the trace's start on {@code device} (a kernel dev_t). */
    public void queue(long timeNanos, int device, IologAction action, long offset, long length) {
        record(timeNanos, device, offset, length, Blktrace.TA_QUEUE | Blktrace.category(Blktrace.TC_QUEUE | kind(action)),
                0, 0, 0);
    }

    /** It completed, with {@code errno} (0: success). */
    public void complete(long timeNanos, int device, IologAction action, long offset, long length, int errno) {
        record(timeNanos, device, offset, length,
                Blktrace.TA_COMPLETE | Blktrace.category(Blktrace.TC_COMPLETE | kind(action)), errno, 0, 0);
    }

    /** Requests whose offset was not a multiple of 512 bytes (recorded rounded down). */
    public long inexactOffsets() {
        return inexactOffsets;
    }

    /** The kernel dev_t (major &lt;&lt; 20 | minor) of a glibc-encoded {@code st_dev} / {@code st_rdev}. */
    public static int kernelDevice(long glibcDev) {
        long major = ((glibcDev >>> 8) & 0xfff) | ((glibcDev >>> 32) & ~0xfffL);
        long minor = (glibcDev & 0xff) | ((glibcDev >>> 12) & ~0xffL);
        return Blktrace.device(major, minor);
    }

    private static int kind(IologAction action) {
        return switch (action) {
            case READ -> Blktrace.TC_READ;
            case WRITE -> Blktrace.TC_WRITE;
            case TRIM -> Blktrace.TC_WRITE | Blktrace.TC_DISCARD;
            case SYNC, DATASYNC -> Blktrace.TC_READ | Blktrace.TC_FLUSH;
            default -> throw new IllegalArgumentException(action + " is not a request");
        };
    }

    private void record(long timeNanos, int device, long offset, long length, int action, int error, int cpu, int pdu) {
        if (buf.remaining() < Blktrace.RECORD_BYTES + pdu) {
            drain();
        }
        if ((offset & 511) != 0) {
            inexactOffsets++;
        }
        buf.putInt(Blktrace.MAGIC | Blktrace.VERSION).putInt(sequence++).putLong(timeNanos).putLong(offset >>> 9)
                .putInt((int) Math.min(length, 0xffffffffL)).putInt(action).putInt(pid).putInt(device).putInt(cpu)
                .putShort((short) error).putShort((short) pdu);
    }

    private void drain() {
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            buf.clear();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
            file.commit();
        } catch (UncheckedIOException e) {
            throw org.aioemu.bench.output.IoReasons.failure(file.destination(), "write", e.getCause());
        } finally {
            file.close(); // not committed: the temporary file is removed
        }
    }
}
