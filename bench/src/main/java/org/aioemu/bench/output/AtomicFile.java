package org.aioemu.bench.output;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A result file that appears only when complete. The bytes go to a temporary file beside the destination
 * ({@code .NAME.PID.N.tmp}, same directory so the rename stays on one file system); {@link #commit} flushes,
 * syncs and renames it into place, {@link #abort} (or {@link #close} without a commit) deletes it. A kill
 * before the commit therefore leaves the destination absent or with its old content, never half-written
 * under the final name. A destination that exists and is not a regular file ({@code /dev/null}, {@code /dev/full},
 * a FIFO, a terminal) cannot be renamed over and is written directly; a symbolic link is followed, so the file it
 * names is the one replaced.
 *
 * <p>Every write error is kept and reported at {@link #commit} as one line naming the destination and the
 * reason ({@code "No space left on device (ENOSPC)"}), so callers that write through a {@link java.io.PrintStream}
 * (which swallows errors) still fail rather than leave a short file.
 *
 * <p>Threading: one owner writes and commits; {@link #abort} may also be called once from a shutdown path after
 * the owner is gone (it only closes and deletes).
 */
public final class AtomicFile implements Closeable {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path destination;
    /** The file written, or null when writing the destination directly (a device or FIFO). */
    private final Path temp;
    private final FileChannel channel;
    private final KeptErrors stream;
    private boolean finished;

    private AtomicFile(Path destination, Path temp, FileChannel channel) {
        this.destination = destination;
        this.temp = temp;
        this.channel = channel;
        this.stream = new KeptErrors(Channels.newOutputStream(channel));
    }

    /**
     * Starts writing {@code destination}.
     *
     * @throws IOException one line naming the destination and why it cannot be written (missing directory,
     *                     permission, a directory in the way)
     */
    public static AtomicFile create(Path destination) throws IOException {
        Path target = destination;
        if (Files.isSymbolicLink(destination) && Files.exists(destination)) {
            target = destination.toRealPath();
        }
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + destination + ": Is a directory (EISDIR)");
        }
        try {
            if (Files.exists(target) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                return new AtomicFile(destination, null, FileChannel.open(target, StandardOpenOption.WRITE));
            }
            Path dir = target.toAbsolutePath().getParent();
            Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + SEQUENCE.incrementAndGet() + ".tmp");
            return new AtomicFile(destination, temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw IoReasons.failure(destination, "write", e);
        }
    }

    /** The path the user named. */
    public Path destination() {
        return destination;
    }

    /** Where the bytes are going until {@link #commit} (the destination itself when written directly). */
    public Path writing() {
        return temp != null ? temp : destination;
    }

    /** The channel under {@link #stream}, for binary writers; its errors are theirs to report. Owner only. */
    public java.nio.channels.WritableByteChannel channel() {
        return channel;
    }

    /** The stream to write; its errors are also kept for {@link #commit}. Closing it does not commit. */
    public OutputStream stream() {
        return stream;
    }

    /**
     * Makes the file complete under its name: flush, fsync, rename. On any failure the temporary file is deleted
     * and the destination is untouched.
     *
     * @throws IOException one line naming the destination and the reason
     */
    public void commit() throws IOException {
        if (finished) {
            throw new IllegalStateException(destination + " was already committed or aborted");
        }
        try {
            stream.flushOut();
            if (stream.failure != null) {
                throw stream.failure;
            }
            if (temp != null) {
                channel.force(true);
            }
            channel.close();
            if (temp != null) {
                Path target = Files.isSymbolicLink(destination) ? destination.toRealPath() : destination;
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            finished = true;
        } catch (IOException e) {
            abort();
            throw IoReasons.failure(destination, "write", e);
        }
    }

    /** Drops what was written: the temporary file is removed and the destination keeps what it had. Idempotent. */
    public void abort() {
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is being thrown away
        }
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: what can remain is a hidden .tmp file beside the destination
            }
        }
    }

    /** Aborts unless committed: a writer that stops early by an exception leaves no file behind. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
    }

    /** Passes writes through and keeps the first failure, so one seen through a PrintStream is not lost. */
    private static final class KeptErrors extends FilterOutputStream {
        IOException failure;

        KeptErrors(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                keep(e);
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                keep(e);
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                keep(e);
                throw e;
            }
        }

        void flushOut() throws IOException {
            flush();
        }

        @Override
        public void close() {
            // commit or abort closes the channel; a PrintStream's close must not
        }

        private void keep(IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
