package org.aioemu.blockdev.nbd;

/**
 * What a server said of the export during the handshake: its size, its transmission flags and its block-size
 * constraints (the protocol's defaults, 1 / 4096 / 32 MiB of payload, when it sent none). Immutable.
 *
 * @param name           the export's name as asked for
 * @param size           bytes
 * @param flags          the transmission flags ({@code NBD_FLAG_*})
 * @param minimumBlock   offsets and lengths of requests are multiples of this
 * @param preferredBlock the size the server prefers requests to be multiples of
 * @param maximumPayload the largest read or write one request may carry
 * @param optGo          whether NBD_OPT_GO was used (false: the server only took NBD_OPT_EXPORT_NAME)
 */
public record NbdExport(String name, long size, int flags, int minimumBlock, int preferredBlock, int maximumPayload,
                        boolean optGo) {
    public boolean isReadOnly() {
        return (flags & Nbd.FLAG_READ_ONLY) != 0;
    }

    /** Whether the server takes NBD_CMD_FLUSH (without it there is no write cache to flush). */
    public boolean canFlush() {
        return (flags & Nbd.FLAG_SEND_FLUSH) != 0;
    }

    /** Whether the server takes the FUA flag on writes. */
    public boolean canFua() {
        return (flags & Nbd.FLAG_SEND_FUA) != 0;
    }

    public boolean canTrim() {
        return (flags & Nbd.FLAG_SEND_TRIM) != 0;
    }

    public boolean canWriteZeroes() {
        return (flags & Nbd.FLAG_SEND_WRITE_ZEROES) != 0;
    }

    /** Whether several connections to the export see one another's writes at once (NBD_FLAG_CAN_MULTI_CONN). */
    public boolean canMultiConn() {
        return (flags & Nbd.FLAG_CAN_MULTI_CONN) != 0;
    }
}
