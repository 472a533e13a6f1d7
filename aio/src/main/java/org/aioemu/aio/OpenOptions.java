package org.aioemu.aio;

import java.util.Objects;

/**
 * How {@link FileHandle#open} opens a file: access mode, creation, truncation, {@code O_DIRECT},
 * {@code O_DSYNC}, the permission bits of a created file and the alignment to enforce for direct I/O.
 *
 * <p>Immutable: start from {@link #readOnly()} or {@link #readWrite()} and chain the {@code with}
 * methods, each of which returns a new instance. Safe to share between threads.
 *
 * <pre>{@code
 * OpenOptions.readWrite().withCreate().withDirect()      // read-write, create, O_DIRECT
 * OpenOptions.readOnly().withDirect(benchDirect)          // --direct=0|1
 * }</pre>
 */
public final class OpenOptions {
    /** The alignment {@code O_DIRECT} needs unless told otherwise: the logical block size of most disks. */
    public static final int DEFAULT_DIRECT_ALIGNMENT = 512;
    /** Permission bits of a created file unless told otherwise (before the umask). */
    public static final int DEFAULT_MODE = 0644;

    private static final OpenOptions READ_ONLY =
            new OpenOptions(true, false, false, false, false, 0, DEFAULT_MODE, DEFAULT_DIRECT_ALIGNMENT);
    private static final OpenOptions READ_WRITE =
            new OpenOptions(false, false, false, false, false, 0, DEFAULT_MODE, DEFAULT_DIRECT_ALIGNMENT);

    private final boolean readOnly;
    private final boolean create;
    private final boolean exclusive;
    private final boolean truncate;
    private final boolean direct;
    /** 0, {@code O_DSYNC} or {@code O_SYNC} (which includes O_DSYNC's bit). */
    private final int syncFlag;
    private final int mode;
    private final int alignment;

    private OpenOptions(boolean readOnly, boolean create, boolean exclusive, boolean truncate,
                        boolean direct, int syncFlag, int mode, int alignment) {
        this.readOnly = readOnly;
        this.create = create;
        this.exclusive = exclusive;
        this.truncate = truncate;
        this.direct = direct;
        this.syncFlag = syncFlag;
        this.mode = mode;
        this.alignment = alignment;
    }

    /** Open for reading only ({@code O_RDONLY}); writes, discards and write-zeroes then fail with EBADF. */
    public static OpenOptions readOnly() {
        return READ_ONLY;
    }

    /** Open for reading and writing ({@code O_RDWR}). */
    public static OpenOptions readWrite() {
        return READ_WRITE;
    }

    /** Create the file if it does not exist ({@code O_CREAT}). */
    public OpenOptions withCreate() {
        return new OpenOptions(readOnly, true, exclusive, truncate, direct, syncFlag, mode, alignment);
    }

    /** Create the file and fail with EEXIST if it already exists ({@code O_CREAT | O_EXCL}). */
    public OpenOptions withCreateNew() {
        return new OpenOptions(readOnly, true, true, truncate, direct, syncFlag, mode, alignment);
    }

    /**
     * Truncate an existing file to 0 ({@code O_TRUNC}).
     *
     * @throws IllegalStateException on read-only options: Linux would truncate anyway, which a
     *         read-only open must never do
     */
    public OpenOptions withTruncate() {
        if (readOnly) {
            throw new IllegalStateException("truncate needs read-write options: a read-only open must not modify the file");
        }
        return new OpenOptions(readOnly, create, exclusive, true, direct, syncFlag, mode, alignment);
    }

    /** Bypass the page cache ({@code O_DIRECT}); buffers, offsets and lengths must then be aligned. */
    public OpenOptions withDirect() {
        return withDirect(true);
    }

    public OpenOptions withDirect(boolean on) {
        return new OpenOptions(readOnly, create, exclusive, truncate, on, syncFlag, mode, alignment);
    }

    /** Make every write durable before it completes ({@code O_DSYNC}). */
    public OpenOptions withDsync() {
        return withDsync(true);
    }

    public OpenOptions withDsync(boolean on) {
        return new OpenOptions(readOnly, create, exclusive, truncate, direct,
                on ? (syncFlag == LibC.O_SYNC ? LibC.O_SYNC : LibC.O_DSYNC) : 0, mode, alignment);
    }

    /**
     * Make every write and its metadata durable before it completes ({@code O_SYNC}, which fio's
     * {@code sync=1} asks for); off leaves {@code O_DSYNC} if that was asked for.
     */
    public OpenOptions withSync(boolean on) {
        return new OpenOptions(readOnly, create, exclusive, truncate, direct,
                on ? LibC.O_SYNC : syncFlag == LibC.O_SYNC ? 0 : syncFlag, mode, alignment);
    }

    /** Permission bits for a created file, e.g. {@code 0600}; the default is {@code 0644}. */
    public OpenOptions withMode(int mode) {
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("file mode must be within 07777: 0" + Integer.toOctalString(mode));
        }
        return new OpenOptions(readOnly, create, exclusive, truncate, direct, syncFlag, mode, alignment);
    }

    /**
     * The alignment to enforce on {@code O_DIRECT} buffers, offsets and lengths: a power of two up to
     * 4096 (what {@link AlignedBuffers} guarantees), 512 by default. Use 4096 for 4Kn disks. Ignored
     * for buffered handles.
     */
    public OpenOptions withAlignment(int alignment) {
        if (alignment <= 0 || alignment > AlignedBuffers.ALIGNMENT || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two from 1 to "
                    + AlignedBuffers.ALIGNMENT + ": " + alignment);
        }
        return new OpenOptions(readOnly, create, exclusive, truncate, direct, syncFlag, mode, alignment);
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public boolean isCreate() {
        return create;
    }

    /** True when created with {@link #withCreateNew()}. */
    public boolean isExclusive() {
        return exclusive;
    }

    public boolean isTruncate() {
        return truncate;
    }

    public boolean isDirect() {
        return direct;
    }

    /** Whether writes are durable when they complete: O_DSYNC or O_SYNC. */
    public boolean isDsync() {
        return syncFlag != 0;
    }

    /** Whether O_SYNC (rather than only O_DSYNC) is asked for. */
    public boolean isSync() {
        return syncFlag == LibC.O_SYNC;
    }

    public int mode() {
        return mode;
    }

    /** The {@code O_DIRECT} alignment these options ask for (used only when {@link #isDirect()}). */
    public int alignment() {
        return alignment;
    }

    /** The flags argument of open(2); always includes {@code O_CLOEXEC}. */
    public int flags() {
        int flags = (readOnly ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC;
        if (create) {
            flags |= LibC.O_CREAT;
        }
        if (exclusive) {
            flags |= LibC.O_EXCL;
        }
        if (truncate) {
            flags |= LibC.O_TRUNC;
        }
        if (direct) {
            flags |= LibC.O_DIRECT;
        }
        flags |= syncFlag;
        return flags;
    }

    /** A short human description, e.g. {@code "read-write, create, O_DIRECT"}, as used in error messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder(readOnly ? "read-only" : "read-write");
        if (create) {
            sb.append(exclusive ? ", create-new" : ", create");
        }
        if (truncate) {
            sb.append(", truncate");
        }
        if (direct) {
            sb.append(", O_DIRECT");
            if (alignment != DEFAULT_DIRECT_ALIGNMENT) {
                sb.append(" (").append(alignment).append("-byte alignment)");
            }
        }
        if (syncFlag != 0) {
            sb.append(syncFlag == LibC.O_SYNC ? ", O_SYNC" : ", O_DSYNC");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenOptions other
                && readOnly == other.readOnly && create == other.create && exclusive == other.exclusive
                && truncate == other.truncate && direct == other.direct && syncFlag == other.syncFlag
                && mode == other.mode && alignment == other.alignment;
    }

    @Override
    public int hashCode() {
        return Objects.hash(readOnly, create, exclusive, truncate, direct, syncFlag, mode, alignment);
    }

    @Override
    public String toString() {
        return "OpenOptions[" + describe() + ", mode 0" + Integer.toOctalString(mode) + "]";
    }
}
