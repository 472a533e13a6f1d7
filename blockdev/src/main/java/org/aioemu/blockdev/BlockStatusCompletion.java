package org.aioemu.blockdev;

/**
 * The loop-side answer of {@link BlockBackend#blockStatus(long, long, BlockStatusCompletion)}: on success the first
 * {@code length} bytes from the asked offset are a hole (reads as zeroes) or data, {@code error} 0; on failure
 * {@code error} is a negative errno and {@code detail} may say more. Runs on the loop, exactly once.
 */
@FunctionalInterface
public interface BlockStatusCompletion {
    void complete(long length, boolean hole, int error, String detail);
}
