package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.aioemu.bench.output.AtomicFile;
import org.aioemu.bench.output.IoReasons;

/**
 * A buffered text line sink that formats numbers itself, so a log line per I/O costs no garbage
 * ({@code BufferedWriter.append(StringBuilder)} makes a String per call). Write errors become
 * {@link UncheckedIOException} because the log writers' per-I/O methods are called from completion paths
 * that have no checked exceptions.
 *
 * <p>The lines stream into a temporary file beside the destination ({@link AtomicFile}), renamed into place by
 * {@link #close}: a run killed meanwhile leaves no log that looks complete under the log's name.
 *
 * <p>Threading: confined to its writer's owner.
 */
final class LineOut implements Closeable {
    private final AtomicFile file;
    private final OutputStream out;
    private final byte[] buf = new byte[64 << 10];
    private final byte[] digits = new byte[20];
    private int used;

    /** @throws IOException one line naming the file and the reason (a missing directory: ENOENT) */
    LineOut(Path file) throws IOException {
        this.file = AtomicFile.create(file);
        this.out = this.file.stream();
    }

    /** Room for at least {@code n} more bytes, flushing if needed. */
    private void room(int n) {
        if (buf.length - used < n) {
            drain();
        }
    }

    LineOut num(long v) {
        room(21);
        if (v < 0) {
            buf[used++] = '-';
            if (v == Long.MIN_VALUE) {
                return bytes("9223372036854775808".getBytes(StandardCharsets.US_ASCII));
            }
            v = -v;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0) {
            buf[used++] = digits[--n];
        }
        return this;
    }

    LineOut ch(char c) {
        room(1);
        buf[used++] = (byte) c;
        return this;
    }

    /** Pre-encoded text (a file name's UTF-8, a constant word). */
    LineOut bytes(byte[] b) {
        if (b.length > buf.length - used) {
            drain();
            if (b.length > buf.length) {
                write(b, 0, b.length);
                return this;
            }
        }
        System.arraycopy(b, 0, buf, used, b.length);
        used += b.length;
        return this;
    }

    private void drain() {
        write(buf, 0, used);
        used = 0;
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(IoReasons.failure(file.destination(), "write", e));
        }
    }

    void flush() throws IOException {
        try {
            drain();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
    }

    /** Writes what is buffered and renames the file into place; on a failure it is removed instead. */
    @Override
    public void close() throws IOException {
        try {
            flush();
            file.commit();
        } finally {
            file.close(); // not committed: drop the temporary file
        }
    }
}
