package org.aioemu.aio;

/** What an {@link AioRequest} does: the operations of a block device, as in QEMU's raw driver and libblkio. */
public enum AioOp {
    /** preadv into the iovec; a read past end of file fills the rest with zeroes. */
    READ,
    /** pwritev from the iovec. */
    WRITE,
    /** fdatasync or fsync. */
    FLUSH,
    /** Deallocate a range (fallocate PUNCH_HOLE | KEEP_SIZE): it reads back as zeroes, the size stays. */
    DISCARD,
    /** Make a range read back as zeroes (fallocate ZERO_RANGE, with fallbacks); may extend the file. */
    WRITE_ZEROES
}
