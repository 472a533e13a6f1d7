package org.aioemu.blockdev;

import org.aioemu.engine.ErrnoException;

/**
 * A failed block request at the public edge: names the operation, the range, the image and the errno,
 * e.g. {@code "write of 4096 bytes at offset 8192 on /images/a.raw failed: ENOSPC (No space left on
 * device)"}, followed by the engine's detail when it has one.
 */
public final class BlockIOException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final String op;
    private final long offset;
    private final long length;
    private final String image;
    private final String detail;

    public BlockIOException(int errno, String op, long offset, long length, String image, String detail) {
        super(errno, describe(op, offset, length, image) + " failed");
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.image = image;
        this.detail = detail;
    }

    private static String describe(String op, long offset, long length, String image) {
        if (op.equals("flush")) {
            return "flush of " + image;
        }
        return op + " of " + length + " bytes at offset " + offset + " on " + image;
    }

    /** The errno is named once: a detail ending in the same {@code ": NAME (description)"} drops that ending. */
    @Override
    public String getMessage() {
        if (detail == null) {
            return super.getMessage();
        }
        String errnoText = ": " + org.aioemu.engine.Errno.name(errno()) + " (" + org.aioemu.engine.Errno.describe(errno()) + ")";
        String d = detail.endsWith(errnoText) ? detail.substring(0, detail.length() - errnoText.length()) : detail;
        return super.getMessage() + "; " + d;
    }

    public String op() {
        return op;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    public String image() {
        return image;
    }
}
