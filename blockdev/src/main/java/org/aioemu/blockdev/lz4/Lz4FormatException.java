package org.aioemu.blockdev.lz4;

/**
 * An lz4 image is not what the format says it must be: the message names the structure, its file offset and what
 * is wrong ("map block 3 at offset 81920: checksum mismatch ..."). Opening, checking and reading throw it rather
 * than return data they cannot vouch for.
 */
public final class Lz4FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public Lz4FormatException(String message) {
        super(message);
    }
}
